"""The shipped content, loaded once for test helpers that read stored households."""

from __future__ import annotations

import functools

from skill.runtime.catalog import Catalog, LocaleContent
from tests.support.dialog import ROOT, SPEAKING


@functools.cache
def catalog() -> Catalog:
    return Catalog.load(ROOT / "content")


def default_content() -> LocaleContent:
    """The content of the locale the suite is speaking in (en-US outside the dialog suite)."""
    return catalog().for_locale(SPEAKING["locale"])
