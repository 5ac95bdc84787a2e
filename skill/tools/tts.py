"""Text to speech for people, not for Alexa: gTTS audio with a disk cache and a timeout.

The speaker simulator speaks the skill's answers with it, and ``heart-to-heart preview``
lets authors listen to content. Alexa itself never hears these files.

* **Cache.** One MP3 per (text, language, accent), named by a SHA-256 of the three, written
  atomically, and pruned to a bounded number of files (least recently used first).
* **Timeout.** gTTS waits forever by default; here each HTTP request has a connect and read
  timeout and the whole rendering has a deadline checked between gTTS's parts. After a
  failure the speaker answers "unavailable" at once for ``backoff_s`` seconds, so an offline
  simulator falls back to the browser's voice without waiting on every sentence.
* **Where gTTS goes.** ``base_url`` points gTTS at another host (tests run a local fake on
  127.0.0.1). gTTS has no documented option for that — its ``tld`` only picks a Google
  domain — so ``_RebasedGtts`` rewrites the host of the requests gTTS prepares, leaving its
  protocol and parsing untouched. The tests against the fake prove this still fits the
  installed gTTS.
* **Alexa's format.** ``to_alexa_format`` transcodes with ffmpeg to what Alexa's SSML
  ``<audio>`` accepts (MP3, mono, 24 kHz, 48 kbit/s).

Nothing partners say is ever rendered: only content, whose text is already public.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

#: The simulator never asks for more in one piece; longer text is refused, not truncated.
MAX_TEXT_CHARS = 1500
#: What ``ffmpeg`` is asked for: Alexa's SSML audio format.
ALEXA_FFMPEG_ARGS = ("-ac", "1", "-ar", "24000", "-b:a", "48k")

Synthesize = Callable[[str, "TtsConfig"], bytes]
"""``(text, config) -> MP3 bytes``; raises on any failure. gTTS by default; tests inject."""


class TtsError(Exception):
    """Speech could not be made now (offline, slow, refused); the caller falls back."""


@dataclass(frozen=True)
class TtsConfig:
    """Where and how speech is made."""

    cache_dir: Path
    lang: str = "en"
    tld: str = "com"
    base_url: str | None = None
    """``None``: Google, as gTTS does. Otherwise e.g. ``http://127.0.0.1:8123`` (a fake)."""
    timeout_s: float = 5.0
    max_cache_files: int = 2000
    backoff_s: float = 30.0

    def __post_init__(self) -> None:
        if self.base_url is not None:
            parts = urlsplit(self.base_url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"TTS base URL must be http(s)://host[:port]: {self.base_url!r}")
        if self.timeout_s <= 0:
            raise ValueError("the TTS timeout must be positive")


#: Each locale's gTTS language and accent (``tld`` picks the Google domain, hence the accent).
VOICES: dict[str, tuple[str, str]] = {
    "en-US": ("en", "com"),
    "en-GB": ("en", "co.uk"),
    "en-CA": ("en", "ca"),
    "en-AU": ("en", "com.au"),
    "en-IN": ("en", "co.in"),
    "de-DE": ("de", "de"),
    "es-ES": ("es", "es"),
}


def voice_for(locale: str) -> tuple[str, str]:
    """``(lang, tld)`` for a locale: its own voice, else its language on google.com."""
    return VOICES.get(locale) or (locale.split("-")[0].lower(), "com")


def cache_key(text: str, lang: str, tld: str = "com") -> str:
    """The file name (without extension) of the cached rendering of ``text``."""
    return hashlib.sha256(f"{lang}\x00{tld}\x00{text}".encode()).hexdigest()


class Speaker:
    """Renders text to MP3 files in a cache directory; safe to share between threads."""

    def __init__(
        self,
        config: TtsConfig,
        synthesize: Synthesize | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self._synthesize = synthesize or gtts_synthesize
        self._clock = clock
        self._lock = threading.Lock()
        self._unavailable_until = 0.0
        self._writes = 0

    def cached(self, text: str) -> Path | None:
        """The cached file for ``text``, if it was rendered before."""
        path = self._path(text)
        return path if path.is_file() else None

    def render(self, text: str) -> Path:
        """The MP3 for ``text``, from the cache or freshly made. Raises ``TtsError``."""
        text = text.strip()
        if not text:
            raise ValueError("nothing to speak")
        if len(text) > MAX_TEXT_CHARS:
            raise ValueError(f"text longer than {MAX_TEXT_CHARS} characters")
        path = self._path(text)
        if path.is_file():
            _touch(path)
            return path
        with self._lock:
            if self._clock() < self._unavailable_until:
                raise TtsError("speech service unavailable (backing off)")
        try:
            audio = self._synthesize(text, self.config)
        except Exception as exc:  # gTTSError, timeouts, anything: the caller falls back
            with self._lock:
                self._unavailable_until = self._clock() + self.config.backoff_s
            log.warning("tts_failed error=%s", type(exc).__name__)
            raise TtsError(type(exc).__name__) from exc
        if not audio:
            raise TtsError("speech service returned no audio")
        _write_atomically(path, audio)
        self._after_write()
        return path

    def _path(self, text: str) -> Path:
        return self.config.cache_dir / f"{cache_key(text, self.config.lang, self.config.tld)}.mp3"

    def _after_write(self) -> None:
        with self._lock:
            self._writes += 1
            due = self._writes % 50 == 1  # pruning lists the directory: not on every write
        if due:
            prune(self.config.cache_dir, self.config.max_cache_files)


def prune(cache_dir: Path, max_files: int) -> int:
    """Delete the least recently used MP3s beyond ``max_files``; return how many went."""
    try:
        files = [(p.stat().st_mtime, p) for p in cache_dir.glob("*.mp3")]
    except OSError:
        return 0
    excess = len(files) - max_files
    if excess <= 0:
        return 0
    files.sort()
    removed = 0
    for _, path in files[:excess]:
        try:
            path.unlink()
            removed += 1
        except OSError:
            continue
    return removed


def _touch(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.utime(path)


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tts-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _rebased_gtts_class() -> Any:
    """gTTS whose prepared requests go to ``base_url`` instead of Google (built lazily)."""
    from gtts import gTTS

    class _RebasedGtts(gTTS):  # type: ignore[misc]
        def __init__(self, *args: Any, base_url: str | None = None, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._base_url = base_url

        def _prepare_requests(self) -> list[Any]:
            prepared: list[Any] = super()._prepare_requests()
            if self._base_url:
                base = self._base_url.rstrip("/")
                for request in prepared:
                    original = urlsplit(request.url)
                    query = f"?{original.query}" if original.query else ""
                    request.url = f"{base}{original.path}{query}"
            return prepared

    return _RebasedGtts


def gtts_synthesize(text: str, config: TtsConfig) -> bytes:
    """MP3 bytes from gTTS within ``config.timeout_s`` (per request, and overall)."""
    tts = _rebased_gtts_class()(
        text=text,
        lang=config.lang,
        tld=config.tld,
        lang_check=False,
        timeout=(config.timeout_s, config.timeout_s),
        base_url=config.base_url,
    )
    deadline = time.monotonic() + config.timeout_s
    parts: list[bytes] = []
    stream: Iterator[bytes] = tts.stream()
    for chunk in stream:
        parts.append(chunk)
        if time.monotonic() > deadline:
            raise TimeoutError("speech took longer than the TTS timeout")
    return b"".join(parts)


def ffmpeg_path() -> str | None:
    """The ffmpeg binary on PATH, if installed."""
    return shutil.which("ffmpeg")


def to_alexa_format(source: Path, target: Path, timeout_s: float = 60.0) -> Path:
    """Transcode an MP3 into Alexa's SSML audio format with ffmpeg; return ``target``."""
    binary = ffmpeg_path()
    if binary is None:
        raise TtsError("ffmpeg is not installed (apt-get install ffmpeg)")
    target.parent.mkdir(parents=True, exist_ok=True)
    command = [binary, "-nostdin", "-loglevel", "error", "-y", "-i", str(source)]
    command += [*ALEXA_FFMPEG_ARGS, "-f", "mp3", str(target)]
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=timeout_s)
    except subprocess.CalledProcessError as exc:
        detail = exc.stderr.decode("utf-8", "replace").strip()[-300:]
        raise TtsError(f"ffmpeg failed: {detail}") from exc
    except subprocess.TimeoutExpired as exc:
        raise TtsError("ffmpeg timed out") from exc
    return target
