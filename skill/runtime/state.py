"""Persisted household state and per-session state, with schema versions.

The household record is what the store keeps between nights: ids, counters and preferences,
never anything a partner said. The session record travels in Alexa's session attributes and
dies with the session. Both are plain dataclasses so flows can compare "before" and "after"
and the turn runner can skip the write when nothing changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import msgspec

from skill.runtime import heard

#: The version of the full, in-memory shape below (and of records saved in that shape, before
#: the compact stored form of ``skill.runtime.records``). ``migrate`` reads those records.
SCHEMA_VERSION = 1

#: How many past nights to remember for "last night's question" and the weekly recap.
HISTORY_NIGHTS = 14
#: Favourites are a short list a couple curates, not an archive.
MAX_FAVOURITES = 50


class Tonight(msgspec.Struct):
    """The question chosen for one night, so asking again the same evening gives the same."""

    night: str = ""
    question_id: str = ""


class NightEntry(msgspec.Struct):
    """One past night: which question was tonight's."""

    night: str = ""
    question_id: str = ""


class QuestionPrefs(msgspec.Struct):
    """How the couple likes their questions: depth 1-3 (None: light and personal), theme, and
    what happens after a question: ``hold`` (wait quietly with them, chime, one short question)
    or ``close`` (leave them to it, with one short way back); empty is ``hold``.

    ``deeper_night`` is the night a "go deeper" was asked: deep is a choice for that night, and
    the next night starts again at ``depth`` (their usual level)."""

    depth: int | None = None
    theme: str | None = None
    talk: str = ""
    deeper_night: str = ""


class GameProgress(msgspec.Struct):
    """A game in progress, kept between sessions so an interrupted game can be finished.

    ``step`` counts the plays already settled; whose turn it is follows from ``step`` and
    ``first``. ``used`` holds this game's question ids; nothing a partner said is kept.
    ``strikes`` counts answers the game couldn't place for the play in progress; ``done``
    marks a finished game, kept so that "play again" knows what was played.
    """

    game: str = ""
    rounds: int = 0
    step: int = 0
    first: int = 0
    scores: list[int] = msgspec.field(default_factory=lambda: [0, 0])
    together: int = 0
    question: str = ""
    used: list[str] = msgspec.field(default_factory=list)
    strikes: int = 0
    done: bool = False


class GameRecord(msgspec.Struct):
    """One game's history for the household: games played, best scores, recently heard ids."""

    game: str = ""
    played: int = 0
    best_short: int = 0
    best_long: int = 0
    heard: list[str] = msgspec.field(default_factory=list)


class JournalEntry(msgspec.Struct):
    """One thing a couple did together on a night: its kind and content id, never words."""

    night: str = ""
    kind: str = ""
    item: str = ""


class Together(msgspec.Struct):
    """The nights a couple did something together: the last one, the run, and the total."""

    last_night: str = ""
    run: int = 0
    total: int = 0


class GratitudeProgress(msgspec.Struct):
    """Gratitude prompts heard in this cycle, and tonight's prompt (for "now swap")."""

    cycle: int = 1
    heard: Sequence[str] = msgspec.field(default_factory=list)
    night: str = ""
    prompt: str = ""


class NightlyReminder(msgspec.Struct):
    """The daily reminder the couple asked for: its Reminders API id and time (``HH:MM``)."""

    alert_token: str = ""
    time: str = ""


class ListeningProgress(msgspec.Struct):
    """A listening exercise in progress, kept so a couple can pick it up within a day.

    ``step`` is the step waiting for a cue; with ``part`` > 0 it is a timed turn split into
    parts, ``part`` of which have run. ``first`` (0 or 1) is the partner who spoke first, -1
    until chosen. Times are epoch seconds; ``turn_ends`` is when the last timed silence
    should end, so a cue that interrupts it is understood. Never what anyone said.
    """

    exercise: str = ""
    step: int = 0
    part: int = 0
    first: int = -1
    paused: bool = False
    started: int = 0
    updated: int = 0
    turn_ends: int = 0


class Household(msgspec.Struct):
    """Everything kept for one household (one Amazon account) between sessions."""

    schema: int = SCHEMA_VERSION
    visits: int = 0
    first_night: str = ""
    last_night: str = ""
    cycle: int = 1
    heard: Sequence[str] = msgspec.field(default_factory=list)
    tonight: Tonight = msgspec.field(default_factory=Tonight)
    history: list[NightEntry] = msgspec.field(default_factory=list)
    favourites: list[str] = msgspec.field(default_factory=list)
    prefs: QuestionPrefs = msgspec.field(default_factory=QuestionPrefs)
    names: list[str] = msgspec.field(default_factory=list)
    voices: list[str] = msgspec.field(default_factory=list)
    listening: ListeningProgress = msgspec.field(default_factory=ListeningProgress)
    exercises_done: list[str] = msgspec.field(default_factory=list)
    game: GameProgress = msgspec.field(default_factory=GameProgress)
    game_records: list[GameRecord] = msgspec.field(default_factory=list)
    journal: list[JournalEntry] = msgspec.field(default_factory=list)
    together: Together = msgspec.field(default_factory=Together)
    gratitude: GratitudeProgress = msgspec.field(default_factory=GratitudeProgress)
    reminder: NightlyReminder = msgspec.field(default_factory=NightlyReminder)
    names_offered: bool = False
    #: Recognized voices a partner has named ("this is Sam"): voice id -> partner index. Never
    #: inferred from who spoke first.
    voice_names: dict[str, int] = msgspec.field(default_factory=dict)
    #: What an activity keeps between sessions beyond the fields above, by activity name:
    #: content ids, positions and counters (and a check-in's numbers), never anything anyone
    #: said. An activity owns its own list and its layout.
    kept: dict[str, list[int | str]] = msgspec.field(default_factory=dict)
    #: The household's own order over content (``skill.runtime.draws``). Derived from the
    #: household key when the record is read, never stored: 0 for a household with no key.
    seed: int = 0


class ReminderDraft(msgspec.Struct):
    """A reminder being arranged: create or update, and the time (``HH:MM``) once heard."""

    action: str = ""
    time: str = ""


#: The activity that holds the floor when none does: the skill's front door.
HOME = "home"


class Place(msgspec.Struct):
    """Where the conversation is: the activity holding the floor, the offer a "yes" would
    accept (named by the activity that made it), how many answers in a row could not be
    placed there, and a reminder being arranged. Replaced whole, so its parts never disagree."""

    activity: str = HOME
    offer: str = ""
    retries: int = 0
    reminder: ReminderDraft = msgspec.field(default_factory=ReminderDraft)


#: Bump when the session's shape changes, and teach ``migrate_session`` the step.
SESSION_SCHEMA = 2


class Session(msgspec.Struct):
    """What one Alexa session remembers: where the dialog is, and what was said last."""

    schema: int = SESSION_SCHEMA
    place: Place = msgspec.field(default_factory=Place)
    question_id: str = ""
    #: Answers in a row the skill could not place (fallbacks), so the next one can say more.
    misses: int = 0
    last_speech: list[list[Any]] = msgspec.field(default_factory=list)
    last_reprompt: list[list[Any]] = msgspec.field(default_factory=list)
    time_zone: str = ""
    #: Where an activity is within this session, by activity name: content ids and positions
    #: only, like ``Household.kept``, for what need not outlive the session.
    progress: dict[str, list[int | str]] = msgspec.field(default_factory=dict)


class State(msgspec.Struct):
    """The pair a flow works on."""

    household: Household
    session: Session


T = TypeVar("T")


def from_dict(cls: type[T], data: Any) -> T:
    """Build a dataclass from JSON-shaped data with msgspec, ignoring unknown keys and
    defaulting missing ones.

    Unknown keys are tolerated so that an older deployment can read a newer record during a
    rollout; a wrongly typed value (a string for a number, a number for a flag) raises
    ValueError, so corruption is never silently saved. msgspec builds the dataclasses directly
    from its compiled description of each type: 4-5x faster than the reflective converter this
    replaced, with the same strictness.
    """
    try:
        return msgspec.convert(data, type=cls, strict=True)
    except msgspec.ValidationError as exc:
        raise ValueError(f"{cls.__name__}: {exc}") from exc


def to_dict(obj: Any) -> dict[str, Any]:
    """Serialise a dataclass to JSON-compatible data (ints and strings only, no floats)."""
    # A heard list (``skill.runtime.heard.Heard``) shares its ids, so it is no list itself.
    out: dict[str, Any] = msgspec.to_builtins(obj, enc_hook=heard.plain)
    return out


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring a stored household up to ``SCHEMA_VERSION`` (no steps yet: version 1 is first)."""
    version = data.get("schema", 1)
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise ValueError(f"household schema {version!r} is newer than this code understands")
    return {**data, "schema": SCHEMA_VERSION}


def household_from_json(data: dict[str, Any] | None) -> Household:
    """The household for stored data, or a fresh one when nothing is stored."""
    if data is None:
        return Household()
    return from_dict(Household, migrate(data))


#: Session schema 1's ``context`` names, as today's activities.
_CONTEXT_ACTIVITY = {
    "top": HOME,
    "question": "tonight",
    "names": "names",
    "game": "games",
    "listening": "listening",
    "listening_offer": "listening",
    "gratitude": "gratitude",
    "ritual": "reminders",
    "forget": "privacy",
}
_RETRY_SUFFIX = "_retry"


def migrate_session(data: dict[str, Any]) -> dict[str, Any]:
    """Bring session attributes written by an older deployment up to ``SESSION_SCHEMA``, so a
    session open during a deploy carries on. Schema 1 kept the place in loose strings:
    ``context``, an ``offer`` with a ``_retry`` suffix, and ``pending`` as ``action|HH:MM``."""
    if data.get("schema", 1) != 1 or "place" in data:
        return data
    migrated = {k: v for k, v in data.items() if k not in ("context", "offer", "pending")}
    context, offer = data.get("context", "top"), data.get("offer", "")
    pending = data.get("pending", "")
    if not all(isinstance(v, str) for v in (context, offer, pending)):
        raise ValueError("session: schema 1 place is not made of strings")
    retries = 1 if offer.endswith(_RETRY_SUFFIX) else 0
    action, _, time = pending.partition("|")
    migrated["place"] = {
        "activity": _CONTEXT_ACTIVITY.get(context, HOME),
        "offer": offer.removesuffix(_RETRY_SUFFIX),
        "retries": retries,
        "reminder": {"action": action, "time": time},
    }
    migrated["schema"] = SESSION_SCHEMA
    return migrated


def session_from_json(data: Any) -> Session:
    """Session attributes are client-supplied: anything malformed yields a fresh session."""
    try:
        return from_dict(Session, migrate_session(data) if isinstance(data, dict) else {})
    except ValueError:
        return Session()
