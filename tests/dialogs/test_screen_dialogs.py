"""Screens through ``handler(event, context)``: an Echo Show gets an APL document with every
spoken reply, an Echo without a screen never does, and what is shown comes from content."""

from __future__ import annotations

import json
from random import Random
from typing import Any

import pytest

from skill.hosts.chat import ChatTurn
from skill.runtime import apl
from skill.runtime.catalog import Game, LocaleContent
from skill.runtime.flows.kit import scoring
from tests.support.dialog import Dialog, Handler
from tests.support.games import start_game
from tests.support.screens import content_patterns, from_content, render_documents, shown

#: Alexa's limit for a whole response is 120 KB; a screen's share should be a small part.
MAX_RESPONSE_BYTES = 24_000


def response_of(turn: ChatTurn) -> dict[str, Any]:
    assert turn.response is not None
    return turn.response


def check_screen(turn: ChatTurn, content: LocaleContent) -> dict[str, Any]:
    """The screen a spoken turn shows, after checking its words, document and size."""
    response = response_of(turn)
    screen = shown(response)
    patterns = content_patterns(content)
    for field in ("title", "text", "footer"):
        if screen[field]:
            assert from_content(screen[field], patterns), (field, screen[field])
    (directive,) = render_documents(response)
    assert directive["token"] == apl.TOKEN
    assert directive["document"] == apl.document(content)
    assert len(json.dumps(response).encode()) < MAX_RESPONSE_BYTES
    return screen


@pytest.mark.parametrize("screen", ["landscape", "round"])
def test_tonights_question_on_a_screen(
    handler: Handler, content: LocaleContent, screen: str
) -> None:
    show = Dialog(handler, screen=screen)
    launched = show.say("open heart to heart")
    home = check_screen(launched, content)
    assert home["title"] in content.variants("screen.home.title")
    asked = show.say("tonight's question")
    on_screen = check_screen(asked, content)
    assert on_screen["title"] in content.variants("card.tonight_title")
    assert on_screen["text"] in {q.text for q in content.questions}
    assert on_screen["text"] in asked.speech  # the question on screen is the one just said
    saved = show.say("save that one")
    assert check_screen(saved, content)["text"] == on_screen["text"]
    ended = show.end()
    assert ended is not None and render_documents(response_of(ended)) == []


def test_a_device_without_a_screen_never_gets_apl(handler: Handler) -> None:
    echo = Dialog(handler)
    turns = echo.script(
        "open heart to heart",
        "tonight's question",
        "a listening exercise",
        "you choose",
        "ready",
        "stop",
    )
    for turn in turns:
        assert render_documents(response_of(turn)) == [], turn.said
        assert "Alexa.Presentation.APL" not in json.dumps(turn.response)


def test_silence_and_the_session_end_show_nothing(handler: Handler, content: LocaleContent) -> None:
    show = Dialog(handler, screen="landscape")
    check_screen(show.say("open heart to heart"), content)
    show.say("")  # the reprompt, played by Alexa without asking the skill
    ended = show.say("")
    assert ended.response is not None and not ended.session_open
    assert render_documents(ended.response) == []


def test_an_exercise_step_shows_who_has_the_floor_and_how_long(
    handler: Handler, content: LocaleContent
) -> None:
    show = Dialog(handler, screen="landscape")
    show.say("open heart to heart")
    show.say("call us sam and alex")
    started = show.say("a listening exercise")
    choosing = check_screen(started, content)
    exercise = next(
        e
        for e in content.section("exercises")
        if e.title[:1].upper() + e.title[1:] == choosing["title"]
    )
    assert choosing["text"] in content.variants("screen.listening.choose")
    step = check_screen(show.say("sam goes first"), content)
    assert step["timer"] == ""  # waiting for a cue: nothing is timed yet
    # Say "ready" until a timed turn plays: the screen shows its length and who talks.
    timed = None
    for _ in range(len(exercise.steps)):
        turn = show.say("ready")
        screen = check_screen(turn, content)
        if screen["timer"]:
            timed = screen
            break
    assert timed is not None, "no timed turn came"
    lengths = {apl.clock(part) for s in exercise.steps for part in s.parts}
    assert timed["timer"] in lengths
    assert timed["text"] in {
        content.phrase("screen.listening.floor", Random(0), person=name) for name in ("Sam", "Alex")
    }
    assert timed["footer"] in {
        content.phrase("screen.listening.listens", Random(0), person=name)
        for name in ("Sam", "Alex")
    }
    assert ("Sam" in timed["text"]) != ("Sam" in timed["footer"])


def test_a_game_turn_shows_the_question_and_the_score(
    handler: Handler, content: LocaleContent
) -> None:
    show = Dialog(handler, screen="landscape")
    show.say("open heart to heart")
    show.say("call us sam and alex")
    first = check_screen(start_game(show, "let's play how well do you know me"), content)
    games: tuple[Game, ...] = content.section("games")
    know_me = next(g for g in games if g.title[:1].upper() + g.title[1:] == first["title"])
    texts = {q.text.format(partner=name) for q in know_me.questions for name in ("Sam", "Alex")}
    scored = {
        q.text.format(partner=name)
        for q in know_me.questions
        if not q.share
        for name in ("Sam", "Alex")
    }
    while first["text"] not in scored:  # a share play scores nothing: skip to a scored one
        first = check_screen(show.say("skip"), content)
    assert first["text"] in texts
    assert first["footer"] == content.phrase(
        "screen.game.pair", Random(0), one="Sam", one_points=0, two="Alex", two_points=0
    )
    # Sam guesses first (partner one starts); "yes" wins the guesser the points.
    second = check_screen(show.say("yes"), content)
    assert second["text"] in texts
    won = scoring.GUESS_POINTS[scoring.YES]
    assert second["footer"] == content.phrase(
        "screen.game.pair", Random(0), one="Sam", one_points=won, two="Alex", two_points=0
    )


def test_the_thirty_six_and_a_repair_talk_on_a_screen(
    handler: Handler, content: LocaleContent
) -> None:
    show = Dialog(handler, screen="landscape")
    show.script("open heart to heart", "call us sam and alex")
    show.say("let's do the thirty six questions")
    asked = show.say("yes")
    on_screen = check_screen(asked, content)
    assert on_screen["text"] in asked.speech and on_screen["timer"] == "1:30"
    assert on_screen["title"] in content.variants("card.thirtysix_title")
    helped = check_screen(show.say("help"), content)
    assert helped["text"] == on_screen["text"]  # still the question being talked over
    show.end()
    show.script("we had a fight", "yes")
    floor = check_screen(show.say("ready"), content)
    assert "Sam" in floor["text"] and "Alex" in floor["footer"] and floor["timer"] == "1:00"
