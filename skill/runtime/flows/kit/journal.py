"""What a couple did together, night by night: the streak and the weekly recap read this.

Every activity records what it played with ``record(household, night, kind, item_id)``:
tonight's question, a gratitude prompt, a listening exercise, a game. Only the kind and the
content id are kept (never what anyone said), for ``HISTORY_NIGHTS`` nights and at most
``MAX_ENTRIES`` entries. Recording the first activity of a night also counts that night in
``household.together``: the run of consecutive nights and the total.

The streak is only ever mentioned kindly, at the moment a night is first counted and when
there is something warm to say (``streak_note``); a missed night is never mentioned at all.
"""

from __future__ import annotations

from collections.abc import Callable
from random import Random

from skill.runtime import copying
from skill.runtime.catalog import LocaleContent
from skill.runtime.nights import nights_between, nights_up_to, previous_night
from skill.runtime.reply import Pause, Say, Segment
from skill.runtime.state import HISTORY_NIGHTS, Household, JournalEntry, Together

#: Journal kinds. An activity names its own items for the recap (``Activity.title``).
QUESTION = "question"
GRATITUDE = "gratitude"
LISTENING = "listening"
GAME = "game"
#: A night of a multi-night journey (its step id).
JOURNEY = "journey"

MAX_ENTRIES = 60
#: The recap and the streak look at this many nights, tonight included.
WEEK_NIGHTS = 7
#: Evenings together worth a word, once each: the streak line is said on these nights only.
MILESTONES = frozenset({3, 7, 30, 100, 365})
#: Kinds that keep one entry per night (a skipped question is not something they talked about).
ONE_PER_NIGHT = frozenset({QUESTION})


def record(household: Household, night: str, kind: str, item_id: str) -> Household:
    """Note that the couple did ``kind``/``item_id`` on ``night``; counts the night together."""
    kept = nights_up_to(night, HISTORY_NIGHTS)
    entries = [
        e
        for e in household.journal
        if e.night in kept
        and not (
            e.night == night and e.kind == kind and (kind in ONE_PER_NIGHT or e.item == item_id)
        )
    ]
    entries.append(JournalEntry(night=night, kind=kind, item=item_id))
    return copying.replace(
        household, journal=entries[-MAX_ENTRIES:], together=_count_night(household.together, night)
    )


def _count_night(together: Together, night: str) -> Together:
    if together.last_night == night:
        return together
    if together.last_night and together.last_night > night:
        return together  # a clock that went backwards: leave the count alone
    run = together.run + 1 if together.last_night == previous_night(night) else 1
    return Together(last_night=night, run=run, total=together.total + 1)


def nights_this_week(household: Household, night: str) -> int:
    """Nights with something done together among the last ``WEEK_NIGHTS``, tonight included."""
    return len(
        {e.night for e in household.journal if 0 <= nights_between(e.night, night) < WEEK_NIGHTS}
    )


def week(household: Household, night: str) -> list[JournalEntry]:
    """This week's entries, oldest first."""
    return [e for e in household.journal if 0 <= nights_between(e.night, night) < WEEK_NIGHTS]


def first_tonight(before: Household, after: Household, night: str) -> bool:
    """Whether the change from ``before`` to ``after`` counted ``night`` for the first time."""
    return before.together.last_night != night and after.together.last_night == night


def streak_note(
    before: Household, after: Household, night: str, content: LocaleContent, rng: Random
) -> tuple[Segment, ...]:
    """A kind line about the evenings together, only on the night a milestone is reached
    (``MILESTONES``); otherwise nothing, so it stays special. Never a word about missed
    nights."""
    if not first_tonight(before, after, night) or after.together.total not in MILESTONES:
        return ()
    return (content.say("streak.milestone", rng, count=after.together.total), Pause(300))


def titles(entries: list[JournalEntry], kind: str, name: Callable[[str], str | None]) -> list[str]:
    """The distinct titles of ``kind`` among ``entries``, most recent first (``name`` says how
    the activity that recorded them names an item; None leaves it out)."""
    found: list[str] = []
    for entry in reversed(entries):
        if entry.kind != kind:
            continue
        title = name(entry.item)
        if title and title not in found:
            found.append(title)
    return found


def say_list(items: list[str], content: LocaleContent, rng: Random) -> Say:
    """A spoken list: "a, b and c", with the locale's word for "and"."""
    if len(items) == 1:
        return Say(items[0])
    return Say(content.phrase("list.last", rng, rest=", ".join(items[:-1]), last=items[-1]))
