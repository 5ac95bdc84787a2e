"""The dialog suite speaks every language the skill ships: each test runs once per locale,
with that locale's request locale, interaction model, content and phrasebook (the lines a test
types are English; ``Dialog`` says them through the locale's phrasebook).

A test about the envelope rather than the language (malformed requests, fuzzing) is marked
``any_language`` and runs in en-US only."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from skill.runtime.catalog import Catalog, LocaleContent
from tests.support.dialog import LOCALES, SPEAKING


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "locale" in metafunc.fixturenames:
        one = metafunc.definition.get_closest_marker("any_language") is not None
        metafunc.parametrize("locale", ("en-US",) if one else LOCALES, scope="function")


@pytest.fixture(autouse=True)
def speaking(locale: str) -> Iterator[str]:
    """Every Dialog of the test speaks ``locale`` unless it names another."""
    SPEAKING["locale"] = locale
    yield locale
    SPEAKING["locale"] = "en-US"


@pytest.fixture
def content(catalog: Catalog, locale: str) -> LocaleContent:
    return catalog.for_locale(locale)


@pytest.fixture
def envelope(
    envelope: Callable[[str], dict[str, Any]], locale: str
) -> Callable[[str], dict[str, Any]]:
    """The real-shaped request envelopes of tests/fixtures, sent from a device in ``locale``."""

    def load(name: str) -> dict[str, Any]:
        event = envelope(name)
        request = event.get("request")
        if isinstance(request, dict) and "locale" in request:
            request["locale"] = locale
        return event

    return load
