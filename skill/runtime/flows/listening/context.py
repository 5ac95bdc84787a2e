"""What every answer inside an exercise works from, and how it leaves the couple's place.

An answer needs the state and the flow's context; ``Here`` carries both so the many small
moves don't pass them around. Saving the place (``keep``) and dropping
it (``forget``) happen here only, so the place is always touched when kept: the day-long
resume window counts from that moment.
"""

from __future__ import annotations

from datetime import datetime
from random import Random

import msgspec

from skill.runtime import copying, intents
from skill.runtime.catalog import LocaleContent
from skill.runtime.flows.kit import people, places
from skill.runtime.flows.kit.context import FlowContext
from skill.runtime.flows.listening.words import line
from skill.runtime.reply import Segment
from skill.runtime.state import Household, ListeningProgress, State

#: This activity's name: it holds the floor while an exercise runs (every intent reaches its
#: router first) and while one of its offers waits for a yes or no.
NAME = "listening"
#: The offers made from outside an exercise ("pick up where you left off?", "start one?"),
#: answered while the activity holds the floor; with no offer, an exercise is running.
OFFER_RESUME = "resume_listening"
OFFER_START = "start_listening"
OFFERS = frozenset({OFFER_RESUME, OFFER_START})
#: Intents that mean "we're ready, go on".
GO_ON = frozenset({intents.CUE, intents.NEXT, intents.YES, intents.RESUME, intents.SWAP})


def running(state: State) -> bool:
    """Whether an exercise holds the floor (rather than one of its offers waiting)."""
    place = state.session.place
    return place.activity == NAME and place.offer not in OFFERS


def epoch(now: datetime) -> int:
    """``now`` as whole seconds, as the saved place stores times."""
    return int(now.timestamp())


class Here(msgspec.Struct, frozen=True):
    """What one answer needs: the state, and the flow's content, clock and dice."""

    state: State
    ctx: FlowContext

    @property
    def content(self) -> LocaleContent:
        return self.ctx.content

    @property
    def now(self) -> datetime:
        return self.ctx.now

    @property
    def rng(self) -> Random:
        return self.ctx.rng

    @property
    def household(self) -> Household:
        return self.state.household

    @property
    def progress(self) -> ListeningProgress:
        return self.state.household.listening

    def line(self, key: str, **values: Segment | str) -> tuple[Segment, ...]:
        return line(self.content, key, self.rng, **values)

    def person(self, index: int) -> Segment:
        return people.partner(self.household, index, self.content, self.rng)

    def pair(self) -> dict[str, Segment]:
        """Both partners, as ``{one}`` and ``{two}`` in a phrase."""
        return {"one": self.person(0), "two": self.person(1)}

    def with_household(self, household: Household) -> Here:
        """The same answer after a change to the household (a journal entry, names)."""
        return copying.replace(self, state=State(household, self.state.session))

    def keep(self, progress: ListeningProgress, holding: bool = True) -> State:
        """The state with ``progress`` saved (touched now); the exercise keeps the floor unless
        ``holding`` is False (paused for another day: the couple is back at the front door)."""
        household = copying.replace(
            self.household, listening=copying.replace(progress, updated=epoch(self.now))
        )
        kept = State(household, self.state.session)
        return places.at(kept, NAME) if holding else places.home(kept)

    def forget(self) -> State:
        """The state with no exercise in progress and the couple back at the front door."""
        household = copying.replace(self.household, listening=ListeningProgress())
        return places.home(State(household, self.state.session))
