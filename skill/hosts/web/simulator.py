"""The speaker simulator: talk to the skill in a browser, hear it, and see what it sent.

Each browser keeps a random token; the server keeps one ``ChatSession`` per token (the same
local resolver and ``HeartSkill.invoke`` as ``heart-to-heart chat``) with its own simulated
clock, in a bounded in-memory table that forgets idle sessions. A token is its own simulated
account, so the household it builds up survives a page reload and a server restart (it is in
the store), while the Alexa session and the clock offset live only in memory. With several
gunicorn workers each keeps its own table: run the simulator with one worker.

Debug view: the developer panel shows the household as stored. The simulator reads it
through the store port (``Store.load``, read only) — the one place outside a turn that does;
it never writes, and it shows only ids, counters and preferences, which is all a household
ever holds.

Like the chat, the simulator plays Alexa's Settings and Reminders APIs on 127.0.0.1
(``skill.tools.local_alexa``), so the device time zone and nightly reminders work locally; the
chat's permission dialog answers "yes" for the couple.

Suggested phrases fit where the conversation is (``suggestions``: phrases from
``content/<locale>/simulator.json`` for the place in the last response's session attributes);
the developer panel also lists one sample utterance of every intent in the interaction model.
The page holds no sentence of its own to speak.

Who may use it. The simulator runs the skill without Alexa's signature, so it is served only
when asked (``serve --simulator``), only on a loopback address, and every request must come
from this machine (its peer address) and name this machine in ``Host`` (so a web page that
rebinds its own domain to 127.0.0.1 is refused). Its POSTs must also carry the CSRF token the
page was rendered with (``X-Heart-CSRF``) and, when a browser sends ``Origin``, come from the
page's own origin: another site open in the same browser cannot drive it.

Device and voice: each utterance may say which device it is spoken to (no screen, an Echo
Show's landscape screen or an Echo Spot's round one; ``Conversation.screen``) and whose voice
Alexa recognized (none, voice A or voice B; ``Conversation.person_id``). When the response
carries an APL RenderDocument, the page draws a preview from its ``screen`` datasource and the
document's colours, never by running APL. A recognized voice the skill names with
``<alexa:name>`` shows as "[voice A's name]" and is spoken as "voice A".
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request, send_file
from werkzeug.exceptions import RequestEntityTooLarge

from skill.hosts.chat import ChatSession, ChatTurn, Clock
from skill.hosts.web.suggestions import Suggestions
from skill.runtime import apl
from skill.runtime.catalog import LocaleContent
from skill.runtime.nights import night_of, zone
from skill.runtime.records import read_household
from skill.runtime.reply import Pause, PersonName, Say, Silence, Sound
from skill.runtime.speech import parse_ssml, to_text
from skill.runtime.state import to_dict
from skill.runtime.store.port import Store, StoreError
from skill.runtime.turn import household_key
from skill.tools.envelopes import LOCAL_SKILL_ID, SCREENS, Conversation
from skill.tools.nlu import Resolver, launch_words, normalise
from skill.tools.tts import MAX_TEXT_CHARS, Speaker, TtsError

#: The interaction models of a source checkout (the simulator runs from one).
MODELS_DIR = Path(__file__).resolve().parents[3] / "interaction_models"
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
MAX_UTTERANCE_CHARS = 300
MAX_SESSIONS = 64
SESSION_IDLE_S = 6 * 3600.0
SIMULATED_USER_PREFIX = "amzn1.ask.account.simulator-"
#: The voices the page can speak with, by the key it sends: the personId Alexa would report.
VOICES = {
    "a": "amzn1.ask.person.simulator-voice-a",
    "b": "amzn1.ask.person.simulator-voice-b",
}
#: Screen fields the preview shows, from the RenderDocument's ``screen`` datasource.
SCREEN_FIELDS = ("title", "text", "footer", "timer")
_COLOR = re.compile(r"#[0-9A-Fa-f]{3,8}")

Invoke = Callable[[dict[str, Any]], dict[str, Any]]


class SimulatorError(Exception):
    """A request the simulator can't take (bad token, empty or long text); answered 400."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


# --- what the page shows and plays ---------------------------------------------------------


def voice_label(voice: str) -> str:
    """How the page calls a simulated voice: "voice A"."""
    return f"voice {voice.upper()}"


def voice_names(voices: Mapping[str, str] = VOICES) -> dict[str, str]:
    """personId -> label, for ``speech_segments``."""
    return {person_id: voice_label(key) for key, person_id in voices.items()}


def speech_segments(ssml: str, names: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """SSML as the page plays it: speech, timed silences (chained breaks summed) and sounds.

    Short pauses and recognized names stay inside the speech around them, so the page speaks
    one stretch of words at a time, exactly where ``ssml_to_text`` shows them. A name whose
    personId is in ``names`` shows as "[voice A's name]"; such a stretch also carries
    ``spoken``, what the page says out loud ("voice A") in place of the real first name.
    """
    out: list[dict[str, Any]] = []
    words: list[tuple[str, str]] = []  # (shown, spoken)

    def flush_words() -> None:
        if words:
            segment = {"kind": "speech", "text": _join(shown for shown, _ in words)}
            spoken = _join(said for _, said in words)
            if spoken != segment["text"]:
                segment["spoken"] = spoken
            out.append(segment)
            words.clear()

    for seg in parse_ssml(ssml):
        match seg:
            case Say(text):
                words.append((text, text))
            case PersonName(person_id):
                label = (names or {}).get(person_id)
                if label:
                    words.append((f"[{label}'s name]", label))
                else:
                    words.append((to_text((seg,)), to_text((seg,))))
            case Silence(seconds):
                flush_words()
                out.append({"kind": "silence", "seconds": seconds})
            case Sound(name):
                flush_words()
                out.append({"kind": "sound", "name": name})
            case Pause():
                pass
    flush_words()
    return out


def _join(parts: Iterable[str]) -> str:
    """Words as one stretch: a part opening with punctuation joins the word before it."""
    text = ""
    for part in (p.strip() for p in parts):
        if part:
            text += part if not text or part[:1] in ",.;:!?" else " " + part
    return text


def screen_preview(response: dict[str, Any] | None) -> dict[str, Any] | None:
    """What a screen shows for this response: its RenderDocument's ``screen`` datasource and
    the document's base colours (resources without a ``when``); None without a document."""
    directives = ((response or {}).get("response") or {}).get("directives") or []
    for directive in directives:
        if not isinstance(directive, dict) or directive.get("type") != apl.RENDER_DOCUMENT:
            continue
        screen = (directive.get("datasources") or {}).get("screen")
        if not isinstance(screen, dict):
            continue
        preview: dict[str, Any] = {k: str(screen.get(k) or "") for k in SCREEN_FIELDS}
        preview["long"] = bool(screen.get("long"))
        preview["colors"] = document_colors(directive.get("document"))
        return preview
    return None


def document_colors(document: Any) -> dict[str, str]:
    """The named colours an APL document always defines (its resources with no ``when``)."""
    colors: dict[str, str] = {}
    resources = document.get("resources") if isinstance(document, dict) else None
    for resource in resources if isinstance(resources, list) else []:
        if not isinstance(resource, dict) or "when" in resource:
            continue
        for name, value in (resource.get("colors") or {}).items():
            if isinstance(value, str) and _COLOR.fullmatch(value):
                colors[str(name)] = value
    return colors


def suggested_phrases(model: dict[str, Any], locale: str = "en-US") -> list[dict[str, str]]:
    """One sample per intent (custom intents first), slots filled with their first value.

    The launch phrase comes first. Samples whose slots have no listed values (built-in slot
    types such as first names) are passed over for the intent's next sample.
    """
    language = model["interactionModel"]["languageModel"]
    first_values = {
        t["name"]: t["values"][0]["name"]["value"] for t in language.get("types", []) if t["values"]
    }
    chips = [
        {
            "text": f"{launch_words(locale).launch[0]} {normalise(language['invocationName'])}",
            "kind": "launch",
        }
    ]
    intents = language["intents"]
    ordered = [i for i in intents if not i["name"].startswith("AMAZON.")]
    ordered += [i for i in intents if i["name"].startswith("AMAZON.")]
    seen: set[str] = set()
    for intent in ordered:
        slot_types = {s["name"]: s["type"] for s in intent.get("slots", [])}
        for sample in intent.get("samples", []):
            names = re.findall(r"\{(\w+)\}", sample)
            if any(slot_types.get(n) not in first_values for n in names):
                continue
            text = sample
            for name in names:
                text = text.replace(f"{{{name}}}", first_values[slot_types[name]])
            if text not in seen:
                seen.add(text)
                kind = "builtin" if intent["name"].startswith("AMAZON.") else "custom"
                chips.append({"text": text, "kind": kind, "intent": intent["name"]})
            break
    return chips


# --- sessions --------------------------------------------------------------------------------


@dataclass
class SimSession:
    """One browser's conversation: its account, Alexa session and simulated clock."""

    chat: ChatSession
    offset: timedelta = field(default_factory=timedelta)
    last_used: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def user_id(self) -> str:
        return self.chat.conversation.user_id


class SessionTable:
    """At most ``max_sessions`` sessions, least recently used evicted, idle ones forgotten."""

    def __init__(
        self,
        factory: Callable[[str], SimSession],
        max_sessions: int = MAX_SESSIONS,
        idle_s: float = SESSION_IDLE_S,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._factory = factory
        self._max = max_sessions
        self._idle = idle_s
        self._monotonic = monotonic
        self._sessions: OrderedDict[str, SimSession] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._sessions)

    def __contains__(self, token: object) -> bool:
        return token in self._sessions

    def get(self, token: str) -> SimSession:
        if not TOKEN.fullmatch(token):
            raise SimulatorError("bad_token")
        now = self._monotonic()
        with self._lock:
            for old in [t for t, s in self._sessions.items() if now - s.last_used > self._idle]:
                del self._sessions[old]
            session = self._sessions.get(token)
            if session is None:
                session = self._factory(token)
                self._sessions[token] = session
            self._sessions.move_to_end(token)
            session.last_used = now
            while len(self._sessions) > self._max:
                self._sessions.popitem(last=False)
            return session


# --- the simulator ----------------------------------------------------------------------------


class Simulator:
    """Everything the page's endpoints do, independent of Flask for testing."""

    def __init__(
        self,
        invoke: Invoke,
        resolver: Resolver,
        store: Store | None,
        *,
        key_salt: str,
        time_zone: str,
        skill_id: str | None = None,
        locale: str = "en-US",
        speaker: Speaker | None = None,
        chips: list[dict[str, str]] | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        api_endpoint: str = "",
        max_sessions: int = MAX_SESSIONS,
        idle_s: float = SESSION_IDLE_S,
        content: LocaleContent | None = None,
    ) -> None:
        self._content = content
        self._invoke = invoke
        self._resolver = resolver
        self._store = store
        self._salt = key_salt
        self._zone = zone(None, time_zone)
        self._skill_id = skill_id or LOCAL_SKILL_ID
        self._locale = locale
        self.speaker = speaker
        self.chips = chips or []
        self.suggestions = Suggestions.load(locale, resolver)
        self._now = now
        self._api_endpoint = api_endpoint
        self.sessions = SessionTable(self._new_session, max_sessions, idle_s)
        #: What the page must send back with every POST (``X-Heart-CSRF``); new each start.
        self.csrf_token = secrets.token_urlsafe(32)

    def _new_session(self, token: str) -> SimSession:
        conversation = Conversation(
            user_id=SIMULATED_USER_PREFIX + token,
            locale=self._locale,
            skill_id=self._skill_id,
            api_endpoint=self._api_endpoint,
            api_token=f"simulator-{token}" if self._api_endpoint else "",
        )
        chat = ChatSession(self._invoke, self._resolver, conversation, Clock(self._now()))
        # The page counts each silence down (or skips it): the next thing typed comes after
        # the whole response has played, so the clock moves on by its length.
        chat.fast_clock = True
        return SimSession(chat)

    def say(
        self, token: str, text: str, *, screen: str | None = None, voice: str | None = None
    ) -> dict[str, Any]:
        """One utterance (empty: silence) and everything the page shows for it.

        ``screen`` ("", "landscape", "round") picks the device it is spoken to and ``voice``
        ("", "a", "b") whose voice Alexa recognized; None leaves either as it was.
        """
        if len(text) > MAX_UTTERANCE_CHARS:
            raise SimulatorError("text_too_long")
        if screen and screen not in SCREENS:
            raise SimulatorError("bad_screen")
        if voice and voice not in VOICES:
            raise SimulatorError("bad_voice")
        session = self.sessions.get(token)
        with session.lock:
            conversation = session.chat.conversation
            if screen is not None:
                conversation.screen = screen
            if voice is not None:
                conversation.person_id = VOICES.get(voice, "")
            self._catch_up(session)
            turn = session.chat.say(text)
            return self._payload(session, turn)

    def next_night(self, token: str) -> dict[str, Any]:
        """Close any open session, as the couple would at bedtime, and move on a day."""
        session = self.sessions.get(token)
        with session.lock:
            self._catch_up(session)
            session.chat.end()
            session.offset += timedelta(days=1)
            session.chat.clock.advance(timedelta(days=1))
            return self._state(session)

    def state(self, token: str) -> dict[str, Any]:
        session = self.sessions.get(token)
        with session.lock:
            self._catch_up(session)
            return self._state(session)

    def _catch_up(self, session: SimSession) -> None:
        """Simulated time runs with real time, plus the nights skipped with "next night"."""
        target = self._now() + session.offset
        if target > session.chat.clock.now:
            session.chat.clock.now = target

    def _state(self, session: SimSession) -> dict[str, Any]:
        local = session.chat.clock.now.astimezone(self._zone)
        conversation = session.chat.conversation
        household = self.household(session.user_id)
        return {
            "clock": local.isoformat(timespec="seconds"),
            "time_zone": self._zone.key,
            "night": night_of(local),
            "nights_ahead": session.offset.days,
            "session_open": session.chat.conversation.in_session,
            "device": session.chat.conversation.screen,
            "voice": next(
                (k for k, v in VOICES.items() if v == session.chat.conversation.person_id), ""
            ),
            "household": household,
            "suggestions": self.suggestions.offer(
                conversation.in_session, conversation.attributes, household
            ),
        }

    def household(self, user_id: str) -> dict[str, Any] | None:
        """The stored household for the developer panel (read only, via the store port), in
        its full shape: the stored record is compact, references and thresholds."""
        if self._store is None:
            return None
        key = household_key(user_id, self._salt)
        try:
            data = self._store.load(key).data
        except StoreError:
            return None
        if data is None or self._content is None:
            return data
        try:
            shown = to_dict(read_household(data, self._content, key))
        except ValueError:
            return data
        shown.pop("seed", None)
        return shown

    def _payload(self, session: SimSession, turn: ChatTurn) -> dict[str, Any]:
        response = turn.response or {}
        ssml = response.get("response", {}).get("outputSpeech", {}).get("ssml", "")
        if ssml:
            segments = speech_segments(ssml, voice_names())
        elif turn.speech:  # a reprompt after silence: the chat already has it as text
            segments = [{"kind": "speech", "text": turn.speech}]
        else:
            segments = []
        return {
            "said": turn.said,
            "speech": turn.speech,
            "reprompt": turn.reprompt,
            "session_open": turn.session_open,
            "silent_turn": turn.silent_turn,
            "segments": segments,
            "silences": [s["seconds"] for s in segments if s["kind"] == "silence"],
            "request": turn.request,
            "response": turn.response,
            "screen": screen_preview(turn.response),
            **self._state(session),
        }


# --- HTTP -------------------------------------------------------------------------------------


def simulator_blueprint(simulator: Simulator) -> Blueprint:
    """``/`` (the page) and ``/simulator/*`` (its JSON and audio endpoints)."""
    bp = Blueprint(
        "simulator",
        __name__,
        template_folder="templates",
        static_folder="static",
        static_url_path="/simulator/static",
    )

    csrf = simulator.csrf_token

    @bp.before_request
    def only_from_this_machine() -> tuple[Response, int] | None:
        if not _is_loopback(request.remote_addr or "") or not _loopback_host(request.host):
            return jsonify({"error": "forbidden"}), 403
        if request.method == "POST":
            origin = request.headers.get("Origin")
            if origin is not None and origin != f"{request.scheme}://{request.host}":
                return jsonify({"error": "forbidden_origin"}), 403
            sent = request.headers.get("X-Heart-CSRF", "")
            if not hmac.compare_digest(sent.encode(), csrf.encode()):
                return jsonify({"error": "csrf_token"}), 403
        return None

    @bp.get("/")
    def page() -> str:
        return render_template(
            "simulator.html",
            chips=simulator.chips,
            token=secrets.token_urlsafe(18),
            csrf=csrf,
            tts_enabled=simulator.speaker is not None,
        )

    @bp.post("/simulator/say")
    def say() -> Response:
        body = _json_body()
        text = body.get("text", "")
        if not isinstance(text, str):
            raise SimulatorError("bad_text")
        screen, voice = body.get("screen"), body.get("voice")
        if not isinstance(screen, str | None):
            raise SimulatorError("bad_screen")
        if not isinstance(voice, str | None):
            raise SimulatorError("bad_voice")
        return jsonify(simulator.say(_token(body), text, screen=screen, voice=voice))

    @bp.post("/simulator/next-night")
    def next_night() -> Response:
        return jsonify(simulator.next_night(_token(_json_body())))

    @bp.get("/simulator/state")
    def state() -> Response:
        return jsonify(simulator.state(request.args.get("token", "")))

    @bp.get("/simulator/audio")
    def audio() -> Response | tuple[Response, int]:
        text = request.args.get("text", "").strip()
        if not text or len(text) > MAX_TEXT_CHARS:
            return jsonify({"error": "bad_text"}), 400
        if simulator.speaker is None:
            return jsonify({"error": "tts_disabled"}), 503
        try:
            path = simulator.speaker.render(text)
        except TtsError:
            return jsonify({"error": "tts_unavailable"}), 503
        return send_file(path, mimetype="audio/mpeg", max_age=86400, conditional=True)

    @bp.errorhandler(SimulatorError)
    def rejected(exc: SimulatorError) -> tuple[Response, int]:
        return jsonify({"error": exc.code}), 400

    return bp


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return address.lower() == "localhost"


def _loopback_host(host: str) -> bool:
    """``Host`` names this machine: 127.0.0.1, [::1] or localhost, with any port."""
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    if host.startswith("[") and "]" in host:
        name = host[1 : host.index("]")]
    return _is_loopback(name)


def _json_body() -> dict[str, Any]:
    """The POSTed JSON object; anything unreadable (bad chunking, too deep) is a 400."""
    try:
        raw = request.get_data(cache=False)
    except RequestEntityTooLarge:
        raise
    except Exception as exc:
        raise SimulatorError("body_unreadable") from exc
    try:
        body = json.loads(raw or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise SimulatorError("body_json") from exc
    if not isinstance(body, dict):
        raise SimulatorError("body_json")
    return body


def _token(body: dict[str, Any]) -> str:
    token = body.get("token", "")
    if not isinstance(token, str):
        raise SimulatorError("bad_token")
    return token


def load_model(locale: str, models_dir: Path = MODELS_DIR) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((models_dir / f"{locale}.json").read_text("utf-8"))
    return data
