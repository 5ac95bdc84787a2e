"""Fixtures shared by every test: the real content catalog and a skill on a real SQLite file."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from skill.runtime.catalog import Catalog, LocaleContent
from tests.support.dialog import ROOT, Dialog, Handler, load_handler

FIXTURES = ROOT / "tests" / "fixtures"


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
