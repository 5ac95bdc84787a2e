"""A stand-in for the Lambda python3.12 runtime: a clean virtual environment with only boto3.

The Lambda runtime offers the standard library and boto3; everything else must come from the
deployment zip. Tests unpack the zip and import it with this environment's interpreter, so a
module the zip forgot (or one that drags in Flask or gTTS) fails here rather than on AWS.

Creating the environment takes a while, so it is kept in the system temp directory between
runs, keyed by the interpreter and boto3 version, and guarded by a file lock against two test
runs building it at once.
"""

from __future__ import annotations

import fcntl
import glob
import hashlib
import importlib.metadata
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

TARGET_VERSION = (3, 12)
_READY = ".heart-to-heart-ready"


def _version_of(executable: str) -> tuple[int, int] | None:
    try:
        completed = subprocess.run(
            [executable, "-c", "import sys; print(sys.version_info[0], sys.version_info[1])"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if completed.returncode != 0:
        return None
    major, minor = completed.stdout.split()
    return int(major), int(minor)


def find_python312() -> Path | None:
    """A working python3.12: on PATH first, then pyenv's installs; None when there is none.

    A pyenv shim on PATH may exist without a 3.12 selected, so each candidate is run once.
    """
    candidates: list[str] = []
    on_path = shutil.which("python3.12")
    if on_path:
        candidates.append(on_path)
    pyenv_root = os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    candidates.extend(
        sorted(glob.glob(f"{pyenv_root}/versions/3.12*/bin/python3.12"), reverse=True)
    )
    for candidate in candidates:
        if _version_of(candidate) == TARGET_VERSION:
            return Path(candidate)
    return None


def boto3_requirement() -> str:
    """boto3 at the version the tests use here (the runtime's own is close to it)."""
    try:
        return f"boto3=={importlib.metadata.version('boto3')}"
    except importlib.metadata.PackageNotFoundError:
        return "boto3"


def lambda_like_venv(python: Path, cache_root: Path | None = None) -> Path:
    """The cached clean venv's interpreter, created on first use: stdlib + boto3 only."""
    requirement = boto3_requirement()
    key = hashlib.sha256(f"{python.resolve()}|{requirement}".encode()).hexdigest()[:12]
    root = cache_root or Path(tempfile.gettempdir())
    venv = root / f"heart-to-heart-lambda-venv-{key}"
    interpreter = venv / "bin" / "python"
    lock_path = root / f"heart-to-heart-lambda-venv-{key}.lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (venv / _READY).exists() and interpreter.exists():
            return interpreter
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([str(python), "-m", "venv", str(venv)], check=True, timeout=300)
        subprocess.run(
            [
                str(interpreter),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                requirement,
            ],
            check=True,
            timeout=900,
        )
        (venv / _READY).write_text(requirement + "\n")
    return interpreter
