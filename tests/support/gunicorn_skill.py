"""The skill's web service on gunicorn with several worker processes, for tests.

Usage: ``python -m tests.support.gunicorn_skill PORT STORE_URL WORKERS``. Verification is off
(loopback only), so tests can post plain envelopes to ``POST /alexa``; everything else is
the production app, forked into ``WORKERS`` sync workers as a deployment would run it.
"""

from __future__ import annotations

import sys
from typing import Any

from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]

from skill.hosts.web.app import WebOptions, create_app
from skill.runtime.settings import Settings
from tests.support.dialog import TEST_KEY_SALT


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, app: Any, options: dict[str, Any]) -> None:
        self._app = app
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self._app


def main() -> None:
    port, store_url, workers = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    settings = Settings(store_url=store_url, key_salt=TEST_KEY_SALT)
    app = create_app(settings, options=WebOptions(verify=False))
    _Server(
        app,
        {
            "bind": f"127.0.0.1:{port}",
            "workers": workers,
            "worker_class": "sync",
            "loglevel": "warning",
            "accesslog": None,
            "timeout": 60,
        },
    ).run()


if __name__ == "__main__":
    main()
