"""`heart-to-heart chat` as a person (or a script) uses it: a real process, real SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from skill.runtime.catalog import LocaleContent
from tests.support.chat_process import run_chat
from tests.support.dialog import ROOT


def chat(lines: list[str], store: Path, now: str, user: str = "u1") -> list[str]:
    return run_chat(lines, store, user=user, now=now, timeout=60)


def questions_in(output: list[str], content: LocaleContent) -> list[str]:
    return [q.id for line in output for q in content.questions if q.text in line]


def test_done_when_example(tmp_path: Path, content: LocaleContent) -> None:
    store = tmp_path / "chat.db"
    out = chat(["open heart to heart", "tonight's question"], store, "2026-12-01T20:00:00Z")
    assert out[0].startswith("Alexa: ") and out[1] == "[session open]"
    assert any(v in out[0] for v in content.variants("launch.first"))
    (first,) = questions_in(out, content)
    again = chat(["open heart to heart", "tonight's question"], store, "2026-12-01T23:00:00Z")
    assert questions_in(again, content) == [first]
    seen = [first]
    for day in range(2, 9):
        out = chat(
            ["open heart to heart", "tonight's question"], store, f"2026-12-{day:02d}T20:00:00Z"
        )
        seen.extend(questions_in(out, content))
    assert len(seen) == len(set(seen)) == 8


def test_chat_prints_whether_the_session_stays_open(tmp_path: Path) -> None:
    out = chat(
        ["ask heart to heart for tonight's question"], tmp_path / "c.db", "2026-12-01T20:00:00Z"
    )
    assert out[-1] == "[session closed]"


def test_comments_and_silence(tmp_path: Path) -> None:
    out = chat(
        ["# a comment", "open heart to heart", "", ""], tmp_path / "c.db", "2026-12-01T20:00:00Z"
    )
    assert out[-1] == "[session closed]"
    assert any(line.startswith("Alexa (reprompt): ") for line in out)


def test_a_broken_content_dir_is_reported_precisely(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "en-US").mkdir(parents=True)
    (content / "schema").mkdir()
    for schema in (ROOT / "content" / "schema").iterdir():
        (content / "schema" / schema.name).write_text(schema.read_text())
    (content / "en-US" / "questions.json").write_text(json.dumps({"locale": "en-US"}))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "skill.hosts.cli",
            "chat",
            "--store",
            f"sqlite:///{tmp_path / 'x.db'}",
        ],
        input="open heart to heart\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT), "HEART_CONTENT_DIR": str(content)},
    )
    assert result.returncode == 2
    assert "questions.json" in result.stderr and "questions" in result.stderr


def test_the_chat_speaks_the_locale_it_is_given(tmp_path: Path) -> None:
    """``--locale en-GB``: that market's model ("half eight") and its spelling."""
    lines = ["open heart to heart", "help", "remind us every night at half eight"]
    out = run_chat(lines, tmp_path / "c.db", "--locale", "en-GB", timeout=60)
    spoken = "\n".join(out)
    assert "counselling" in spoken and "counseling" not in spoken
    assert "8:30 p.m." in spoken, "half eight is half past eight in Britain"
    us = run_chat(lines, tmp_path / "u.db", timeout=60)
    assert "8:30 p.m." not in "\n".join(us), "en-US doesn't read 'half eight' as a time"
