"""The shipped content, loaded once for test helpers that read stored households."""

from __future__ import annotations

import functools

from skill.runtime.catalog import Catalog, LocaleContent
from tests.support.dialog import ROOT


@functools.cache
def catalog() -> Catalog:
    return Catalog.load(ROOT / "content")


def default_content() -> LocaleContent:
    return catalog().for_locale("en-US")
