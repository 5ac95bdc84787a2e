"""What every answer inside an exercise works from, and how it leaves the couple's place.

An answer needs the state, the content, the clock and the dice; ``Turn`` carries them so the
many small moves don't pass four arguments around. Saving the place (``keep``) and dropping
it (``forget``) happen here only, so the place is always touched when kept: the day-long
resume window counts from that moment.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from random import Random

from skill.runtime import intents
from skill.runtime.catalog import LocaleContent
from skill.runtime.flows import people, top
from skill.runtime.flows.listening.words import line
from skill.runtime.reply import Segment
from skill.runtime.state import Household, ListeningProgress, State

#: The session context while an exercise runs: every intent reaches the router first.
CONTEXT = "listening"
#: Intents that mean "we're ready, go on".
GO_ON = frozenset({intents.CUE, intents.NEXT, intents.YES, intents.RESUME, intents.SWAP})


def epoch(now: datetime) -> int:
    """``now`` as whole seconds, as the saved place stores times."""
    return int(now.timestamp())


@dataclasses.dataclass(frozen=True)
class Turn:
    """What one answer needs: the state, the content, the clock and the dice."""

    state: State
    content: LocaleContent
    now: datetime
    rng: Random

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

    def with_household(self, household: Household) -> Turn:
        """The same turn after a change to the household (a journal entry, names)."""
        return dataclasses.replace(self, state=State(household, self.state.session))

    def keep(self, progress: ListeningProgress, context: str = CONTEXT, offer: str = "") -> State:
        """The state with ``progress`` saved (touched now) and the session in ``context``."""
        household = dataclasses.replace(
            self.household, listening=dataclasses.replace(progress, updated=epoch(self.now))
        )
        session = dataclasses.replace(self.state.session, context=context, offer=offer)
        return State(household, session)

    def forget(self) -> State:
        """The state with no exercise in progress and the session back at the top."""
        household = dataclasses.replace(self.household, listening=ListeningProgress())
        session = dataclasses.replace(self.state.session, context=top.TOP, offer="")
        return State(household, session)
