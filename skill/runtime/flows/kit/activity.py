"""An activity, declared once: what it starts on, how it routes while it holds the floor, what
a screen shows, what it adds to the launch, and its hooks.

Each thing a couple can do is one activity and one declaration (``Activity``); the registry
(``skill/runtime/flows/registry.py``) is the one list of them, and the dialog builds every
table from it. A router either answers or passes (``None``, or ``Pass`` with a changed state):
the dialog then routes the intent as if no activity held the floor. A launch offer adds to
the launch (``Offered``); it never runs the launch itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import msgspec

from skill.runtime.catalog import LocaleContent
from skill.runtime.flows.kit.context import Answer, Flow, FlowContext
from skill.runtime.flows.kit.events import Event
from skill.runtime.flows.kit.screens import ScreenFn
from skill.runtime.reply import Reply, Segment
from skill.runtime.state import State


class Pass(msgspec.Struct, frozen=True):
    """A router's "not mine": route the intent normally, from ``state``."""

    state: State


#: While the activity holds the floor: answer, or pass (None: pass with the state unchanged).
Router = Callable[[State, Event, FlowContext], Answer | Pass | None]
#: How the recap names a journal item of the activity's kind; None leaves it out.
TitleFn = Callable[[LocaleContent, str], str | None]


class Offered(msgspec.Struct, frozen=True):
    """What a launch offer adds after the greeting: the state it leaves, the offer, a reprompt.
    ``returning``: it offers something back, so the greeting welcomes them back even on what
    is formally a first launch (a one-shot "play a game" never counted as a visit)."""

    state: State
    speech: tuple[Segment, ...]
    reprompt: tuple[Segment, ...]
    returning: bool = True


#: At a natural end (an intent whose reply closes the session): given the state before the
#: turn, the state and reply after it, make the close into something more (a routine offer),
#: or None to leave it. The first closer that answers wins.
Closer = Callable[[State, State, Event, Reply, FlowContext], Answer | None]
#: At launch: make the offer said after the greeting, or None to leave it to the next one.
LaunchOffer = Callable[[State, Event, FlowContext], Offered | None]
#: The launch's bookkeeping and its greeting (one activity, home, greets); the flag says the
#: offer after it brings something back (``Offered.returning``).
Greeting = Callable[[State, Event, FlowContext, bool], tuple[State, tuple[Segment, ...]]]


class Activity(msgspec.Struct, frozen=True):
    """One activity's declaration. ``name`` is also the ``Place.activity`` it holds the floor
    under; ``accepts`` maps the offers it makes to what "yes" does."""

    name: str
    intents: Mapping[str, Flow] = msgspec.field(default_factory=dict)
    router: Router | None = None
    accepts: Mapping[str, Flow] = msgspec.field(default_factory=dict)
    screen: ScreenFn | None = None
    launch_offer: LaunchOffer | None = None
    on_session_end: Flow | None = None
    effects: Mapping[str, Flow] = msgspec.field(default_factory=dict)
    events: Mapping[str, Flow] = msgspec.field(default_factory=dict)
    journal_kind: str = ""
    title: TitleFn | None = None
    surprise: Flow | None = None
    greeting: Greeting | None = None
    #: Offered in place of tonight's question, when it is asked for and not yet had tonight
    #: (a journey's step waiting): the first activity that makes an offer makes it.
    instead_of_tonight: LaunchOffer | None = None
    closer: Closer | None = None
