"""The web service under load: ``skill.hosts.web.app.create_app`` on one gunicorn worker.

Usage: ``python -m bench.web_server PORT DIR verify|noverify`` where DIR holds the test CA's
``roots.pem`` and ``chain.pem``. With verification on, the verifier trusts only the test root
and its certificate fetcher serves the test chain from DIR (counting fetches in
``DIR/fetches-PORT``), so after the first request the chain comes from the verifier's cache,
as it would from Amazon's. The store is a SQLite file in DIR.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]

from skill.hosts.web import server
from skill.hosts.web.app import WebOptions, create_app, load_trust_roots
from skill.hosts.web.verify import RequestVerifier, VerifierConfig
from skill.runtime.settings import Settings
from skill.tools.envelopes import LOCAL_SKILL_ID


class _Server(BaseApplication):  # type: ignore[misc]
    """The app is built in the worker, after gevent has patched the standard library."""

    def __init__(self, build: Any, options: dict[str, Any]) -> None:
        self._build = build
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self._build()


def main() -> None:
    port, directory, mode = int(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    verify = mode == "verify"
    settings = Settings(
        store_url=f"sqlite:///{directory / f'web-{mode}.db'}", skill_id=LOCAL_SKILL_ID
    )
    fetches = directory / f"fetches-{port}"
    chain = (directory / "chain.pem").read_bytes()

    def fetcher(url: str, timeout_s: float) -> bytes:
        with fetches.open("a") as log:
            log.write(url + "\n")
        return chain

    def build() -> Any:
        verifier = RequestVerifier(
            VerifierConfig(
                skill_id=LOCAL_SKILL_ID, trust_roots=load_trust_roots(directory / "roots.pem")
            ),
            fetcher=fetcher,
        )
        return create_app(
            settings, verifier=verifier if verify else None, options=WebOptions(verify=verify)
        )

    # The production worker and settings (``skill.hosts.web.server``), on one worker.
    _Server(
        build,
        {
            **server.settings(workers=1),
            "bind": f"127.0.0.1:{port}",
            "loglevel": "warning",
            "timeout": 60,
        },
    ).run()


if __name__ == "__main__":
    main()
