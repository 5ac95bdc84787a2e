"""The production web app with one more route, for tests: ``GET /gc-frozen`` answers how many
objects the serving worker's cyclic collector has frozen (``gc.get_freeze_count``).

Served as ``gunicorn -c python:skill.hosts.web.server ... tests.support.freeze_probe:app()``,
so the worker runs the production configuration's hooks.
"""

from __future__ import annotations

import gc

from flask import Flask

from skill.hosts.web.app import create_app_from_env


def app() -> Flask:
    served = create_app_from_env()
    served.add_url_rule("/gc-frozen", "gc_frozen", lambda: {"frozen": gc.get_freeze_count()})
    return served
