"""The household-key salt for hosts on this machine: configured, or generated per install.

Lambda and a public server must be given ``HEART_KEY_SALT`` (``require_key_salt``). The local
chat and a loopback ``serve`` need no configuration: the first run writes a random salt to
``var/key-salt`` (or ``HEART_KEY_SALT_FILE``), readable by its owner only, and every later run
reads it back, so the households in ``var/heart.db`` stay reachable.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from skill.runtime import copying
from skill.runtime.settings import Settings, require_key_salt

DEFAULT_SALT_FILE = Path("var") / "key-salt"


def local_key_salt(path: Path) -> str:
    """The salt kept in ``path``, created (mode 0600) on first use."""
    try:
        existing = path.read_text("utf-8").strip()
    except FileNotFoundError:
        existing = ""
    if existing:
        return existing
    path.parent.mkdir(parents=True, exist_ok=True)
    salt = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_text("utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(salt + "\n")
    return salt


def with_key_salt(
    settings: Settings, *, local: bool, env: Mapping[str, str] | None = None
) -> Settings:
    """``settings`` with a salt: the configured one, else (``local`` only) this install's.

    Raises ``MissingKeySalt`` when none is configured and the host is not local.
    """
    if settings.key_salt or not local:
        return require_key_salt(settings)
    env = os.environ if env is None else env
    path = Path(env.get("HEART_KEY_SALT_FILE") or DEFAULT_SALT_FILE)
    return copying.replace(settings, key_salt=local_key_salt(path))
