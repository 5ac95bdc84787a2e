"""Screens: what each reply shows (pure), the APL document as data, and when it is sent."""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from random import Random
from typing import Any

import pytest

from skill.runtime import apl, copying, exercises, intents
from skill.runtime.catalog import Catalog, ContentError, LocaleContent
from skill.runtime.flows import dialog, games, home, listening, tonight
from skill.runtime.flows.dialog import DIALOG
from skill.runtime.flows.games import catalogue as game_catalogue
from skill.runtime.flows.games import offers as game_offers
from skill.runtime.flows.kit import screens
from skill.runtime.flows.kit.context import FlowContext
from skill.runtime.flows.kit.events import INTENT, SESSION_ENDED, Event
from skill.runtime.flows.listening import library as listening_library
from skill.runtime.flows.registry import REGISTRY
from skill.runtime.handlers.render import render_response, response_json
from skill.runtime.reply import Display, Reply, Say
from skill.runtime.state import GameProgress, Household, ListeningProgress, Place, Session, State
from skill.tools.deploy.skill_package import export_skill_package
from tests.support.dialog import ROOT, resolver
from tests.support.screens import content_patterns, from_content

NOW = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)


def document(content: LocaleContent) -> dict[str, Any]:
    doc = apl.document(content)
    assert doc is not None
    return doc


def rendered(reply: Reply, screen: dict[str, Any] | None) -> dict[str, Any]:
    data: dict[str, Any] = response_json(render_response(reply, screen))
    return data


def render_directives(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [d for d in body.get("directives") or [] if d["type"] == apl.RENDER_DOCUMENT]


def handle(state: State, event: Event, content: LocaleContent, seed: int = 4) -> Reply:
    _, reply = dialog.handle(state, event, content, NOW, Random(seed))
    return reply


# --- what a reply shows ------------------------------------------------------------------------


def test_a_flows_display_wins_then_its_card_then_the_activity_then_home(
    content: LocaleContent,
) -> None:
    state = State(Household(), Session(place=Place(activity="nowhere")))
    own = Display("a", "b")
    spoken = Reply.ask((Say("hi"),), (Say("hi"),))
    rng = Random(1)
    assert screens.attach(state, spoken.with_display(own), content, rng, {}).display == own
    carded = screens.attach(state, spoken.with_card("t", "x"), content, rng, {})
    assert carded.display == Display("t", "x")
    activity = {"nowhere": lambda s, c, r: Display("act", "ivity")}
    assert screens.attach(state, spoken, content, rng, activity).display == Display("act", "ivity")
    home = screens.attach(state, spoken, content, rng, {"nowhere": lambda s, c, r: None})
    assert home.display is not None
    assert home.display.title in content.variants("screen.home.title")
    assert home.display.text in content.variants("screen.home.text")


def test_silent_replies_show_nothing(content: LocaleContent) -> None:
    state = State(Household(), Session())
    reply = handle(state, Event(SESSION_ENDED, reason="USER_INITIATED"), content)
    assert reply.speech == () and reply.display is None
    assert screens.attach(state, Reply.silent(), content, Random(1), REGISTRY.screens) == (
        Reply.silent()
    )


def test_every_spoken_reply_of_the_dialog_has_something_to_show(content: LocaleContent) -> None:
    state = State(Household(), Session())
    for intent in (intents.HELP, intents.TONIGHT, intents.FALLBACK, intents.STOP):
        reply = handle(state, Event(INTENT, intent=intent), content)
        assert reply.speech and reply.display is not None, intent


def test_tonight_keeps_showing_the_question_after_a_follow_up_turn(
    content: LocaleContent,
) -> None:
    state, asked = dialog.handle(
        State(Household(), Session()),
        Event(INTENT, intent=intents.TONIGHT),
        content,
        NOW,
        Random(2),
    )
    question = content.question(state.session.question_id)
    assert question is not None and asked.display is not None
    assert asked.display.text == question.text
    saved = handle(state, Event(INTENT, intent=intents.SAVE_FAVOURITE), content)
    assert saved.card is None and saved.display == tonight.screen(state, content, Random(1))


def test_home_hints_are_things_the_skill_understands(content: LocaleContent) -> None:
    nlu = resolver()
    for hint in content.variants("screen.home.hint"):
        quoted = re.findall(r"“([^”]+)”", hint)
        assert quoted, hint
        for words in quoted:
            resolved = nlu.resolve(words)
            assert resolved.kind == "intent" and resolved.intent != intents.FALLBACK, hint


def _before_timed_turn(
    content: LocaleContent, names: list[str]
) -> tuple[exercises.Exercise, int, State]:
    """A couple waiting at a cue step whose next step is one partner's timed turn."""
    for ex in listening_library.catalogue(content):
        for index, step in enumerate(ex.steps):
            before = ex.steps[index - 1] if index > 0 else None
            if (
                before is not None
                and before.advance == exercises.CUE
                and step.advance == exercises.TIMER
                and step.who != exercises.BOTH
            ):
                progress = ListeningProgress(
                    exercise=ex.id, step=index - 1, first=1, started=1, updated=1
                )
                household = Household(names=names, listening=progress)
                return ex, index, State(household, Session(place=Place(activity=listening.NAME)))
    raise AssertionError("no exercise has a cue step before one partner's timed turn")


@pytest.mark.parametrize("names", [[], ["Sam", "Alex"]])
def test_a_timed_turn_shows_who_has_the_floor_who_listens_and_how_long(
    content: LocaleContent, names: list[str]
) -> None:
    ex, index, state = _before_timed_turn(content, names)
    new_state, reply = dialog.handle(
        state, Event(INTENT, intent=intents.CUE), content, NOW, Random(3)
    )
    step = ex.steps[index]
    speaker = ex.partner_for(index, 1, step.who)
    labels = names or [
        content.phrase("partner.one", Random(1)),
        content.phrase("partner.two", Random(1)),
    ]
    shown = reply.display
    assert shown is not None
    assert shown.title == ex.title
    assert shown.seconds == step.parts[0] > 0
    assert shown.text == content.phrase("screen.listening.floor", Random(1), person=labels[speaker])
    assert shown.footer == content.phrase(
        "screen.listening.listens", Random(1), person=labels[1 - speaker]
    )
    # The state has moved past the timed turn; the screen still shows it while it plays.
    moved = new_state.household.listening
    assert moved.step > index or moved.part > 0


def test_at_a_cue_step_the_screen_says_how_to_go_on(content: LocaleContent) -> None:
    _, _, state = _before_timed_turn(content, [])
    reply = handle(state, Event(INTENT, intent=intents.REPEAT), content)
    assert reply.display is not None and reply.display.seconds == 0
    assert reply.display.footer in content.variants("screen.listening.ready")
    paused = copying.replace(state.household.listening, paused=True)
    shown = listening.screen(
        State(copying.replace(state.household, listening=paused), state.session),
        content,
        Random(1),
    )
    assert shown is not None and shown.text in content.variants("screen.listening.paused")


def test_an_exercise_waiting_to_start_asks_who_goes_first(content: LocaleContent) -> None:
    state = State(Household(), Session())
    reply = handle(state, Event(INTENT, intent=intents.LISTENING), content)
    assert reply.display is not None
    assert reply.display.text in content.variants("screen.listening.choose")
    assert reply.display.seconds == 0


def test_a_game_shows_its_question_and_the_score(content: LocaleContent) -> None:
    know_me = next(g for g in game_catalogue.games_of(content) if g.kind == "guess")
    question = know_me.questions[0]
    progress = GameProgress(
        game=know_me.id, rounds=5, step=2, first=0, scores=[3, 1], question=question.id
    )
    state = State(
        Household(names=["Sam", "Alex"], game=progress),
        Session(place=Place(activity=games.NAME, offer=game_offers.PLAYING)),
    )
    shown = games.screen(state, content, Random(1))
    assert shown is not None
    assert shown.title == know_me.title
    assert shown.text == question.text.format(partner="Alex")  # play 2: Sam guesses about Alex
    assert shown.footer == content.phrase(
        "screen.game.pair", Random(1), one="Sam", one_points=3, two="Alex", two_points=1
    )
    at_menu = State(
        state.household, Session(place=Place(activity=games.NAME, offer=game_offers.MENU))
    )
    assert games.screen(at_menu, content, Random(1)) is None


def test_a_shared_score_game_shows_nothing_before_the_first_play_is_settled(
    content: LocaleContent,
) -> None:
    match = next(g for g in game_catalogue.games_of(content) if g.kind == "match")
    progress = GameProgress(game=match.id, rounds=5, question=match.questions[0].id)
    session = Session(place=Place(activity=games.NAME, offer=game_offers.PLAYING))
    shown = games.screen(State(Household(game=progress), session), content, Random(1))
    assert shown is not None and shown.footer == ""
    later = copying.replace(progress, step=3, together=2)
    shown = games.screen(State(Household(game=later), session), content, Random(1))
    assert shown is not None
    assert shown.footer == content.phrase("screen.game.match", Random(1), count=2, played=3)


# --- the document is data ----------------------------------------------------------------------


def _walk(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        found.append(node)
        for value in node.values():
            found += _walk(value)
    elif isinstance(node, list):
        for value in node:
            found += _walk(value)
    return found


def test_the_main_document_is_minimal_valid_apl(content: LocaleContent) -> None:
    raw = json.loads((ROOT / "content" / "en-US" / "apl.json").read_text(encoding="utf-8"))
    doc = raw["documents"][apl.MAIN]
    assert doc == document(content)
    assert doc["type"] == "APL"
    assert re.fullmatch(r"1\.\d+|20\d\d\.\d+", doc["version"])
    template = doc["mainTemplate"]
    assert template["parameters"] == ["payload"]
    assert isinstance(template["items"], list) and template["items"]
    components = [n for n in _walk(template) if "type" in n]
    assert {"Frame", "Container", "Text"} <= {c["type"] for c in components}
    # Round screens get their own sizes.
    assert any("round" in str(block.get("when", "")) for block in doc["resources"])


def test_the_document_shows_only_words_from_the_datasource(content: LocaleContent) -> None:
    doc = document(content)
    fields = set(apl.datasources(Display("t", "x"))["screen"])
    texts = [n["text"] for n in _walk(doc) if n.get("type") == "Text"]
    assert texts
    for text in texts:
        match = re.fullmatch(r"\$\{payload\.screen\.(\w+)\}", text)
        assert match and match.group(1) in fields, text
    used = set(re.findall(r"payload\.screen\.(\w+)", json.dumps(doc)))
    assert used <= fields
    # Every resource the layout names is defined in the base resource block.
    defined = {
        name for kind in doc["resources"][0].values() if isinstance(kind, dict) for name in kind
    }
    assert set(re.findall(r"@(\w+)", json.dumps(doc["mainTemplate"]))) <= defined


def test_words_in_a_layout_fail_at_load(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    path = tmp_path / "content" / "en-US" / "apl.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    frame = data["documents"]["main"]["mainTemplate"]["items"][0]
    frame["item"]["items"].append({"type": "Text", "text": "Welcome back"})
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ContentError, match=r"apl\.json"):
        Catalog.load(tmp_path / "content")


def test_datasource_words_come_from_content_and_the_countdown_is_a_clock(
    content: LocaleContent,
) -> None:
    patterns = content_patterns(content)
    _, asked = dialog.handle(
        State(Household(), Session()),
        Event(INTENT, intent=intents.TONIGHT),
        content,
        NOW,
        Random(2),
    )
    assert asked.display is not None
    screen = apl.datasources(asked.display)["screen"]
    for field in ("title", "text"):
        assert from_content(screen[field], patterns), screen[field]
    assert screen["timer"] == ""
    assert apl.clock(60) == "1:00" and apl.clock(90) == "1:30" and apl.clock(45) == "0:45"
    assert not from_content("Words nobody wrote", patterns)


def test_long_lines_are_set_smaller(content: LocaleContent) -> None:
    short = apl.datasources(Display("t", "x" * apl.LONG_TEXT_CHARS))["screen"]
    long_ = apl.datasources(Display("t", "x" * (apl.LONG_TEXT_CHARS + 1)))["screen"]
    assert short["long"] is False and long_["long"] is True
    assert apl.datasources(Display("the check in", "partner one"))["screen"]["title"] == (
        "The check in"
    )


# --- when it is sent ---------------------------------------------------------------------------


def test_the_directive_goes_only_to_screens_and_only_with_speech(content: LocaleContent) -> None:
    doc = document(content)
    ctx = FlowContext(content, NOW, Random(1), DIALOG)
    _, reply = home.help_(State(Household(), Session()), Event(INTENT), ctx)
    reply = screens.attach(State(Household(), Session()), reply, content, Random(1), {})
    with_screen = rendered(reply, doc)
    (directive,) = render_directives(with_screen)
    assert directive["token"] == apl.TOKEN
    assert directive["document"] == doc
    assert directive["datasources"] == apl.datasources(reply.display)  # type: ignore[arg-type]
    assert render_directives(rendered(reply, None)) == []
    assert rendered(Reply.silent(), doc) == rendered(Reply.silent(), None)
    # A display with no speech (nothing to say) shows nothing either.
    mute = copying.replace(Reply.silent(), display=Display("t", "x"))
    assert render_directives(rendered(mute, doc)) == []


def test_a_permission_hand_over_carries_no_screen(content: LocaleContent) -> None:
    ask_for = {
        "type": "Connections.SendRequest",
        "name": "AskFor",
        "payload": {"@type": "AskForPermissionsConsentRequest", "@version": "1"},
        "token": "t",
    }
    reply = copying.replace(
        Reply(speech=(Say("one moment"),), end_session=None),
        directives=(ask_for,),
        display=Display("t", "x"),
    )
    body = rendered(reply, document(content))
    assert [d["type"] for d in body["directives"]] == ["Connections.SendRequest"]


def test_a_screen_stays_small(content: LocaleContent) -> None:
    text = "word " * 60
    reply = Reply.ask((Say(text),), (Say(text),)).with_display(Display("t" * 40, text, text, 120))
    size = len(json.dumps(rendered(reply, document(content))).encode())
    assert size < 12_000  # Alexa allows 120 KB for a whole response


def test_the_skill_package_declares_apl_for_round_and_landscape_screens(tmp_path: Path) -> None:
    out = tmp_path / "skill-package"
    export_skill_package(out)
    manifest = json.loads((out / "skill.json").read_text(encoding="utf-8"))["manifest"]
    (interface,) = [
        i for i in manifest["apis"]["custom"]["interfaces"] if i["type"] == "ALEXA_PRESENTATION_APL"
    ]
    shapes = {v["shape"] for v in interface["supportedViewports"]}
    assert shapes == {"ROUND", "RECTANGLE"}
    for width, height in ((480, 480), (960, 480), (1024, 600), (1280, 800), (1920, 1080)):
        assert any(
            v["minWidth"] <= width <= v["maxWidth"] and v["minHeight"] <= height <= v["maxHeight"]
            for v in interface["supportedViewports"]
        ), (width, height)
