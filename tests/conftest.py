"""Fixtures shared by every test: the real content catalog and a skill on a real SQLite file."""

from __future__ import annotations

import gc
import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from skill.runtime.catalog import Catalog, LocaleContent
from tests.support.dialog import ROOT, Dialog, Handler, load_handler

FIXTURES = ROOT / "tests" / "fixtures"
#: Every this many tests, a full collection. A handler is a module executed afresh, and a
#: module is a cycle (its functions hold its globals), so a dropped handler and its catalog
#: wait for the collector's oldest generation, which a process this large rarely reaches on its
#: own: 7 MB a test, 13 GB by mid-suite with seven locales. One collection per 25 tests keeps
#: the run near 0.5 GB for about 10 s of collecting.
COLLECT_EVERY = 25
_finished = itertools.count(1)


def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    if next(_finished) % COLLECT_EVERY == 0:
        gc.collect()


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return Catalog.load(ROOT / "content")


@pytest.fixture(scope="session")
def content(catalog: Catalog) -> LocaleContent:
    return catalog.for_locale("en-US")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "heart.db"


@pytest.fixture
def handler(db_path: Path) -> Handler:
    """``lambda_function.handler`` built on a fresh SQLite file."""
    return load_handler(f"sqlite:///{db_path}")


@pytest.fixture
def dialog(handler: Handler) -> Dialog:
    return Dialog(handler)


@pytest.fixture
def envelope() -> Callable[[str], dict[str, Any]]:
    """Load a real-shaped request envelope from tests/fixtures by name."""

    def load(name: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
        return data

    return load
