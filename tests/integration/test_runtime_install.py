"""`pip install .` is the Lambda runtime only: no web service, speech synthesis or AWS SDK."""

from __future__ import annotations

import json
import shutil
import subprocess
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOST_ONLY = {"flask", "gtts", "cryptography", "boto3", "botocore", "gunicorn", "werkzeug"}

pytestmark = pytest.mark.integration


def test_pip_install_dot_into_an_empty_environment_brings_only_the_runtime(tmp_path: Path) -> None:
    env = tmp_path / "env"
    venv.EnvBuilder(with_pip=True, clear=True).create(env)
    python = env / "bin" / "python"
    # The project is copied so the build leaves nothing behind in the checkout.
    project = tmp_path / "project"
    subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], check=True, capture_output=True)
    ignore = (".venv", "node_modules", "build", "var", ".git", "__pycache__", ".mypy_cache")
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(*ignore))
    done = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-c",
            str(ROOT / "requirements" / "lambda.lock"),
            str(project),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    listed = subprocess.run(
        [str(python), "-m", "pip", "list", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    names = {item["name"].lower() for item in json.loads(listed.stdout)}
    assert "heart-to-heart" in names and "ask-sdk-core" in names
    assert not names & HOST_ONLY, sorted(names & HOST_ONLY)
    imported = subprocess.run(
        [str(python), "-c", "import skill.runtime.app, skill.runtime.flows.dialog"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert imported.returncode == 0, imported.stderr
