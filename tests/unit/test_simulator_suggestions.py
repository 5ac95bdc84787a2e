"""The simulator's suggested phrases fit where the conversation is, and each one works there.

Every context is reached the way a couple would reach it, through the real skill on a real
SQLite file (the simulator's own ``Simulator.say``); the suggestions the page would get then
are checked to be that context's. Then each suggested phrase is said from that very place
(the script replayed for a fresh couple): the local resolver must hear an intent that isn't
the fallback, and the skill must answer it rather than re-ask (no fallback or "didn't
catch that" line, no retry at the offer, no strike in a game).
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from skill.hosts.web.simulator import Simulator
from skill.hosts.web.suggestions import CONTEXTS, Suggestions, context_of
from skill.runtime.app import build_skill
from skill.runtime.catalog import Catalog, LocaleContent
from skill.runtime.settings import Settings
from skill.runtime.state import session_from_json
from skill.runtime.store.sqlite import SqliteStore
from skill.tools.nlu import FALLBACK
from tests.support.dialog import LOCALES, ROOT, resolver

RESOLVER = resolver()
OPEN = "open heart to heart"
GAME_GUESS = (OPEN, "let's play how well do you know me")
GAME_MATCH = (OPEN, "let's play would you rather", "ready")
EXERCISE = (OPEN, "a listening exercise", "you choose")
GRATITUDE = (OPEN, "a gratitude prompt")
REMINDER = (OPEN, "remind us every night")
#: Not a line: the page's "next night" button.
NEXT_NIGHT = "<next night>"

#: For each context, what a couple says to get there.
SCENARIOS: dict[str, tuple[str, ...]] = {
    "closed": (),
    "home": (OPEN,),
    "tonight": (OPEN, "tonight's question"),
    "tonight_offer": (OPEN, "tonight's question", "give us time to talk"),
    "game_menu": (OPEN, "let's play a game"),
    "game_ready": GAME_GUESS,
    "game_play_guess": (*GAME_GUESS, "ready"),
    "game_play": GAME_MATCH,
    "game_again": (*GAME_MATCH, "end the game"),
    "game_resume": (*GAME_MATCH, "stop", OPEN),
    "listening_choose": EXERCISE[:2],
    "listening": EXERCISE,
    "listening_paused": (*EXERCISE, "pause"),
    "listening_offer": (*EXERCISE, "we need a break", OPEN),
    "gratitude_swap": GRATITUDE,
    "gratitude_more": (*GRATITUDE, "swap"),
    "gratitude_offer": (OPEN, "swap"),
    "names": (OPEN, "stop", NEXT_NIGHT, OPEN),  # offered at a launch on a later night
    "reminder_time": REMINDER,
    "reminder_confirm": (*REMINDER, "at nine p.m."),
    "privacy_confirm": (OPEN, "forget everything"),
    "journey_choose": (OPEN, "which journeys are there"),
    "journey_practice": (OPEN, "the appreciation week"),
    # Offered at a launch on a later night, once names were given (no names offer first).
    "journey_offer": (
        OPEN,
        "call us sam and alex",
        "the appreciation week",
        "yes",
        NEXT_NIGHT,
        OPEN,
    ),
}

#: The skill's lines for words it can't place where the couple is: a suggestion answered
#: with one of these was not understood there.
NOT_PLACED_KEYS = (
    "game.unclear",
    "game.reminder",
    "game.menu.unknown",
    "listening.remind_step",
    "listening.remind_part",
    "listening.remind_paused",
    "listening.remind_choose",
    "listening.who_unclear",
    "reminder.bad_time",
    "yes.unclear",
    "no.unclear",
    "depth.unclear",
    "theme.unclear",
    "talk.unclear",
    "talk.more",
)


@pytest.fixture(scope="module")
def content() -> LocaleContent:
    return Catalog.load(ROOT / "content").for_locale("en-US")


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulator]:
    db = tmp_path_factory.mktemp("suggestions") / "heart.db"
    settings = Settings(store_url=f"sqlite:///{db}")
    store = SqliteStore(db)
    catalog = Catalog.load(ROOT / "content")
    skill = build_skill(settings, store, catalog)
    yield Simulator(
        skill.invoke,
        RESOLVER,
        store,
        key_salt=settings.key_salt,
        content=catalog.for_locale("en-US"),
        time_zone="UTC",
        now=lambda: datetime(2026, 12, 1, 20, 0, tzinfo=UTC),
    )
    store.close()


@pytest.fixture(scope="module")
def not_placed(content: LocaleContent) -> list[re.Pattern[str]]:
    keys = [*NOT_PLACED_KEYS, *(k for k in content.phrases if k.startswith("fallback."))]
    patterns = []
    for key in keys:
        for variant in content.variants(key):  # KeyError: a key here no longer exists
            patterns.append(_pattern(variant))
    return patterns


def _pattern(variant: str) -> re.Pattern[str]:
    parts = []
    for literal, field, _, _ in string.Formatter().parse(variant):
        parts.append(re.escape(_plain(literal)))
        if field is not None:
            parts.append(".+?")
    return re.compile("".join(parts))


def _plain(text: str) -> str:
    return " ".join(text.lower().replace("\u2019", "'").split())


_tokens = iter(range(10**6))


def _walk(simulator: Simulator, lines: tuple[str, ...]) -> tuple[str, dict[str, Any]]:
    """A fresh couple says ``lines``; their token and what the page has after the last."""
    token = f"suggestions-test-{next(_tokens):06d}"
    state = simulator.state(token)
    for line in lines:
        state = simulator.next_night(token) if line == NEXT_NIGHT else simulator.say(token, line)
    return token, state


def test_every_context_has_a_scenario_and_phrases() -> None:
    assert set(SCENARIOS) == CONTEXTS
    data = json.loads((ROOT / "content" / "en-US" / "simulator.json").read_text("utf-8"))
    assert set(data["suggestions"]) == CONTEXTS


@pytest.mark.parametrize("context", sorted(SCENARIOS))
def test_each_suggestion_is_answered_where_it_is_offered(
    simulator: Simulator, not_placed: list[re.Pattern[str]], context: str
) -> None:
    script = SCENARIOS[context]
    _, there = _walk(simulator, script)
    assert there["suggestions"]["context"] == context, (script, there.get("response"))
    chips = there["suggestions"]["chips"]
    assert chips
    for chip in chips:
        heard = RESOLVER.resolve(chip["text"])
        assert heard.kind in ("launch", "intent"), chip
        assert heard.intent != FALLBACK, f"{context}: {chip['text']!r} is heard as the fallback"
        assert chip["intent"] == (heard.intent or "LaunchRequest")

        _, after = _walk(simulator, (*script, chip["text"]))
        said = f"{context}: {chip['text']!r} -> {after['speech']!r}"
        sent = (after["request"] or {}).get("request", {})
        assert sent.get("intent", {}).get("name", sent.get("type")) == chip["intent"], said
        assert after["speech"], said
        spoken = _plain(after["speech"])
        assert not any(p.search(spoken) for p in not_placed), said
        attributes = (after["response"] or {}).get("sessionAttributes") or {}
        session = session_from_json(attributes)
        assert session.place.retries == 0 and session.misses == 0, said
        assert ((after["household"] or {}).get("game") or {}).get("strikes", 0) == 0, said


def test_the_front_door_no_longer_offers_a_games_verdicts(simulator: Simulator) -> None:
    _, home = _walk(simulator, SCENARIOS["home"])
    _, game = _walk(simulator, SCENARIOS["game_play_guess"])
    at_home = [c["text"] for c in home["suggestions"]["chips"]]
    in_game = [c["text"] for c in game["suggestions"]["chips"]]
    assert "close" not in at_home and "pass" not in at_home
    assert {"close", "pass"} <= set(in_game)
    assert "tonight's question" in at_home and "tonight's question" not in in_game


def test_close_is_offered_only_in_a_guessing_game(simulator: Simulator) -> None:
    _, guessing = _walk(simulator, SCENARIOS["game_play_guess"])
    _, matching = _walk(simulator, SCENARIOS["game_play"])
    assert "close" in [c["text"] for c in guessing["suggestions"]["chips"]]
    assert "close" not in [c["text"] for c in matching["suggestions"]["chips"]]


def test_a_place_it_does_not_know_is_the_front_door() -> None:
    attributes = {"schema": 2, "place": {"activity": "somewhere_new", "offer": "x"}}
    assert context_of(True, attributes, None, {}) == "home"
    assert context_of(True, {"place": "not a place"}, None, {}) == "home"
    assert context_of(False, attributes, None, {}) == "closed"


def test_missing_or_unknown_contexts_are_refused() -> None:
    phrases = {c: ["help"] for c in CONTEXTS}
    with pytest.raises(ValueError, match="missing"):
        Suggestions({k: v for k, v in phrases.items() if k != "home"}, resolver(), {})
    with pytest.raises(ValueError, match="unknown"):
        Suggestions({**phrases, "nowhere": ["help"]}, resolver(), {})


def test_the_content_file_follows_its_schema(tmp_path: Path) -> None:
    """A suggestion that isn't lower-case spoken text breaks the catalog's load."""
    import shutil

    from skill.runtime.catalog import ContentError

    shutil.copytree(ROOT / "content", tmp_path / "content")
    path = tmp_path / "content" / "en-US" / "simulator.json"
    data = json.loads(path.read_text("utf-8"))
    data["suggestions"]["home"].append("Say <b>hi</b>!")
    path.write_text(json.dumps(data), "utf-8")
    with pytest.raises(ContentError):
        Catalog.load(tmp_path / "content")


@pytest.mark.parametrize("locale", LOCALES)
def test_every_suggestion_is_understood_in_its_own_language(locale: str) -> None:
    """The simulator's chips in each market: every line is a request the market's model
    understands (a launch or a real intent, never the fallback)."""
    own = Catalog.load(ROOT / "content").for_locale(locale).section("simulator")["suggestions"]
    nlu = resolver(locale)
    missed = [
        f"{context}: {line!r}"
        for context, lines in own.items()
        for line in lines
        if nlu.resolve(line).kind not in ("launch", "intent")
        or nlu.resolve(line).intent == FALLBACK
    ]
    assert not missed, "\n".join(missed)
