"""The repair talk through ``handler(event, context)``: start to finish by name, a time-out
and its return the next day, a return after two days, and what must not start one."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from skill.hosts.chat import ChatTurn
from skill.runtime.catalog import LocaleContent
from skill.runtime.flows import repair
from tests.support.dialog import Handler
from tests.support.rituals import NAMES, fits, household, named, said


def floor_turn(turn: ChatTurn, speaker: int) -> None:
    """A floor turn: the speaker is named first and holds the quiet, then the listener is
    named to say back what they heard, in a second quiet; both end on a chime."""
    fits(turn)
    speaking, rest = turn.speech.split("(silence 1:00)")
    paraphrase, after = rest.split("(silence 0:30)")
    assert speaking.index(NAMES[speaker]) < speaking.index(NAMES[1 - speaker]), turn.speech
    assert NAMES[1 - speaker] in paraphrase and NAMES[speaker] not in paraphrase
    assert paraphrase.startswith(" (chime)") and after.startswith(" (chime)")
    assert turn.session_open


def kept(db: Path) -> list[int | str]:
    return household(db).kept["repair"]


def test_a_repair_talk_start_to_finish(
    handler: Handler, content: LocaleContent, db_path: Path
) -> None:
    dialog = named(handler)
    first = fits(dialog.say("we had a fight"))
    assert said(first.speech, content.variants("repair.safety")) and first.session_open
    start = fits(dialog.say("yes"))
    assert said(start.speech, content.variants("repair.intro"))
    assert start.speech.index("Sam") < start.speech.index("Alex")
    round_one = dialog.say("ready")
    floor_turn(round_one, 0)
    assert said(round_one.speech, content.variants("repair.round_one"))
    assert said(round_one.speech, content.variants("repair.speak"))
    floor_turn(dialog.say("next"), 1)
    round_two = dialog.say("next")
    floor_turn(round_two, 0)
    assert said(round_two.speech, content.variants("repair.round_two"))
    floor_turn(dialog.say("done"), 1)
    close = fits(dialog.say("next"))
    assert said(close.speech, content.variants("repair.appreciate")) and "(chime)" in close.speech
    assert not close.session_open
    assert kept(db_path) == [1, repair.IDLE, 0, 0]
    # The note is said once: the next talk goes straight to who speaks first.
    dialog.next_night(3)
    again = fits(dialog.say("help us make up"))
    assert not said(again.speech, content.variants("repair.safety"))
    assert said(again.speech, content.variants("repair.intro"))


def test_a_time_out_and_its_return_the_next_day(
    handler: Handler, content: LocaleContent, db_path: Path
) -> None:
    dialog = named(handler)
    dialog.script("we need to talk something through", "yes", "ready")
    paused_at = dialog.clock.now
    out = fits(dialog.say("we need a time out"))
    assert not out.session_open and said(out.speech, content.variants("repair.time_out"))
    noted, following, updated, paused = kept(db_path)
    assert (noted, following, paused) == (1, 2, 1)
    assert isinstance(updated, int) and abs(updated - paused_at.timestamp()) < 60
    dialog.end()
    dialog.clock.advance(timedelta(hours=20))
    back = fits(dialog.say("open heart to heart"))
    assert said(back.speech, content.variants("repair.resume_offer")), back.speech
    picked = dialog.say("let's pick up where we left off")
    assert said(picked.speech, content.variants("repair.welcome_back"))
    floor_turn(picked, 1)
    assert kept(db_path)[1] == 3 and kept(db_path)[3] == 0


def test_back_to_our_talk_picks_up_within_a_day(
    handler: Handler, content: LocaleContent, db_path: Path
) -> None:
    dialog = named(handler)
    dialog.script("we argued", "yes", "ready", "next", "time out")
    dialog.end()
    dialog.clock.advance(timedelta(hours=12))
    picked = dialog.say("ask heart to heart to go back to our talk")
    floor_turn(picked, 0)
    assert said(picked.speech, content.variants("repair.round_two"))


def test_a_return_after_two_days_offers_to_begin_again(
    handler: Handler, content: LocaleContent, db_path: Path
) -> None:
    dialog = named(handler)
    dialog.script("can you help us sort something out", "yes", "ready", "we need a time out")
    dialog.next_night(2)
    launch = fits(dialog.say("open heart to heart"))
    assert not said(launch.speech, content.variants("repair.resume_offer"))
    dialog.end()
    offer = fits(dialog.say("ask heart to heart for back to our talk"))
    assert said(offer.speech, content.variants("repair.again_offer")) and offer.session_open
    fresh = fits(dialog.say("yes"))
    assert said(fresh.speech, content.variants("repair.intro"))
    assert not said(fresh.speech, content.variants("repair.safety"))
    assert kept(db_path)[:2] == [1, 1]
    floor_turn(dialog.say("ready"), 0)


def test_declining_a_fresh_start_forgets_the_old_talk(
    handler: Handler, content: LocaleContent, db_path: Path
) -> None:
    dialog = named(handler)
    dialog.script("we had a fight", "yes", "ready", "time out")
    dialog.next_night(2)
    dialog.say("ask heart to heart for back to our talk")
    bye = fits(dialog.say("no"))
    assert not bye.session_open
    assert kept(db_path) == [1, repair.IDLE, 0, 0]


def test_talk_during_a_turn_gets_more_quiet_never_an_apology(
    handler: Handler, content: LocaleContent, db_path: Path
) -> None:
    dialog = named(handler)
    dialog.script("we had a fight", "yes", "ready")
    sorry = tuple(v for k, vs in content.phrases.items() if k.startswith("fallback.") for v in vs)
    more = fits(dialog.say("I just felt like nobody heard me about the weekend"))
    assert more.session_open and "(silence" in more.speech and not said(more.speech, sorry)
    leave = fits(dialog.say("that's fair I get it"))
    assert not leave.session_open and not said(leave.speech, sorry)
    assert kept(db_path)[1] == 2


def test_a_great_day_does_not_start_a_repair_talk(
    handler: Handler, content: LocaleContent, db_path: Path
) -> None:
    dialog = named(handler)
    dialog.say("open heart to heart")
    turn = dialog.say("we had a great day")
    assert not said(turn.speech, content.variants("repair.safety"))
    assert "repair" not in household(db_path).kept
