"""No reply says more than two breaths (about 35 words) before it asks something or hands
the floor over: checked on every reply of seeded walks through every intent, launches and
session ends, with the real content (exercise narration, game starts, help, recaps)."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta

import pytest

from skill.runtime import intents
from skill.runtime.catalog import Catalog, LocaleContent
from skill.runtime.flows import dialog
from skill.runtime.flows.kit.events import INTENT, LAUNCH, SESSION_ENDED, Event
from skill.runtime.reply import Reply, Say, Silence, Sound
from skill.runtime.state import Household, Session, State
from tests.support.dialog import LOCALES

#: Two breaths: "about 35 words" in the writing notes; a reply may run to 40 before it asks.
BREATHS_WORDS = 40
WALKS = 120
STEPS = 30
SLOTS = {
    intents.SET_DEPTH: [{"depth": "deep"}, {"depth": "light"}],
    intents.QUESTION_ABOUT: [{"theme": "dreams"}, {"theme": "money"}],
    intents.PLAY_GAME: [{"game": "know_me"}, {"game": "truths_dream"}, {}],
    intents.LISTENING: [{"exercise": "daily-check-in"}, {"exercise": "deep-listening"}, {}],
    intents.TALK_TIME: [{"style": "hold"}, {"style": "close"}],
    intents.CLOSENESS: [{"closeness": "4"}, {"closeness": "7"}, {}],
    intents.START_JOURNEY: [{"journey": "appreciation"}, {"journey": "hard_season"}, {}],
}
ALL = sorted(
    {
        value
        for name, value in vars(intents).items()
        if name.isupper() and isinstance(value, str) and value.endswith("Intent")
    }
)
#: Cue words come up more often, as in a real exercise or game.
WEIGHTED = [*ALL, *[intents.YES] * 8, *[intents.CUE] * 8, *[intents.NEXT] * 6, intents.NO]


def stretches(reply: Reply) -> list[tuple[str, bool]]:
    """The reply's speech between silences and chimes, each said in one go, and whether a
    silence follows it (the stretch then ends by handing the floor over)."""
    parts: list[tuple[str, bool]] = []
    current = ""
    for segment in reply.speech:
        if isinstance(segment, Silence):
            parts.append((current, True))
            current = ""
        elif isinstance(segment, Sound):
            parts.append((current, False))
            current = ""
        elif isinstance(segment, Say):
            current += " " + segment.text
    parts.append((current, False))
    return [(text.strip(), handing) for text, handing in parts if text.strip()]


def words_before_the_ask(stretch: str, hands_over: bool = False) -> int:
    """Words before the skill asks something (up to the first question, included) or hands
    the floor over (everything before the stretch's last sentence, when a silence follows)."""
    asked = re.search(r"^.*?\?", stretch)
    if asked:
        return len(asked.group(0).split())
    sentences = re.findall(r"[^.!?]+[.!?]*", stretch)
    if hands_over and len(sentences) > 1:
        sentences = sentences[:-1]
    return len(" ".join(sentences).split())


def walk(seed: int, content: LocaleContent) -> list[tuple[str, str, bool]]:
    """(event, stretch) for every stretch of every reply of one seeded walk."""
    dice = random.Random(seed)
    state = State(Household(names=["Sam", "Alex"]) if seed % 2 else Household(), Session())
    now = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    seen: list[tuple[str, str, bool]] = []
    for step in range(STEPS):
        roll = dice.random()
        if roll < 0.1:
            event = Event(LAUNCH, new_session=True)
            state = State(state.household, Session())
        elif roll < 0.13:
            event = Event(SESSION_ENDED, reason="USER_INITIATED")
        else:
            name = dice.choice(WEIGHTED)
            slots = dice.choice(SLOTS.get(name, [{}]))
            spoken = {"nameOne": "sam", "nameTwo": "alex", "name": "sam", **slots}
            event = Event(INTENT, intent=name, slots=slots, spoken=spoken)
        now += timedelta(minutes=dice.choice([1, 20, 300, 1440]))
        state, reply = dialog.handle(state, event, content, now, random.Random(seed * 100 + step))
        seen += [(event.intent or event.kind, s, h) for s, h in stretches(reply)]
        if reply.end_session:
            state = State(state.household, Session())
    return seen


def test_the_measure_counts_up_to_the_first_question() -> None:
    assert words_before_the_ask("One two three? Four five six.") == 3
    assert words_before_the_ask("One two three.") == 3
    assert words_before_the_ask("One two. Sam, you go first.", hands_over=True) == 2


@pytest.mark.parametrize("locale", LOCALES)
def test_no_reply_says_more_than_two_breaths_before_it_asks_or_hands_over(
    catalog: Catalog,
    locale: str,
) -> None:
    """In every English market: their content is en-US's, item by item, respelled."""
    content = catalog.for_locale(locale)
    too_long: dict[str, tuple[str, int]] = {}
    for seed in range(WALKS):
        for event, stretch, hands_over in walk(seed, content):
            count = words_before_the_ask(stretch, hands_over)
            if count > BREATHS_WORDS:
                too_long.setdefault(stretch[:80], (event, count))
    assert not too_long, "\n".join(f"{n} words after {e}: {s}" for s, (e, n) in too_long.items())
