"""Settings read once from the environment, so every entry point is configured the same way."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import msgspec

#: The content shipped beside the package (a source checkout or the Lambda zip).
DEFAULT_CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"


class Settings(msgspec.Struct, frozen=True):
    """Deployment knobs. Nothing here is a secret; the skill id only guards misrouting."""

    store_url: str = "sqlite:///var/heart.db"
    skill_id: str | None = None
    default_time_zone: str = "America/New_York"
    content_dir: Path = DEFAULT_CONTENT_DIR
    settings_api_timeout_s: float = 1.0
    reminders_api_timeout_s: float = 1.5
    #: One budget for everything a turn waits on (store, Settings API, Reminders API), so the
    #: reply is ready within 3 s even when all three hang (``skill.runtime.deadline``).
    turn_budget_s: float = 2.5
    #: Salt of the household key (a hash of Amazon's user id) and of stored voice ids. Unset
    #: by default: Lambda and a public server refuse to start without it (``require_key_salt``),
    #: local hosts generate one per install (``skill.hosts.salt``).
    key_salt: str = ""
    #: A household that stops using the skill is forgotten this many days after its last
    #: saved turn (0: kept until "delete our data" or disabling the skill).
    retention_days: int = 400
    log_level: str = "INFO"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Read ``HEART_*`` variables; explicit overrides (from the CLI) win."""
        env = os.environ if env is None else env
        base = cls()
        values: dict[str, object] = {
            "store_url": env.get("HEART_STORE", base.store_url),
            "skill_id": env.get("HEART_SKILL_ID") or None,
            "default_time_zone": env.get("HEART_TIME_ZONE", base.default_time_zone),
            "content_dir": Path(env["HEART_CONTENT_DIR"])
            if env.get("HEART_CONTENT_DIR")
            else base.content_dir,
            "settings_api_timeout_s": float(
                env.get("HEART_SETTINGS_API_TIMEOUT", base.settings_api_timeout_s)
            ),
            "reminders_api_timeout_s": float(
                env.get("HEART_REMINDERS_API_TIMEOUT", base.reminders_api_timeout_s)
            ),
            "turn_budget_s": float(env.get("HEART_TURN_BUDGET", base.turn_budget_s)),
            "key_salt": env.get("HEART_KEY_SALT") or base.key_salt,
            "retention_days": int(env.get("HEART_RETENTION_DAYS", base.retention_days)),
            "log_level": env.get("HEART_LOG_LEVEL", base.log_level),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]


class MissingKeySalt(ValueError):
    """``HEART_KEY_SALT`` is required here and is not set: a startup error, never a turn's."""


def require_key_salt(settings: Settings) -> Settings:
    """``settings`` unchanged when a salt is configured; else a clear startup error.

    Without a secret salt, anyone who knows an Amazon user id could compute its household
    key; a public default would make the hash no protection at all.
    """
    if not settings.key_salt:
        raise MissingKeySalt(
            "HEART_KEY_SALT is not set. Set it to a long random secret (for example the "
            "output of `python3 -c 'import secrets; print(secrets.token_hex(32))'`) and keep "
            "it: changing it makes every stored household unreachable."
        )
    return settings
