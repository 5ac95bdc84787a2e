"""Run `heart-to-heart chat` as a real process with scripted lines, as a person's script would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.dialog import ROOT, TEST_KEY_SALT


def run_chat(
    lines: list[str],
    store: Path,
    *options: str,
    user: str = "u1",
    now: str = "2026-12-01T20:00:00Z",
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> list[str]:
    """Feed ``lines`` on standard input and return what the chat printed, line by line."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "skill.hosts.cli",
            "chat",
            "--user",
            user,
            "--now",
            now,
            "--store",
            f"sqlite:///{store}",
            *options,
        ],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(ROOT), "HEART_KEY_SALT": TEST_KEY_SALT, **(env or {})},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()
