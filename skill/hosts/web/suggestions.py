"""What the simulator suggests saying next: phrases that fit where the conversation is.

Where the couple is comes from the last response's session attributes (``Session.place``:
the activity holding the floor and the offer a "yes" would accept), refined by the stored
household where the place alone can't tell: which kind of game is being played ("close" only
counts when guessing) and whether an exercise is choosing who goes first or paused. With no
session open, the suggestions are ways in.

This module only names the contexts. The phrases are page text, kept in
``content/<locale>/simulator.json``; each is resolved by the same local NLU the page's
utterances go through, so a chip carries the intent it will send.
``tests/unit/test_simulator_suggestions.py`` drives the real skill to every context and
checks that each phrase is one the skill answers there, not a fallback or a re-ask.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from skill.runtime.catalog import Catalog, Game
from skill.runtime.flows import gratitude, journeys, names, privacy, reminders, tonight
from skill.runtime.flows.games import offers as game_offers
from skill.runtime.flows.kit import places, scoring
from skill.runtime.flows.listening import context as listening
from skill.runtime.settings import DEFAULT_CONTENT_DIR
from skill.runtime.state import HOME, session_from_json
from skill.tools.nlu import Resolver

#: No session open: ways into the skill (a launch, or a one-shot request).
CLOSED = "closed"
#: The front door, and any place without suggestions of its own.
HOME_CONTEXT = "home"
GAME_PLAY = "game_play"
#: A guessing game's play, where "close" is a verdict too.
GAME_PLAY_GUESS = "game_play_guess"
LISTENING = "listening"
LISTENING_CHOOSE = "listening_choose"
LISTENING_PAUSED = "listening_paused"

#: (activity, offer) -> context. An activity's entry under "" covers its offers not listed.
PLACES: dict[tuple[str, str], str] = {
    (HOME, ""): HOME_CONTEXT,
    (tonight.NAME, ""): "tonight",
    (tonight.NAME, tonight.ANOTHER_OFFER): "tonight",
    (tonight.NAME, places.TONIGHT_OFFER): "tonight_offer",
    (game_offers.NAME, game_offers.PLAYING): GAME_PLAY,
    (game_offers.NAME, game_offers.READY): "game_ready",
    (game_offers.NAME, game_offers.MENU): "game_menu",
    (game_offers.NAME, game_offers.AGAIN): "game_again",
    (game_offers.NAME, game_offers.RESUME): "game_resume",
    (game_offers.NAME, game_offers.RESUME_NEW): "game_resume",
    (listening.NAME, ""): LISTENING,
    (listening.NAME, listening.OFFER_START): "listening_offer",
    (listening.NAME, listening.OFFER_RESUME): "listening_offer",
    (gratitude.NAME, gratitude.OFFER_SWAP): "gratitude_swap",
    (gratitude.NAME, gratitude.OFFER_MORE): "gratitude_more",
    (gratitude.NAME, gratitude.OFFER_PROMPT): "gratitude_offer",
    (gratitude.NAME, gratitude.OFFER_ROUND): "gratitude_offer",
    (names.NAME, names.OFFER_NAMES): "names",
    (reminders.NAME, reminders.OFFER_TIME): "reminder_time",
    (reminders.NAME, reminders.OFFER_CONFIRM): "reminder_confirm",
    (privacy.NAME, privacy.OFFER_CONFIRM): "privacy_confirm",
    (journeys.NAME, journeys.OFFER_CHOOSE): "journey_choose",
    (journeys.NAME, journeys.OFFER_STEP): "journey_offer",
    (journeys.NAME, journeys.OFFER_PRACTICE): "journey_practice",
}

#: Every context a page can be in; the content file has phrases for each, and no others.
CONTEXTS: frozenset[str] = frozenset(
    {CLOSED, GAME_PLAY_GUESS, LISTENING_CHOOSE, LISTENING_PAUSED, *PLACES.values()}
)

Chip = dict[str, str]


def context_of(
    session_open: bool,
    attributes: Mapping[str, Any] | None,
    household: Mapping[str, Any] | None,
    game_kinds: Mapping[str, str],
) -> str:
    """The context for suggestions after a response (its session attributes) and with the
    household as stored; a place this module doesn't know is the front door."""
    if not session_open:
        return CLOSED
    try:
        place = session_from_json(dict(attributes or {})).place
    except ValueError:
        return HOME_CONTEXT
    context = PLACES.get((place.activity, place.offer)) or PLACES.get(
        (place.activity, ""), HOME_CONTEXT
    )
    stored = household or {}
    if context == GAME_PLAY:
        game = _part(stored, "game").get("game", "")
        if game_kinds.get(str(game)) == scoring.GUESS:
            return GAME_PLAY_GUESS
    if context == LISTENING:
        progress = _part(stored, "listening")
        if progress.get("first", -1) == -1 and progress.get("exercise"):
            return LISTENING_CHOOSE
        if progress.get("paused") is True:
            return LISTENING_PAUSED
    return context


def _part(household: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = household.get(name)
    return value if isinstance(value, Mapping) else {}


class Suggestions:
    """Each context's chips: the phrase, and the intent the local resolver hears in it."""

    def __init__(
        self,
        phrases: Mapping[str, Sequence[str]],
        resolver: Resolver,
        game_kinds: Mapping[str, str],
    ) -> None:
        missing = sorted(CONTEXTS - set(phrases))
        unknown = sorted(set(phrases) - CONTEXTS)
        if missing or unknown:
            raise ValueError(f"simulator suggestions: missing {missing}, unknown {unknown}")
        self.game_kinds = dict(game_kinds)
        self.chips: dict[str, list[Chip]] = {
            context: [chip(text, resolver) for text in texts] for context, texts in phrases.items()
        }

    @classmethod
    def load(
        cls, locale: str, resolver: Resolver, content_dir: Path = DEFAULT_CONTENT_DIR
    ) -> Suggestions:
        """From the locale's ``simulator.json`` (checked by its schema as the catalog loads)."""
        content = Catalog.load(content_dir).for_locale(locale)
        games: tuple[Game, ...] = content.section("games")
        phrases = content.section("simulator")["suggestions"]
        return cls(phrases, resolver, {g.id: g.kind for g in games})

    def offer(
        self,
        session_open: bool,
        attributes: Mapping[str, Any] | None,
        household: Mapping[str, Any] | None,
    ) -> dict[str, Any]:
        """What the page shows: the context's name and its chips."""
        context = context_of(session_open, attributes, household, self.game_kinds)
        return {"context": context, "chips": self.chips[context]}


def chip(text: str, resolver: Resolver) -> Chip:
    """A phrase as the page's chip: ``kind`` is launch, custom or builtin (AMAZON.*)."""
    heard = resolver.resolve(text)
    if heard.kind == "launch":
        return {"text": text, "kind": "launch", "intent": "LaunchRequest"}
    kind = "builtin" if heard.intent.startswith("AMAZON.") else "custom"
    return {"text": text, "kind": kind, "intent": heard.intent}
