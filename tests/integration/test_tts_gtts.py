"""The real gTTS code against a local fake of Google's endpoint; ``preview`` with real ffmpeg."""

from __future__ import annotations

import json
import shutil
import string
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from skill.runtime.catalog import LocaleContent
from skill.tools.tts import Speaker, TtsConfig, TtsError, gtts_synthesize
from tests.support.dialog import ROOT
from tests.support.fake_gtts import FakeGtts, fake_gtts, make_mp3, unreachable_base_url

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def mp3(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return make_mp3(tmp_path_factory.mktemp("audio") / "tone.mp3").read_bytes()


@pytest.fixture
def fake(mp3: bytes) -> Iterator[FakeGtts]:
    with fake_gtts(mp3) as server:
        yield server


def test_gtts_fetches_audio_from_the_configured_base_url(
    fake: FakeGtts, mp3: bytes, tmp_path: Path
) -> None:
    config = TtsConfig(cache_dir=tmp_path, base_url=fake.base_url, timeout_s=3)
    assert gtts_synthesize("Hello you two", config) == mp3
    assert fake.texts == ["Hello you two"]


def test_long_text_in_several_parts_is_joined(fake: FakeGtts, mp3: bytes, tmp_path: Path) -> None:
    config = TtsConfig(cache_dir=tmp_path, base_url=fake.base_url, timeout_s=3)
    text = "Take a breath together. " * 12
    audio = gtts_synthesize(text, config)
    assert len(fake.texts) > 1
    assert audio == mp3 * len(fake.texts)


def test_a_slow_server_times_out_quickly(fake: FakeGtts, tmp_path: Path) -> None:
    fake.mode, fake.delay_s = "slow", 5.0
    tts = Speaker(TtsConfig(cache_dir=tmp_path, base_url=fake.base_url, timeout_s=0.5))
    started = time.monotonic()
    with pytest.raises(TtsError):
        tts.render("Are you there?")
    assert time.monotonic() - started < 2.5
    assert tts.cached("Are you there?") is None


def test_a_failing_server_is_a_tts_error(fake: FakeGtts, tmp_path: Path) -> None:
    fake.mode = "error"
    with pytest.raises(TtsError):
        Speaker(TtsConfig(cache_dir=tmp_path, base_url=fake.base_url, timeout_s=2)).render("Hi")


def test_unreachable_server_fails_in_well_under_a_second(tmp_path: Path) -> None:
    tts = Speaker(TtsConfig(cache_dir=tmp_path, base_url=unreachable_base_url(), timeout_s=3))
    started = time.monotonic()
    with pytest.raises(TtsError):
        tts.render("Anyone home?")
    assert time.monotonic() - started < 1.0


# --- preview -------------------------------------------------------------------------------


def preview(*args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    """The real command, in a child process, with its own speech cache."""
    return subprocess.run(
        [sys.executable, "-m", "skill.hosts.cli", "preview", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HEART_TTS_CACHE": str(cache)},
    )


def _ffprobe(path: Path) -> dict[str, str]:
    binary = shutil.which("ffprobe")
    assert binary, "ffprobe comes with ffmpeg"
    out = subprocess.run(
        [binary, "-v", "error", "-show_streams", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    stream: dict[str, str] = json.loads(out)["streams"][0]
    return stream


def test_preview_renders_one_question_and_its_follow_up(
    fake: FakeGtts, content: LocaleContent, tmp_path: Path
) -> None:
    question = next(q for q in content.questions if q.follow_up)
    done = preview(
        question.id,
        "--out",
        str(tmp_path / "out"),
        "--tts-base-url",
        fake.base_url,
        cache=tmp_path / "cache",
    )
    assert done.returncode == 0, done.stderr
    files = sorted(p.name for p in (tmp_path / "out" / "questions").glob("*.mp3"))
    assert files == sorted([f"{question.id}.mp3", f"{question.id}.follow_up.mp3"])
    assert sorted(fake.texts) == sorted([question.text, question.follow_up])


def test_preview_numbers_the_variants_of_a_phrase(
    fake: FakeGtts, content: LocaleContent, tmp_path: Path
) -> None:
    key = next(k for k, v in content.phrases.items() if len(v) > 1 and "{" not in "".join(v))
    out = tmp_path / "out"
    done = preview(key, "--out", str(out), "--tts-base-url", fake.base_url, cache=tmp_path / "c")
    assert done.returncode == 0, done.stderr
    rendered = sorted(p.name for p in out.rglob("*.mp3"))
    assert rendered == sorted(f"{key}.{n}.mp3" for n in range(1, len(content.phrases[key]) + 1))
    assert sorted(fake.texts) == sorted(content.phrases[key])


def test_preview_fills_placeholders(fake: FakeGtts, content: LocaleContent, tmp_path: Path) -> None:
    key, variants = next((k, v) for k, v in content.phrases.items() if len(v) == 1 and "{" in v[0])
    names = [n for _, n, _, _ in string.Formatter().parse(variants[0]) if n]
    params = [arg for n in names for arg in ("--param", f"{n}=Robin")]
    out = tmp_path / "out"
    args = [key, *params, "--out", str(out), "--tts-base-url", fake.base_url]
    done = preview(*args, cache=tmp_path / "c")
    assert done.returncode == 0, done.stderr
    assert fake.texts
    assert all("{" not in text for text in fake.texts)
    assert any("Robin" in text for text in fake.texts)


def test_preview_list_of_a_file_renders_nothing(fake: FakeGtts, tmp_path: Path) -> None:
    file = ROOT / "content" / "en-US" / "questions.json"
    done = preview(
        "--file", str(file), "--list", "--out", str(tmp_path / "out"), cache=tmp_path / "cache"
    )
    assert done.returncode == 0, done.stderr
    ids = {line.split("\t")[1] for line in done.stdout.splitlines()}
    questions = json.loads(file.read_text())["questions"]
    assert {q["id"] for q in questions} <= ids
    assert fake.texts == []
    assert not (tmp_path / "out").exists()


def test_preview_alexa_format_is_mono_24khz_48kbps(
    fake: FakeGtts, content: LocaleContent, tmp_path: Path
) -> None:
    question = content.questions[0]
    done = preview(
        question.id,
        "--alexa-format",
        "--out",
        str(tmp_path / "out"),
        "--tts-base-url",
        fake.base_url,
        cache=tmp_path / "cache",
    )
    assert done.returncode == 0, done.stderr
    stream = _ffprobe(tmp_path / "out" / "questions" / f"{question.id}.mp3")
    assert stream["codec_name"] == "mp3"
    assert int(stream["channels"]) == 1
    assert int(stream["sample_rate"]) == 24000
    assert int(stream["bit_rate"]) == 48000


def test_preview_of_an_unknown_id_fails_without_rendering(fake: FakeGtts, tmp_path: Path) -> None:
    done = preview(
        "no-such-id-anywhere",
        "--out",
        str(tmp_path / "out"),
        "--tts-base-url",
        fake.base_url,
        cache=tmp_path / "cache",
    )
    assert done.returncode == 2
    assert "no-such-id-anywhere" in done.stderr
    assert fake.texts == []


def test_preview_stops_with_an_error_when_speech_is_unreachable(
    content: LocaleContent, tmp_path: Path
) -> None:
    question = content.questions[0]
    started = time.monotonic()
    done = preview(
        question.id,
        "--out",
        str(tmp_path / "out"),
        "--tts-base-url",
        unreachable_base_url(),
        cache=tmp_path / "cache",
    )
    assert done.returncode == 1
    assert time.monotonic() - started < 30
