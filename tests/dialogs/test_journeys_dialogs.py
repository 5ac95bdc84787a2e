"""Multi-night journeys through ``handler(event, context)``, night by night: every journey
start to finish, stopping mid-step and resuming the next day, skipped nights (the step waits,
and nothing is said about it), two asks in one night, starting over, stopping the journey,
tonight's question giving way at launch, the recap and the screen. Every response stays within
the platform's limits and the two-breath budget, and the stored record holds only ids and
positions."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from skill.hosts.chat import ChatTurn
from skill.runtime.catalog import LocaleContent
from skill.runtime.flows import journeys
from skill.runtime.state import Household
from tests.support.dialog import Dialog, Handler
from tests.support.listening import stored_household
from tests.support.rituals import fast, fits, raw_record
from tests.support.screens import content_patterns, from_content, shown

#: A phrase for each journey a person would use to start it, and the journey it should start.
OPENINGS = {
    "know_again": "can we do the getting to know each other again journey",
    "appreciation": "the appreciation week",
    "hard_season": "after a hard season",
    "closer": "closer in three weeks",
}


def say(dialog: Dialog, line: str) -> ChatTurn:
    """One line said, its reply checked against the platform's limits and two breaths."""
    return fits(dialog.say(line))


def said(turn: ChatTurn, content: LocaleContent, key: str, **params: str | int) -> bool:
    """Whether ``turn`` says one of the variants of phrase ``key`` with ``params``."""
    return any(v.format(**params) in turn.speech for v in content.variants(key))


def journey(content: LocaleContent, journey_id: str) -> journeys.Journey:
    found = journeys.journey_by_id(content, journey_id)
    assert found is not None
    return found


def kept(db_path: Path) -> list[int | str]:
    return stored_household(db_path, "couple-1").kept.get(journeys.NAME, [])


def settled(handler: Handler) -> Dialog:
    """A couple who has met the skill and given their names (so no names offer comes up)."""
    dialog = fast(handler)
    say(dialog, "open heart to heart")
    say(dialog, "call us sam and alex")
    say(dialog, "stop")
    return dialog


def night_one_done(handler: Handler, opening: str) -> Dialog:
    """A settled couple who started a journey with ``opening`` and did its first night, the
    question and the practice, tonight."""
    dialog = settled(handler)
    say(dialog, "open heart to heart")
    say(dialog, opening)
    say(dialog, "yes")
    return dialog


def appreciation_night_two(
    handler: Handler, content: LocaleContent
) -> tuple[journeys.Journey, Dialog]:
    """The appreciation week, its first night done, on the next night (no session yet)."""
    dialog = night_one_done(handler, "the appreciation week")
    dialog.next_night()
    return journey(content, "appreciation"), dialog


def do_night(dialog: Dialog, content: LocaleContent, j: journeys.Journey, index: int) -> ChatTurn:
    """Launch on a new night, accept the step offered, hear its question, then its practice."""
    step = j.steps[index]
    launched = say(dialog, "open heart to heart")
    assert said(launched, content, "journeys.offer_step", night=index + 1, journey=j.title)
    asked = say(dialog, "yes")
    assert step.question in asked.speech and asked.session_open
    done = say(dialog, "yes")
    assert step.practice in done.speech and not done.session_open
    return done


@pytest.mark.parametrize("journey_id", sorted(OPENINGS))
def test_every_journey_runs_night_by_night_to_the_end(
    handler: Handler, content: LocaleContent, db_path: Path, journey_id: str
) -> None:
    j = journey(content, journey_id)
    dialog = settled(handler)
    say(dialog, "open heart to heart")
    begun = say(dialog, OPENINGS[journey_id])
    assert j.about in begun.speech and j.steps[0].question in begun.speech
    assert said(begun, content, "journeys.practice_offer")
    first = say(dialog, "yes")
    assert j.steps[0].practice in first.speech and "(chime)" in first.speech
    assert said(first, content, "journeys.step_done", night=1)
    nights = [dialog.clock.now]
    for index in range(1, len(j.steps)):
        dialog.next_night()
        nights.append(dialog.clock.now)
        done = do_night(dialog, content, j, index)
        assert kept(db_path)[:2] == [j.id, index + 1]
    assert said(done, content, "journeys.finished", journey=j.title)
    dialog.next_night()
    launched = say(dialog, "open heart to heart")
    assert not said(launched, content, "journeys.offer_step", night=len(j.steps), journey=j.title)
    where = say(dialog, "where are we in our journey")
    assert said(where, content, "journeys.status_finished", journey=j.title, total=len(j.steps))
    household = stored_household(db_path, "couple-1")
    stored = household.kept[journeys.NAME]
    assert stored[:2] == [j.id, len(j.steps)]
    # The journal keeps about a week: the latest nights' steps, in order, by id.
    week = [e.item for e in household.journal if e.kind == "journey"]
    assert len(week) >= 5 and week == [s.id for s in j.steps][-len(week) :]


def test_stopping_mid_step_resumes_the_same_night_at_the_practice_and_the_next_day_anew(
    handler: Handler, content: LocaleContent, db_path: Path
) -> None:
    j, dialog = appreciation_night_two(handler, content)
    say(dialog, "open heart to heart")
    asked = say(dialog, "yes")
    assert j.steps[1].question in asked.speech
    bye = say(dialog, "stop")
    assert not bye.session_open
    assert kept(db_path)[1] == 1, "the question alone does not complete the night"
    again = say(dialog, "open heart to heart")
    assert said(again, content, "journeys.offer_practice", night=2, journey=j.title)
    practice = say(dialog, "yes")
    assert j.steps[1].practice in practice.speech and j.steps[1].question not in practice.speech
    assert kept(db_path)[1] == 2
    # Night three: the question, then the session ends; the next day picks up night three.
    dialog.next_night()
    say(dialog, "open heart to heart")
    say(dialog, "yes")
    dialog.end()
    dialog.next_night()
    launched = say(dialog, "open heart to heart")
    assert said(launched, content, "journeys.offer_step", night=3, journey=j.title)
    picked = say(dialog, "yes")
    assert said(picked, content, "journeys.pick_up", night=3, journey=j.title)
    assert j.steps[2].question in picked.speech


def test_a_skipped_night_never_shames_the_next_step_simply_waits(
    handler: Handler, content: LocaleContent, db_path: Path
) -> None:
    j = journey(content, "hard_season")
    dialog = night_one_done(handler, "after a hard season")
    dialog.next_night(4)
    where = say(dialog, "ask heart to heart where are we in our journey")
    assert said(where, content, "journeys.status_waiting", journey=j.title, night=2, total=5)
    dialog.end()
    launched = say(dialog, "open heart to heart")
    assert said(launched, content, "journeys.offer_step", night=2, journey=j.title)
    for turn in (where, launched):
        assert not re.search(r"\b(miss\w*|skip\w*|late|behind|forgot\w*)\b", turn.speech, re.I)
    asked = say(dialog, "yes")
    assert j.steps[1].question in asked.speech
    assert kept(db_path)[:2] == [j.id, 1]


def test_two_asks_in_one_night_never_move_on_two_nights(
    handler: Handler, content: LocaleContent, db_path: Path
) -> None:
    j = journey(content, "closer")
    dialog = night_one_done(handler, "closer in three weeks")
    before = kept(db_path)
    launched = say(dialog, "open heart to heart")
    assert not said(launched, content, "journeys.offer_step", night=2, journey=j.title)
    second = say(dialog, "let's do tonight's step")
    assert said(second, content, "journeys.done_tonight", night=1, next=2)
    again = say(dialog, "yes")
    assert j.steps[0].practice in again.speech and j.steps[1].question not in again.speech
    third = say(dialog, "ask heart to heart for the closer in three weeks journey")
    assert said(third, content, "journeys.done_tonight", night=1, next=2)
    assert kept(db_path) == before
    dialog.next_night()
    do_night(dialog, content, j, 1)  # the next night, night two is offered and done


def test_starting_over_goes_back_to_night_one_one_step_a_night_still(
    handler: Handler, content: LocaleContent, db_path: Path
) -> None:
    j = journey(content, "know_again")
    dialog = night_one_done(handler, OPENINGS["know_again"])
    dialog.next_night()
    do_night(dialog, content, j, 1)
    say(dialog, "open heart to heart")
    over = say(dialog, "let's start the journey over")
    assert said(over, content, "journeys.restarted_tomorrow", journey=j.title)
    assert kept(db_path)[:2] == [j.id, 0]
    eager = say(dialog, "let's do tonight's step")
    assert said(eager, content, "journeys.restarted_tomorrow", journey=j.title)
    assert kept(db_path)[:2] == [j.id, 0], "night one waits for tomorrow"
    dialog.next_night()
    do_night(dialog, content, j, 0)
    dialog.next_night()
    say(dialog, "open heart to heart")
    # "Start over" said while the journey holds the floor means the journey.
    fresh = say(dialog, "start over")
    assert said(fresh, content, "journeys.restarted", journey=j.title)
    asked = say(dialog, "yes")
    assert j.steps[0].question in asked.speech


def test_stopping_the_journey_asks_first_then_lets_it_go(
    handler: Handler, content: LocaleContent, db_path: Path
) -> None:
    j, dialog = appreciation_night_two(handler, content)
    say(dialog, "open heart to heart")
    ask = say(dialog, "let's stop the journey")
    assert said(ask, content, "journeys.stop_confirm", journey=j.title)
    kept_on = say(dialog, "no")
    assert said(kept_on, content, "journeys.kept")
    assert kept(db_path)[:2] == [j.id, 1]
    say(dialog, "stop the journey")
    gone = say(dialog, "yes")
    assert said(gone, content, "journeys.stopped", journey=j.title)
    assert journeys.NAME not in stored_household(db_path, "couple-1").kept
    dialog.end()
    launched = say(dialog, "open heart to heart")
    assert not said(launched, content, "journeys.offer_step", night=2, journey=j.title)
    nothing = say(dialog, "where are we in our journey")
    assert said(nothing, content, "journeys.status_none")


def test_tonights_question_gives_way_to_tonights_step(
    handler: Handler, content: LocaleContent, db_path: Path
) -> None:
    j, dialog = appreciation_night_two(handler, content)
    launched = say(dialog, "open heart to heart")
    assert said(launched, content, "journeys.offer_step", night=2, journey=j.title)
    assert not any(v in launched.speech for v in content.variants("offer.tonight"))
    question = say(dialog, "tonight's question")
    assert said(question, content, "journeys.question_instead")
    assert any(q.text in question.speech for q in content.questions)
    assert kept(db_path)[1] == 1, "the step keeps"
    say(dialog, "stop")
    later = say(dialog, "open heart to heart")
    assert said(later, content, "journeys.offer_step", night=2, journey=j.title)
    declined = say(dialog, "no")
    assert said(declined, content, "journeys.offer_declined")
    assert kept(db_path)[1] == 1


def test_asking_for_tonights_question_offers_the_step_once_a_session(
    handler: Handler, content: LocaleContent, db_path: Path
) -> None:
    j = journey(content, "closer")
    dialog = night_one_done(handler, "closer in three weeks")
    dialog.next_night()
    offered = say(dialog, "ask heart to heart for tonight's question")
    assert said(offered, content, "journeys.offer_step", night=2, journey=j.title)
    assert offered.session_open and not any(q.text in offered.speech for q in content.questions)
    declined = say(dialog, "no")
    assert said(declined, content, "journeys.offer_declined")
    question = say(dialog, "yes")
    assert any(q.text in question.speech for q in content.questions)
    assert kept(db_path)[1] == 1
    dialog.end()
    # A new session: the launch offers the step; choosing something else lets it go for now.
    launched = say(dialog, "open heart to heart")
    assert said(launched, content, "journeys.offer_step", night=2, journey=j.title)
    say(dialog, "a gratitude prompt")
    again = say(dialog, "tonight's question")
    assert not said(again, content, "journeys.offer_step", night=2, journey=j.title)
    assert any(q.text in again.speech for q in content.questions)
    # Once tonight's question has been had, asking for it again just repeats it.
    dialog.end()
    repeat = say(dialog, "ask heart to heart for tonight's question")
    assert any(v in repeat.speech for v in content.variants("tonight.still"))


def test_listing_choosing_and_switching_journeys(
    handler: Handler, content: LocaleContent, db_path: Path
) -> None:
    dialog = settled(handler)
    say(dialog, "open heart to heart")
    listed = say(dialog, "which journeys are there")
    for j in journeys.journeys(content):
        assert j.title in listed.speech
    assert listed.session_open
    chosen = say(dialog, "can we do the seven nights thing")
    assert all(j.title in chosen.speech for j in journeys.journeys(content))
    begun = say(dialog, "the appreciation week")
    assert journey(content, "appreciation").steps[0].question in begun.speech
    switch = say(dialog, "closer in three weeks")
    assert said(
        switch,
        content,
        "journeys.switch_confirm",
        current=journey(content, "appreciation").title,
        journey=journey(content, "closer").title,
    )
    say(dialog, "no")
    assert kept(db_path)[0] == "appreciation"
    say(dialog, "closer in three weeks")
    switched = say(dialog, "yes")
    assert journey(content, "closer").steps[0].question in switched.speech
    assert kept(db_path)[:2] == ["closer", 0]


def test_the_recap_names_the_journey_and_the_step_reached(
    handler: Handler, content: LocaleContent
) -> None:
    j, dialog = appreciation_night_two(handler, content)
    do_night(dialog, content, j, 1)
    recap = say(dialog, "ask heart to heart what did we do this week")
    assert j.title in recap.speech and re.search(r"\b2\b", recap.speech), "names night 2"
    assert j.steps[1].title.lower() in recap.speech.lower()


def test_an_echo_show_shows_the_journey_night_and_step_title(
    handler: Handler, content: LocaleContent
) -> None:
    j = journey(content, "closer")
    show = fast(handler, screen="landscape")
    say(show, "open heart to heart")
    say(show, "call us sam and alex")
    asked = say(show, "closer in three weeks")
    patterns = content_patterns(content)
    screen = shown(asked.response or {})
    assert screen["footer"] == j.steps[0].title
    assert j.title.casefold() in screen["title"].casefold()
    assert screen["text"] == j.steps[0].question
    for field in ("title", "text", "footer"):
        assert from_content(screen[field], patterns), screen[field]
    practice = shown(say(show, "yes").response or {})
    assert practice["footer"] == j.steps[0].title and practice["text"] == j.steps[0].practice
    show.next_night()
    launched = shown(say(show, "open heart to heart").response or {})
    assert launched["text"] == j.steps[1].title and re.search(r"\b2\b", launched["title"])


def test_the_record_keeps_only_ids_and_positions(
    handler: Handler, content: LocaleContent, db_path: Path
) -> None:
    dialog = settled(handler)
    say(dialog, "open heart to heart")
    say(dialog, "the appreciation week")
    talking = say(dialog, "we were just saying how much we loved lisbon")
    assert talking.session_open, "their own talk after a question gets more quiet"
    say(dialog, "yes")
    household: Household = stored_household(db_path, "couple-1")
    journey_id, done, done_night, asked_night = household.kept[journeys.NAME]
    assert (journey_id, done, asked_night) == ("appreciation", 1, "")
    assert isinstance(done_night, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", done_night)
    assert {e.item for e in household.journal if e.kind == "journey"} == {"appreciation-01"}
    raw = json.dumps(raw_record(db_path, "couple-1")).lower()
    assert "lisbon" not in raw and "loved" not in raw
    assert journey(content, "appreciation").steps[0].question.lower() not in raw
