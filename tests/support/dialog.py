"""Scripted conversations through the Lambda entry point, as tests and helpers use them.

``load_handler`` imports ``lambda/lambda_function.py`` afresh with the given environment, so
each test gets its own skill on its own store, exactly as Lambda would build it.
"""

from __future__ import annotations

import functools
import gc
import importlib.util
import itertools
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from skill.hosts.chat import ChatSession, ChatTurn, Clock
from skill.tools.envelopes import Conversation
from skill.tools.nlu import Resolver

ROOT = Path(__file__).resolve().parents[2]
#: Every locale the skill ships: one interaction model each.
LOCALES = tuple(sorted(p.stem for p in (ROOT / "interaction_models").glob("*.json")))
#: The English ones, which share en-US's content item by item.
ENGLISH_LOCALES = tuple(loc for loc in LOCALES if loc.startswith("en-"))
#: Where each other language keeps the dialog suite's lines, said as its couples say them.
PHRASEBOOKS = ROOT / "tests" / "fixtures" / "phrasebook"
#: The household-key salt every test host is given (Lambda requires one).
TEST_KEY_SALT = "heart-to-heart"  # the old default, so seeded choices in tests stay put
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
_counter = itertools.count()


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the block, restoring what was there after."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


@functools.cache
def snapshotted_content() -> Path:
    """The content, copied once per test process with a catalog snapshot beside it, as the
    Lambda zip has it: a handler then unpickles its catalog (a few milliseconds) instead of
    validating seven locales (about 90 ms), thousands of times a run. The snapshot is checked
    against the copy's files on every load, so it is exactly the content."""
    from skill.tools.deploy.lambda_zip import snapshot_catalog

    folder = Path(tempfile.mkdtemp(prefix="heart-content-")) / "content"
    shutil.copytree(ROOT / "content", folder)
    snapshot_catalog(folder)
    return folder


def load_handler(store_url: str, **env: str) -> Handler:
    """A fresh ``lambda_function.handler`` built with ``HEART_STORE=store_url`` and ``env``
    (``HEART_KEY_SALT`` is ``TEST_KEY_SALT`` unless ``env`` says otherwise; the content is
    ``snapshotted_content()`` unless ``HEART_CONTENT_DIR`` says otherwise).

    The handler's init ends with ``gc.freeze()``, as a container's should (its objects live as
    long as it does); a test process builds thousands of them, so the frozen objects are
    handed back to the collector after each, or every dropped handler's cycles (its catalog
    with them) would stay for the rest of the run: 7 MB a handler, 15 GB by mid-suite."""
    values = {
        "HEART_STORE": store_url,
        "HEART_KEY_SALT": TEST_KEY_SALT,
        "HEART_CONTENT_DIR": str(snapshotted_content()),
        **env,
    }
    name = f"lambda_function_{next(_counter)}"
    spec = importlib.util.spec_from_file_location(name, ROOT / "lambda" / "lambda_function.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    with environment(values):
        spec.loader.exec_module(module)
    gc.unfreeze()
    handler: Handler = module.handler
    return handler


def resolver(locale: str = "en-US") -> Resolver:
    return Resolver.from_file(ROOT / "interaction_models" / f"{locale}.json")


#: The locale a suite is speaking in: a Dialog made without one speaks it (the dialog suite
#: runs each test once per locale, tests/dialogs/conftest.py).
SPEAKING: dict[str, str] = {"locale": "en-US"}


def english(locale: str) -> bool:
    return locale.startswith("en-")


@functools.cache
def phrasebook(locale: str) -> dict[str, str]:
    """``locale``'s line for each English line of the dialog suite (``{}`` for English)."""
    if english(locale):
        return {}
    path = PHRASEBOOKS / f"{locale}.json"
    lines: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))["lines"]
    return lines


def in_locale(text: str, locale: str) -> str:
    """What a couple of ``locale`` says for the suite's English ``text``: the suite is written
    once, and each language's phrasebook says every line as its couples would (checked in
    ``test_phrasebook``: each one is understood as its English line is)."""
    if english(locale):
        return text
    book = phrasebook(locale)
    if text not in book:
        raise KeyError(f"no {locale} line for {text!r} in {PHRASEBOOKS / locale}.json")
    return book[text]


class Dialog:
    """Type lines as a couple would say them; read what Alexa answers.

    Lines are written in English; in another language each is said through that language's
    phrasebook (``in_locale``), so one suite runs in every locale."""

    def __init__(
        self,
        handler: Handler,
        user: str = "couple-1",
        now: datetime | str = "2026-12-01T20:00:00Z",
        locale: str | None = None,
        person_id: str = "",
        screen: str = "",
    ) -> None:
        if isinstance(now, str):
            now = datetime.fromisoformat(now.replace("Z", "+00:00"))
        locale = locale or SPEAKING["locale"]
        self.handler = handler
        self.conversation = Conversation(
            user_id=user, locale=locale, person_id=person_id, screen=screen
        )
        self.clock = Clock(now if now.tzinfo else now.replace(tzinfo=UTC))
        self.chat = ChatSession(
            lambda event: handler(event, None), resolver(locale), self.conversation, self.clock
        )

    def say(self, text: str) -> ChatTurn:
        return self.chat.say(in_locale(text, self.conversation.locale))

    def script(self, *lines: str) -> list[ChatTurn]:
        return [self.say(line) for line in lines]

    def end(self, reason: str = "USER_INITIATED") -> ChatTurn | None:
        return self.chat.end(reason)

    def next_night(self, nights: int = 1) -> None:
        """Close any session and move the clock on by whole days."""
        from datetime import timedelta

        self.end()
        self.clock.advance(timedelta(days=nights))
