"""One time budget per turn, shared by everything the turn waits on.

Each outside call used to have its own timeout (the store about two seconds with its retry,
the Settings API one, the Reminders API one and a half), and their sum, with a slow store,
came to 5.7-7.0 s against Lambda's 7 s. A turn now starts one ``Deadline`` and every wait
takes what is left of it (``cap``), so the reply is ready in time even when all of them hang.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class Deadline:
    """An instant on the monotonic clock by which the turn's outside calls must be done."""

    def __init__(self, budget_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.at = clock() + budget_s

    @classmethod
    def unbounded(cls) -> Deadline:
        return cls(float("inf"))

    def remaining(self) -> float:
        """Seconds left (0 when spent)."""
        return max(0.0, self.at - self._clock())

    def cap(self, seconds: float, share: float = 1.0, keep: float = 0.0) -> float:
        """``seconds``, or less: at most ``share`` of what is left after keeping ``keep``
        seconds for what comes later in the turn."""
        return max(0.0, min(seconds, (self.remaining() - keep) * share))

    def expired(self) -> bool:
        return self.remaining() <= 0.0
