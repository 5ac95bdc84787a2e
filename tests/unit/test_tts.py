"""Speech for the simulator and preview: the disk cache, the timeout and the back-off."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from skill.tools.tts import MAX_TEXT_CHARS, Speaker, TtsConfig, TtsError, cache_key, prune


class CountingSynth:
    """Stands in for gTTS: returns bytes naming the text, or raises; counts calls."""

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.calls: list[str] = []

    def __call__(self, text: str, config: TtsConfig) -> bytes:
        self.calls.append(text)
        if self.error is not None:
            raise self.error
        return b"ID3" + text.encode()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def speaker(tmp_path: Path, synth: CountingSynth, **config: object) -> Speaker:
    return Speaker(TtsConfig(cache_dir=tmp_path / "cache", **config), synthesize=synth)  # type: ignore[arg-type]


def test_second_rendering_of_the_same_text_comes_from_the_cache(tmp_path: Path) -> None:
    synth = CountingSynth()
    tts = speaker(tmp_path, synth)
    first = tts.render("Hello, you two.")
    second = tts.render("Hello, you two.")
    assert first == second
    assert first.read_bytes() == b"ID3Hello, you two."
    assert synth.calls == ["Hello, you two."]
    assert tts.cached("Hello, you two.") == first


def test_cache_survives_a_new_speaker_on_the_same_directory(tmp_path: Path) -> None:
    speaker(tmp_path, CountingSynth()).render("Good night.")
    synth = CountingSynth()
    speaker(tmp_path, synth).render("Good night.")
    assert synth.calls == []


def test_cache_is_keyed_by_text_language_and_accent(tmp_path: Path) -> None:
    assert cache_key("hi there", "en") != cache_key("hi there", "fr")
    assert cache_key("hi there", "en", "com") != cache_key("hi there", "en", "co.uk")
    assert cache_key("hi there", "en") != cache_key("hi there!", "en")
    synth = CountingSynth()
    speaker(tmp_path, synth, lang="en").render("hi there")
    speaker(tmp_path, synth, lang="fr").render("hi there")
    assert len(synth.calls) == 2
    assert len(list((tmp_path / "cache").glob("*.mp3"))) == 2


def test_failure_raises_tts_error_and_caches_nothing(tmp_path: Path) -> None:
    tts = speaker(tmp_path, CountingSynth(error=OSError("offline")))
    with pytest.raises(TtsError):
        tts.render("Hello there.")
    assert tts.cached("Hello there.") is None
    cache = tmp_path / "cache"
    assert not cache.exists() or not any(cache.iterdir())


def test_after_a_failure_the_speaker_backs_off_without_calling_out(tmp_path: Path) -> None:
    synth = CountingSynth(error=TimeoutError("slow"))
    clock = Clock()
    tts = Speaker(TtsConfig(cache_dir=tmp_path, backoff_s=30), synthesize=synth, clock=clock)
    with pytest.raises(TtsError):
        tts.render("one two")
    with pytest.raises(TtsError):
        tts.render("three four")
    assert synth.calls == ["one two"]
    synth.error = None
    clock.now += 31
    assert tts.render("three four").is_file()
    assert synth.calls == ["one two", "three four"]


def test_cached_text_is_served_even_while_backing_off(tmp_path: Path) -> None:
    synth = CountingSynth()
    tts = speaker(tmp_path, synth)
    tts.render("already here")
    synth.error = OSError("offline")
    with pytest.raises(TtsError):
        tts.render("not yet here")
    assert tts.render("already here").is_file()


def test_empty_and_overlong_text_are_refused(tmp_path: Path) -> None:
    synth = CountingSynth()
    tts = speaker(tmp_path, synth)
    with pytest.raises(ValueError):
        tts.render("   ")
    with pytest.raises(ValueError):
        tts.render("a" * (MAX_TEXT_CHARS + 1))
    assert synth.calls == []


def test_empty_audio_is_an_error(tmp_path: Path) -> None:
    def silent(text: str, config: TtsConfig) -> bytes:
        return b""

    with pytest.raises(TtsError):
        Speaker(TtsConfig(cache_dir=tmp_path), synthesize=silent).render("say something")


def test_prune_keeps_the_most_recently_used_files(tmp_path: Path) -> None:
    for index in range(5):
        path = tmp_path / f"{index}.mp3"
        path.write_bytes(b"x")
        os.utime(path, (time.time() - 100 + index, time.time() - 100 + index))
    assert prune(tmp_path, 3) == 2
    assert sorted(p.name for p in tmp_path.glob("*.mp3")) == ["2.mp3", "3.mp3", "4.mp3"]
    assert prune(tmp_path, 3) == 0


def test_config_rejects_a_base_url_that_is_not_http_and_a_zero_timeout(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        TtsConfig(cache_dir=tmp_path, base_url="ftp://127.0.0.1:1")
    with pytest.raises(ValueError):
        TtsConfig(cache_dir=tmp_path, timeout_s=0)
