"""Fuzzing the envelope's structure: what Alexa may send tomorrow still gets a normal answer.

Hypothesis builds envelopes shaped like Alexa's (every part the skill reads may be present,
missing or partial), with enum values nobody has heard of (``dialogState``,
``confirmationStatus``, viewport shapes, presentation types, error codes), fields nobody has
heard of at every level, and odd but well-typed values. For a well-shaped Launch or Intent
request the answer must never be the generic apology, nothing may be logged at ERROR, and
no log record may carry a traceback. Seeded (``derandomize``), so a failure reproduces.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill.runtime.app import HeartSkill, build_skill
from skill.runtime.catalog import Catalog
from skill.runtime.settings import Settings
from skill.runtime.store.sqlite import SqliteStore
from skill.runtime.timezone import TimeZoneLookup
from tests.support.dialog import ROOT

#: The envelope's shape, not its language, is under test: en-US only.
pytestmark = pytest.mark.any_language

EXAMPLES = 5000
SKILL_ID = "amzn1.ask.skill.fuzz"
INTENTS = [
    "TonightQuestionIntent",
    "AMAZON.HelpIntent",
    "AMAZON.FallbackIntent",
    "AMAZON.YesIntent",
    "AMAZON.StopIntent",
    "StartListeningIntent",
    "SetNamesIntent",
    "GratitudeIntent",
    "SomeIntentFromTomorrow",
]

# Cheap strategies: generating the envelope, not answering it, is most of this test's time.
novel = st.sampled_from(["FUTURE_VALUE", "SOMETHING_NEW", "X", "lowercase", ""])
small_text = st.one_of(
    st.sampled_from(["", "a", "dreams", "Sam", "amzn1.ask.person.P", "<&\"'>", "é" * 30]),
    st.text(alphabet="ab <&", max_size=6),
)
scalar = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), small_text)
junk = st.one_of(
    scalar, st.lists(scalar, max_size=2), st.dictionaries(small_text, scalar, max_size=2)
)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.just(None), strategy)


def obj(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """An object with any subset of ``fields``, and perhaps a field nobody has heard of."""
    return st.fixed_dictionaries({}, optional={**fields, "xFutureField": junk})


def enum(*known: str) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(known), novel)


ids = st.one_of(
    st.sampled_from(["amzn1.ask.account.A", "amzn1.ask.account.B"]), st.text(max_size=40)
)
resolution = obj(
    authority=st.just("amzn1.er-authority.echo-sdk.x.THEME"),
    status=obj(code=enum("ER_SUCCESS_MATCH", "ER_SUCCESS_NO_MATCH", "ER_ERROR_TIMEOUT")),
    values=st.lists(obj(value=obj(name=small_text, id=small_text)), max_size=2),
)
slot = obj(
    name=small_text,
    value=small_text,
    confirmationStatus=enum("NONE", "CONFIRMED", "DENIED"),
    source=enum("USER"),
    resolutions=obj(resolutionsPerAuthority=st.lists(resolution, max_size=2)),
    slotValue=obj(type=enum("Simple", "List"), value=small_text),
)
intent = obj(
    name=st.sampled_from(INTENTS),
    confirmationStatus=enum("NONE", "CONFIRMED", "DENIED"),
    slots=st.dictionaries(st.sampled_from(["theme", "nameOne", "nameTwo", "depth"]), slot),
)
viewport = obj(
    shape=enum("RECTANGLE", "ROUND"),
    pixelWidth=st.integers(0, 2000),
    mode=enum("HUB", "TV", "MOBILE", "AUTO", "PC"),
    presentationType=enum("STANDARD", "OVERLAY"),
    keyboards=st.lists(enum("DIRECTIONAL_PAD"), max_size=2),
)
system = obj(
    application=obj(applicationId=st.just(SKILL_ID)),
    user=obj(userId=ids, accessToken=small_text),
    person=obj(personId=small_text),
    device=obj(
        deviceId=small_text,
        supportedInterfaces=st.dictionaries(
            st.sampled_from(["Alexa.Presentation.APL", "AudioPlayer", "Display", "Geolocation"])
            | novel,
            obj(runtime=obj(maxVersion=small_text)),
            max_size=3,
        ),
    ),
    apiEndpoint=st.just("http://127.0.0.1:9"),
    apiAccessToken=small_text,
    unit=obj(unitId=small_text),
)
context = obj(
    System=system,
    Viewport=viewport,
    Viewports=st.lists(obj(type=enum("APL"), shape=enum("ROUND", "RECTANGLE")), max_size=2),
    AudioPlayer=obj(playerActivity=enum("IDLE", "PLAYING", "STOPPED")),
)
session = obj(
    new=st.booleans(),
    sessionId=small_text,
    application=obj(applicationId=st.just(SKILL_ID)),
    user=obj(userId=ids),
    attributes=st.one_of(
        st.dictionaries(small_text, junk, max_size=3),
        st.fixed_dictionaries({"context": small_text, "offer": small_text}),
    ),
)
timestamps = st.one_of(
    st.just("2026-12-01T20:00:00Z"),
    st.just("2026-12-01T20:00:00.123Z"),
    st.just("2026-12-01T20:00:00+01:00"),
    small_text,
)


@st.composite
def spoken_request(draw: st.DrawFn) -> dict[str, Any]:
    """A well-shaped LaunchRequest or IntentRequest: the type is right, the rest may vary."""
    kind = draw(st.sampled_from(["LaunchRequest", "IntentRequest"]))
    request = draw(
        obj(
            requestId=small_text,
            timestamp=timestamps,
            locale=enum("en-US", "en-GB", "de-DE"),
            dialogState=enum("STARTED", "IN_PROGRESS", "COMPLETED"),
            shouldLinkResultBeReturned=st.booleans(),
        )
    )
    request["type"] = kind
    if kind == "IntentRequest":
        request["intent"] = draw(intent)
    return request


@st.composite
def envelopes(draw: st.DrawFn) -> dict[str, Any]:
    event: dict[str, Any] = {"version": "1.0", "request": draw(spoken_request())}
    for name, strategy in (("session", session), ("context", context)):
        value = draw(maybe(strategy))
        if value is not None:
            event[name] = value
    return event


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def skill(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HeartSkill]:
    db = Path(tmp_path_factory.mktemp("fuzz")) / "fuzz.db"
    store = SqliteStore(db)
    settings_ = Settings(key_salt="fuzz-salt", store_url=f"sqlite:///{db}")
    built = build_skill(
        settings_,
        store,
        Catalog.load(ROOT / "content"),
        time_zones=TimeZoneLookup(timeout_s=0.01),
    )
    yield built
    store.close()


@pytest.fixture(scope="module")
def apology() -> str:
    return Catalog.load(ROOT / "content").for_locale("en-US").variants("error.general")[0]


def test_fuzzed_envelopes_get_normal_answers_and_log_no_tracebacks(
    skill: HeartSkill, apology: str
) -> None:
    records = Records()
    root = logging.getLogger()
    root.addHandler(records)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    seen = {"examples": 0}

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(envelopes())
    def check(event: dict[str, Any]) -> None:
        seen["examples"] += 1
        records.records.clear()
        response = skill.invoke(event)
        speech = response["response"].get("outputSpeech", {}).get("ssml", "")
        assert speech.startswith("<speak>"), (event, response)
        assert apology not in speech, event
        bad = [r for r in records.records if r.levelno >= logging.ERROR or r.exc_info]
        assert not bad, [(r.getMessage(), r.exc_info) for r in bad]

    try:
        check()
    finally:
        root.removeHandler(records)
        root.setLevel(old_level)
    assert seen["examples"] >= EXAMPLES
