"""The Flask app in-process: the Alexa endpoint's answers, health, and the simulator's API.

The real-process, over-HTTP suite is tests/integration/test_web_server.py; these tests pin
the app's own decisions (status codes, reasons, never dispatching a rejected request) fast.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from skill.hosts.web.app import WebOptions, create_app, is_loopback, rebased_fetcher
from skill.hosts.web.simulator import (
    SIMULATED_USER_PREFIX,
    VOICES,
    SessionTable,
    SimSession,
    document_colors,
    load_model,
    screen_preview,
    speech_segments,
    suggested_phrases,
    voice_label,
    voice_names,
)
from skill.hosts.web.verify import RequestVerifier, VerifierConfig
from skill.runtime.app import build_skill
from skill.runtime.catalog import Catalog
from skill.runtime.records import read_household
from skill.runtime.reply import PersonName, Say, Silence, Sound
from skill.runtime.settings import Settings
from skill.runtime.speech import to_ssml, to_text
from skill.runtime.state import to_dict
from skill.runtime.store.port import Loaded, StoreUnavailable
from skill.runtime.store.sqlite import SqliteStore
from skill.runtime.turn import household_key
from skill.runtime.voices import voice_key
from skill.tools.envelopes import Conversation
from skill.tools.nlu import Resolver
from skill.tools.tts import Speaker, TtsConfig
from tests.support import certs as ca
from tests.support.dialog import ROOT

SKILL_ID = "amzn1.ask.skill.00000000-web-unit"
CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem"
TOKEN = "unit-test-token-000000"


class Synth:
    def __init__(self) -> None:
        self.fail = False
        self.calls: list[str] = []

    def __call__(self, text: str, config: TtsConfig) -> bytes:
        self.calls.append(text)
        if self.fail:
            raise OSError("offline")
        return b"ID3-fake-mp3"


class Env:
    """An app on a real SQLite file, a verifier trusting the test CA at ``ca.NOW``."""

    def __init__(self, tmp_path: Path, *, verify: bool = True, skill_id: str | None = SKILL_ID):
        self.settings = Settings(store_url=f"sqlite:///{tmp_path / 'h.db'}", skill_id=skill_id)
        self.store = SqliteStore(tmp_path / "h.db")
        self.skill = build_skill(self.settings, self.store, Catalog.load(ROOT / "content"))
        self.fetches: list[str] = []
        config = VerifierConfig(skill_id=skill_id, trust_roots=[ca.root().cert])
        self.verifier = RequestVerifier(config, fetcher=self._fetch, clock=lambda: ca.NOW)
        self.synth = Synth()
        tts = TtsConfig(cache_dir=tmp_path / "tts", backoff_s=0)
        self.app: Flask = create_app(
            self.settings,
            self.skill,
            self.verifier,
            options=WebOptions(verify=verify, simulator=True, tts=tts, local_alexa_api=False),
            store=self.store,
            speaker=Speaker(tts, synthesize=self.synth),
        )
        self.client: FlaskClient = self.app.test_client()
        simulator = self.app.extensions["heart"]["simulator"]
        self.client.environ_base["HTTP_X_HEART_CSRF"] = simulator.csrf_token

    def _fetch(self, url: str, timeout: float) -> bytes:
        self.fetches.append(url)
        return ca.chain_pem()

    def stored(self, user_id: str) -> Loaded:
        return self.store.load(household_key(user_id, self.settings.key_salt))


def launch(user: str, *, skill_id: str = SKILL_ID, when: datetime = ca.NOW) -> bytes:
    conversation = Conversation(user_id=user, skill_id=skill_id)
    return json.dumps(conversation.launch(when)).encode()


def signed(body: bytes) -> dict[str, str]:
    return {"SignatureCertChainUrl": CERT_URL, "Signature-256": ca.sign(body, ca.key("leaf"))}


# --- POST /alexa ----------------------------------------------------------------------------


def test_signed_launch_is_answered_with_speech_and_saved(tmp_path: Path) -> None:
    env = Env(tmp_path)
    body = launch("user-good")
    answer = env.client.post("/alexa", data=body, headers=signed(body))
    assert answer.status_code == 200
    assert answer.json is not None
    assert answer.json["response"]["outputSpeech"]["ssml"].startswith("<speak>")
    assert env.stored("user-good").data is not None


@pytest.mark.parametrize(
    "forge",
    ["no_headers", "altered", "sha1_only", "stale", "wrong_skill", "http_url"],
)
def test_forged_requests_are_400_with_a_reason_and_never_reach_the_skill(
    tmp_path: Path, forge: str
) -> None:
    env = Env(tmp_path)
    user = f"user-{forge}"
    body = launch(user)
    headers = signed(body)
    if forge == "no_headers":
        headers = {}
    elif forge == "altered":
        body = body.replace(b"LaunchRequest", b"LaunchRequest ")
    elif forge == "sha1_only":
        headers["Signature"] = headers.pop("Signature-256")
    elif forge == "stale":
        body = launch(user, when=ca.NOW - timedelta(seconds=151))
        headers = signed(body)
    elif forge == "wrong_skill":
        body = launch(user, skill_id="amzn1.ask.skill.someone-else")
        headers = signed(body)
    elif forge == "http_url":
        headers["SignatureCertChainUrl"] = CERT_URL.replace("https", "http")
    answer = env.client.post("/alexa", data=body, headers=headers)
    assert answer.status_code == 400
    assert answer.json is not None and answer.json["error"] == "verification_failed"
    assert answer.json["reason"]
    assert env.stored(user).data is None


def test_get_is_405_in_json(tmp_path: Path) -> None:
    answer = Env(tmp_path).client.get("/alexa")
    assert answer.status_code == 405
    assert answer.json == {"error": "method_not_allowed"}


def test_oversized_body_is_413_before_any_check(tmp_path: Path) -> None:
    env = Env(tmp_path)
    body = b"{" + b" " * (WebOptions().max_body_bytes + 1) + b"}"
    answer = env.client.post("/alexa", data=body, headers=signed(body))
    assert answer.status_code == 413
    assert answer.json == {"error": "request_entity_too_large"}
    assert env.fetches == []


def test_malformed_json_is_400_without_fetching(tmp_path: Path) -> None:
    env = Env(tmp_path)
    body = b'{"request": '
    answer = env.client.post("/alexa", data=body, headers=signed(body))
    assert answer.status_code == 400
    assert answer.json is not None and answer.json["reason"] == "body_json"
    assert env.fetches == []


def test_without_a_skill_id_the_endpoint_refuses_everything(tmp_path: Path) -> None:
    env = Env(tmp_path, skill_id=None)
    body = launch("user-any", skill_id="amzn1.ask.skill.anything")
    answer = env.client.post("/alexa", data=body, headers=signed(body))
    assert answer.status_code == 400
    assert answer.json == {"error": "skill_id_not_configured"}
    assert env.stored("user-any").data is None


def test_a_crashing_verifier_rejects_instead_of_dispatching(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = Env(tmp_path)

    def crash(headers: Any, body: bytes) -> dict[str, Any]:
        raise RuntimeError("bug")

    monkeypatch.setattr(env.verifier, "verify", crash)
    body = launch("user-crash")
    answer = env.client.post("/alexa", data=body, headers=signed(body))
    assert answer.status_code == 400
    assert env.stored("user-crash").data is None


def test_a_crashing_skill_still_gets_a_valid_alexa_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = Env(tmp_path)

    def crash(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
        raise RuntimeError("bug")

    monkeypatch.setattr(env.skill, "invoke", crash)
    body = launch("user-skill-crash")
    answer = env.client.post("/alexa", data=body, headers=signed(body))
    assert answer.status_code == 200
    assert answer.json is not None and answer.json["version"] == "1.0"


def test_unverified_mode_parses_json_and_checks_the_skill_id(tmp_path: Path) -> None:
    env = Env(tmp_path, verify=False)
    assert env.client.post("/alexa", data=b"not json").status_code == 400
    assert env.client.post("/alexa", data=b"[1]").status_code == 400
    wrong = launch("user-wrong", skill_id="amzn1.ask.skill.someone-else")
    assert env.client.post("/alexa", data=wrong).status_code == 400
    assert env.stored("user-wrong").data is None
    good = env.client.post("/alexa", data=launch("user-unsigned"))
    assert good.status_code == 200
    assert env.stored("user-unsigned").data is not None


# --- health ---------------------------------------------------------------------------------


def test_healthz_reports_ok_and_the_store(tmp_path: Path) -> None:
    answer = Env(tmp_path).client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json == {"status": "ok", "store": "ok"}


def test_healthz_says_when_the_store_is_unavailable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = Env(tmp_path)

    def down(key: str) -> Loaded:
        raise StoreUnavailable("down")

    monkeypatch.setattr(env.store, "load", down)
    answer = env.client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json == {"status": "ok", "store": "unavailable"}


# --- configuration --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("192.168.1.10", False),
        ("example.com", False),
        ("", False),
    ],
)
def test_loopback_detection(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize(
    "base", ["http://10.0.0.1:8000", "http://example.com", "file:///etc", "ftp://127.0.0.1"]
)
def test_cert_fetch_rebasing_is_loopback_only(base: str) -> None:
    with pytest.raises(ValueError):
        rebased_fetcher(base)


def test_options_from_env() -> None:
    options = WebOptions.from_env(
        {
            "HEART_SIMULATOR": "1",
            "HEART_MAX_BODY_BYTES": "4096",
            "HEART_TTS_BASE_URL": "http://127.0.0.1:9",
            "HEART_TTS_TIMEOUT": "1.5",
            "HEART_TRUST_ROOTS": "/tmp/roots.pem",
        }
    )
    assert options.simulator and options.verify
    assert options.max_body_bytes == 4096
    assert options.tts.base_url == "http://127.0.0.1:9"
    assert options.tts.timeout_s == 1.5
    assert options.trust_roots_file == Path("/tmp/roots.pem")
    assert not WebOptions.from_env({}).simulator


# --- the simulator API ----------------------------------------------------------------------


def say(env: Env, text: str, token: str = TOKEN, **choices: str) -> dict[str, Any]:
    answer = env.client.post("/simulator/say", json={"token": token, "text": text, **choices})
    assert answer.status_code == 200, answer.json
    data: dict[str, Any] = answer.json or {}
    return data


def test_page_lists_phrases_from_the_interaction_model(tmp_path: Path) -> None:
    page = Env(tmp_path).client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for chip in suggested_phrases(load_model("en-US"))[:5]:
        assert f'data-text="{chip["text"]}"' in html.replace("&#39;", "'")
    assert Env(tmp_path).client.get("/simulator/static/simulator.js").status_code == 200


def test_every_suggested_phrase_is_understood() -> None:
    model = load_model("en-US")
    resolver = Resolver(model)
    chips = suggested_phrases(model)
    assert chips[0]["kind"] == "launch"
    assert resolver.resolve(chips[0]["text"]).kind == "launch"
    for chip in chips[1:]:
        resolution = resolver.resolve(chip["text"])
        assert resolution.intent == chip["intent"], chip
        assert all(v.value_id is not None for v in resolution.slots.values()), chip


def test_a_conversation_through_the_simulator_api(tmp_path: Path) -> None:
    env = Env(tmp_path)
    opened = say(env, "open heart to heart")
    assert opened["session_open"] is True
    assert opened["segments"] and opened["segments"][0]["kind"] == "speech"
    assert opened["request"]["request"]["type"] == "LaunchRequest"
    question = say(env, "tonight's question")
    tonight = question["household"]["tonight"]["question_id"]
    text = Catalog.load(ROOT / "content").for_locale("en-US").question(tonight)
    assert text is not None and text.text in question["speech"]
    assert question["request"]["request"]["intent"]["name"] == "TonightQuestionIntent"
    user = SIMULATED_USER_PREFIX + TOKEN
    key = household_key(user, env.settings.key_salt)
    shown = to_dict(read_household(env.stored(user).data, _content(), key))
    shown.pop("seed")
    assert shown == question["household"], "the panel shows the stored household, in full"


def test_next_night_closes_the_session_and_moves_the_clock_a_day(tmp_path: Path) -> None:
    env = Env(tmp_path)
    first = say(env, "open heart to heart")
    answer = env.client.post("/simulator/next-night", json={"token": TOKEN})
    assert answer.status_code == 200
    state = answer.json or {}
    assert state["session_open"] is False
    assert state["nights_ahead"] == 1
    before = datetime.fromisoformat(first["clock"])
    after = datetime.fromisoformat(state["clock"])
    assert timedelta(days=1) <= after - before < timedelta(days=1, minutes=5)
    assert state["night"] > first["night"]


def test_silence_reprompts_then_closes(tmp_path: Path) -> None:
    env = Env(tmp_path)
    say(env, "open heart to heart")
    quiet = say(env, "")
    assert quiet["silent_turn"] and quiet["session_open"]
    assert quiet["segments"] == [{"kind": "speech", "text": quiet["reprompt"]}]
    closed = say(env, "")
    assert closed["session_open"] is False


@pytest.mark.parametrize(
    "body",
    [
        {"token": "short", "text": "hi"},
        {"token": "has spaces in it, many", "text": "hi"},
        {"token": TOKEN, "text": "x" * 301},
        {"token": TOKEN, "text": 7},
        {"token": 12345678901234567890, "text": "hi"},
        {"token": TOKEN, "text": "hi", "screen": "television"},
        {"token": TOKEN, "text": "hi", "screen": 1},
        {"token": TOKEN, "text": "hi", "voice": "c"},
        {"token": TOKEN, "text": "hi", "voice": ["a"]},
    ],
)
def test_bad_simulator_input_is_400(tmp_path: Path, body: dict[str, Any]) -> None:
    answer = Env(tmp_path).client.post("/simulator/say", json=body)
    assert answer.status_code == 400
    assert answer.json and answer.json["error"]


def test_simulator_body_that_is_not_json_is_400(tmp_path: Path) -> None:
    answer = Env(tmp_path).client.post("/simulator/say", data=b"{oops")
    assert answer.status_code == 400


def test_audio_is_served_and_cached(tmp_path: Path) -> None:
    env = Env(tmp_path)
    for _ in range(2):
        answer = env.client.get("/simulator/audio", query_string={"text": "Hello you two."})
        assert answer.status_code == 200
        assert answer.mimetype == "audio/mpeg"
        assert answer.get_data() == b"ID3-fake-mp3"
        answer.close()
    assert env.synth.calls == ["Hello you two."]


def test_audio_is_503_when_speech_fails(tmp_path: Path) -> None:
    env = Env(tmp_path)
    env.synth.fail = True
    answer = env.client.get("/simulator/audio", query_string={"text": "Hello?"})
    assert answer.status_code == 503
    assert answer.json == {"error": "tts_unavailable"}
    assert env.client.get("/simulator/audio").status_code == 400


def test_simulator_is_absent_unless_asked_for(tmp_path: Path) -> None:
    settings = Settings(store_url=f"sqlite:///{tmp_path / 'h.db'}", skill_id=SKILL_ID)
    app = create_app(settings, options=WebOptions(simulator=False))
    client = app.test_client()
    assert client.get("/").status_code == 404
    assert client.post("/simulator/say", json={"token": TOKEN, "text": "hi"}).status_code == 404
    assert client.get("/healthz").status_code == 200


# --- simulator pieces -----------------------------------------------------------------------


def test_speech_segments_sum_chained_breaks_into_one_silence() -> None:
    ssml = to_ssml(
        (Say("Partner one, you have the floor."), Silence(125), Sound("chime"), Say("Swap."))
    )
    segments = speech_segments(ssml)
    assert [s["kind"] for s in segments] == ["speech", "silence", "sound", "speech"]
    assert segments[1]["seconds"] == 125
    assert segments[2]["name"] == "chime"


def test_short_pauses_stay_inside_the_speech() -> None:
    ssml = '<speak>One. <break time="900ms"/> Two. <break time="4s"/> Three.</speak>'
    assert speech_segments(ssml) == [{"kind": "speech", "text": "One. Two. Three."}]


def test_session_table_is_bounded_and_forgets_idle_sessions() -> None:
    made: list[str] = []
    now = [0.0]

    def factory(token: str) -> SimSession:
        made.append(token)
        return SimSession(chat=None)  # type: ignore[arg-type]

    table = SessionTable(factory, max_sessions=2, idle_s=100, monotonic=lambda: now[0])
    tokens = [f"token-{n:016d}" for n in range(3)]
    first = table.get(tokens[0])
    assert table.get(tokens[0]) is first
    table.get(tokens[1])
    table.get(tokens[2])  # evicts tokens[0], the least recently used
    assert len(table) == 2 and tokens[0] not in table
    now[0] = 150.0
    table.get(tokens[1])  # tokens[2] idled out; tokens[1] is fresh again
    assert tokens[2] not in table and tokens[1] in table
    assert made == [tokens[0], tokens[1], tokens[2], tokens[1]]


def test_clock_in_the_payload_is_in_the_configured_time_zone(tmp_path: Path) -> None:
    env = Env(tmp_path)
    state = say(env, "open heart to heart")
    clock = datetime.fromisoformat(state["clock"])
    assert state["time_zone"] == env.settings.default_time_zone
    assert abs(clock - datetime.now(UTC)) < timedelta(minutes=1)


# --- devices with screens, recognized voices --------------------------------------------------


def _content() -> Any:
    return Catalog.load(ROOT / "content").for_locale("en-US")


def _render_documents(turn: dict[str, Any]) -> list[dict[str, Any]]:
    directives = turn["response"]["response"].get("directives") or []
    return [d for d in directives if d["type"] == "Alexa.Presentation.APL.RenderDocument"]


def test_an_echo_show_gets_the_screen_its_render_document_describes(tmp_path: Path) -> None:
    env = Env(tmp_path)
    say(env, "open heart to heart", screen="landscape")
    turn = say(env, "tonight's question")  # the device stays an Echo Show
    assert turn["device"] == "landscape"
    assert turn["request"]["context"]["Viewport"]["shape"] == "RECTANGLE"
    [directive] = _render_documents(turn)
    datasource = directive["datasources"]["screen"]
    preview = turn["screen"]
    assert {k: preview[k] for k in ("title", "text", "footer", "timer", "long")} == datasource
    question = _content().question(turn["household"]["tonight"]["question_id"])
    assert question is not None
    assert preview["text"].lower() == question.text.lower()
    palette = _content().section("apl")["main"]["resources"][0]["colors"]
    assert preview["colors"] == palette


def test_a_speaker_has_no_screen_and_a_spot_a_round_one(tmp_path: Path) -> None:
    env = Env(tmp_path)
    speaker = say(env, "open heart to heart")
    assert speaker["device"] == "" and speaker["screen"] is None
    assert not _render_documents(speaker)
    assert "Viewport" not in speaker["request"]["context"]
    spot = say(env, "tonight's question", screen="round")
    assert spot["request"]["context"]["Viewport"]["shape"] == "ROUND"
    assert spot["screen"] is not None and spot["screen"]["text"]
    back = say(env, "another question", screen="")
    assert back["screen"] is None and "Viewport" not in back["request"]["context"]


def test_a_recognized_voice_holds_until_it_changes(tmp_path: Path) -> None:
    env = Env(tmp_path)

    def person(turn: dict[str, Any]) -> str | None:
        found = turn["request"]["context"]["System"].get("person")
        return None if found is None else str(found["personId"])

    assert person(say(env, "open heart to heart")) is None
    first = say(env, "tonight's question", voice="a")
    assert person(first) == VOICES["a"] and first["voice"] == "a"
    assert person(say(env, "another question")) == VOICES["a"]
    assert person(say(env, "another question", voice="b")) == VOICES["b"]
    last = say(env, "another question", voice="")
    assert person(last) is None and last["voice"] == ""
    salt = env.settings.key_salt
    assert set(last["household"]["voices"]) == {voice_key(VOICES[v], salt) for v in "ab"}


def test_a_greeting_to_a_recognized_voice_shows_whose_name_alexa_says(tmp_path: Path) -> None:
    env = Env(tmp_path)
    say(env, "open heart to heart")
    say(env, "stop")
    greeted = say(env, "open heart to heart", voice="b")
    ssml = greeted["response"]["response"]["outputSpeech"]["ssml"]
    assert VOICES["b"] in ssml  # <alexa:name personId=...>
    label = voice_label("b")
    [speech] = [s for s in greeted["segments"] if f"[{label}'s name]" in s["text"]]
    assert label in speech["spoken"] and "[" not in speech["spoken"]


def test_recognized_names_show_as_their_voice_and_unknown_ones_as_before() -> None:
    other = "amzn1.ask.person.someone-else"
    ssml = to_ssml(
        (PersonName(VOICES["a"]), Say(", your turn."), PersonName(other), Say("listens."))
    )
    unknown = to_text((PersonName(other),))
    [segment] = speech_segments(ssml, voice_names())
    assert segment["text"] == f"[{voice_label('a')}'s name], your turn. {unknown} listens."
    assert segment["spoken"] == f"{voice_label('a')}, your turn. {unknown} listens."
    assert speech_segments(ssml) == [
        {"kind": "speech", "text": f"{unknown}, your turn. {unknown} listens."}
    ]


def test_screen_preview_reads_the_datasource_and_only_safe_base_colours() -> None:
    document = {
        "resources": [
            {"colors": {"ground": "#102030", "ink": "red; background: url(x)"}},
            {"when": "${viewport.shape == 'round'}", "colors": {"ground": "#ffffff"}},
        ]
    }
    directive = {
        "type": "Alexa.Presentation.APL.RenderDocument",
        "document": document,
        "datasources": {"screen": {"title": "T", "text": "Body", "timer": "1:30", "long": True}},
    }
    other = {"type": "Dialog.Delegate"}
    preview = screen_preview({"response": {"directives": [other, directive]}})
    assert preview == {
        "title": "T",
        "text": "Body",
        "footer": "",
        "timer": "1:30",
        "long": True,
        "colors": {"ground": "#102030"},
    }
    assert document_colors(None) == {}
    assert screen_preview({"response": {"directives": [other]}}) is None
    assert screen_preview(None) is None
