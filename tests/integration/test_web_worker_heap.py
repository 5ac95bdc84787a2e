"""A web worker keeps what it built out of the cyclic collector's sight, as a Lambda container
does: through the production gunicorn configuration, in real worker processes."""

from __future__ import annotations

import gc
import json
import urllib.request
from pathlib import Path

import pytest

from skill.hosts.web import server
from tests.support.dialog import TEST_KEY_SALT
from tests.support.web_server import running_gunicorn

pytestmark = pytest.mark.integration


def test_each_worker_freezes_what_it_built_before_it_serves(tmp_path: Path) -> None:
    env = {
        "HEART_STORE": f"sqlite:///{tmp_path / 'heart.db'}",
        "HEART_KEY_SALT": TEST_KEY_SALT,
    }
    with running_gunicorn(env=env, workers=2, app="tests.support.freeze_probe:app()") as site:
        answers = []
        for _ in range(4):
            with urllib.request.urlopen(f"{site.url}/gc-frozen", timeout=10) as response:
                answers.append(json.loads(response.read())["frozen"])
    # The app, its content and its store client: tens of thousands of objects, never a few.
    assert min(answers) > 10_000, answers
    # Thawed again as each worker ends, so its shutdown collects it while gevent is still there.
    assert "Traceback" not in site.log(), site.log()


def test_serve_runs_gunicorn_with_the_same_hook() -> None:
    """``heart-to-heart serve`` builds gunicorn from ``settings()``; the hook it names freezes."""
    assert server.settings()["post_worker_init"] is server.freeze_after_load
    assert server.post_worker_init is server.freeze_after_load
    assert server.settings()["worker_exit"] is server.worker_exit is server.thaw_before_exit
    before = gc.get_freeze_count()
    try:
        server.freeze_after_load(None)
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()
