"""State round-trips, speech rendering within limits, and when a night turns over."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from skill.runtime.nights import night_of, nights_between, previous_night, zone
from skill.runtime.reply import (
    Pause,
    PersonName,
    Reply,
    Say,
    Silence,
    Sound,
    segments_from_json,
    segments_to_json,
)
from skill.runtime.speech import budget, ssml_to_text, to_ssml, to_text
from skill.runtime.state import (
    HOME,
    Household,
    NightEntry,
    Place,
    QuestionPrefs,
    ReminderDraft,
    household_from_json,
    session_from_json,
    to_dict,
)


def test_household_round_trips_through_json() -> None:
    household = Household(
        visits=3,
        heard=["a-01"],
        history=[NightEntry("2026-12-01", "a-01")],
        prefs=QuestionPrefs(depth=1, theme="play"),
        names=["Sam", "Alex"],
    )
    assert household_from_json(to_dict(household)) == household


def test_unknown_fields_are_tolerated_and_missing_ones_defaulted() -> None:
    household = household_from_json({"schema": 1, "visits": 2, "from_the_future": True})
    assert household.visits == 2 and household.heard == []


def test_wrong_types_are_refused() -> None:
    with pytest.raises(ValueError):
        household_from_json({"schema": 1, "heard": "not a list"})
    with pytest.raises(ValueError):
        household_from_json({"schema": 99})


def test_a_malformed_session_is_replaced_by_a_fresh_one() -> None:
    assert session_from_json({"context": 42}).place.activity == HOME
    assert session_from_json("junk").place.activity == HOME
    assert session_from_json({"schema": 2, "place": {"activity": 7}}).place.activity == HOME


def test_a_session_written_by_the_last_release_carries_on() -> None:
    """Schema 1 kept the place in strings; a session open during a deploy is read into a
    place: its activity, the offer without its retry suffix, and the reminder draft."""
    old = {
        "context": "game",
        "offer": "game_menu_retry",
        "question_id": "dreams-03",
        "time_zone": "Europe/Lisbon",
    }
    session = session_from_json(old)
    assert session.place == Place(activity="games", offer="game_menu", retries=1)
    assert session.question_id == "dreams-03" and session.time_zone == "Europe/Lisbon"
    drafting = session_from_json(
        {"context": "ritual", "offer": "reminder_confirm", "pending": "update|21:30"}
    )
    assert drafting.place.activity == "reminders"
    assert drafting.place.reminder == ReminderDraft(action="update", time="21:30")
    assert session_from_json({"context": "top", "offer": "tonight"}).place == Place(
        activity=HOME, offer="tonight"
    )


def test_no_floats_are_stored() -> None:
    def walk(node: object) -> None:
        assert not isinstance(node, float)
        if isinstance(node, dict):
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(to_dict(Household(visits=1, heard=["x-01"])))


def test_ssml_escapes_and_chains_long_silences() -> None:
    ssml = to_ssml((Say("Tom & Jerry <3"), Silence(125), Sound("chime"), PersonName('p"1')))
    assert "&amp;" in ssml and "&lt;3" in ssml
    assert ssml.count('<break time="10s"/>') == 12 and '<break time="5s"/>' in ssml
    import xml.dom.minidom

    inner = ssml.removeprefix("<speak>").removesuffix("</speak>")
    doc = xml.dom.minidom.parseString(f'<speak xmlns:alexa="a">{inner}</speak>')
    assert doc.getElementsByTagName("alexa:name")[0].getAttribute("personId") == 'p"1'


def test_pause_is_capped_at_ten_seconds() -> None:
    assert '<break time="10000ms"/>' in to_ssml((Pause(60_000),))


def test_ssml_spaces_parts_and_joins_punctuation_to_the_word_before() -> None:
    assert to_ssml((Say("Sam"), Say(", welcome back."))) == "<speak>Sam, welcome back.</speak>"
    assert to_ssml((Say(""), Say("Hi"))) == "<speak>Hi</speak>"
    assert to_ssml((Silence(0), Say("Hello"), Silence(0), Say("again"))) == (
        "<speak>Hello again</speak>"
    )
    assert to_ssml((Say("Breathe."), Pause(-5), Say("Now."))) == (
        '<speak>Breathe. <break time="0ms"/> Now.</speak>'
    )
    assert to_ssml((Sound("no-such-sound"),)) == (
        '<speak><audio src="soundbank://soundlibrary/musical/amzn_sfx_bell_short_chime_02"/>'
        "</speak>"
    )
    assert to_ssml(()) == "<speak></speak>"


def test_text_views_show_timed_silences() -> None:
    segments = (Say("Your turn."), Silence(120), Sound("chime"), Say("Swap."))
    assert to_text(segments) == "Your turn. (silence 2:00) (chime) Swap."
    assert ssml_to_text(to_ssml(segments)) == "Your turn. (silence 2:00) (chime) Swap."


def test_budget_flags_responses_over_the_limits() -> None:
    assert budget((Say("hi"), Silence(200))).violations() == []
    assert budget((Silence(241),)).violations()
    assert budget((Say("word " * 2000),)).violations()


def test_segments_survive_session_attributes() -> None:
    segments = (Say("a"), Pause(300), Silence(5), Sound("chime"), PersonName("p"))
    assert segments_from_json(segments_to_json(segments)) == segments
    assert segments_from_json([["bogus", 1], "x", ["say", 3]]) == ()


def test_reply_builders() -> None:
    assert Reply.ask((Say("q?"),), (Say("q?"),)).end_session is False
    assert Reply.tell((Say("bye"),)).end_session is True
    assert Reply.silent().end_session is None


def test_night_turns_over_at_four() -> None:
    ny = ZoneInfo("America/New_York")
    assert night_of(datetime(2026, 12, 2, 3, 59, tzinfo=ny)) == "2026-12-01"
    assert night_of(datetime(2026, 12, 2, 4, 0, tzinfo=ny)) == "2026-12-02"
    assert previous_night("2026-03-01") == "2026-02-28"
    assert nights_between("2026-12-01", "2026-12-08") == 7


def test_unknown_zone_falls_back() -> None:
    assert zone("Not/AZone", "Europe/Paris").key == "Europe/Paris"
    assert zone("", "Nope/Nope").key == "UTC"
