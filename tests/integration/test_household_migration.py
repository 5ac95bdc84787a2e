"""Households saved by earlier releases load, migrate on their next save, and carry on
without repeating anything they had heard:

* ``tests/fixtures/household-main-02ab398.json``: the full shape of record schema 1 after 60
  evenings of everything;
* ``tests/fixtures/household-main-bb973b0.json``: record schema 2, whose heard sets are
  thresholds in the order heard sets had before schema 3 (``draws.rank``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from skill.runtime.catalog import LocaleContent
from skill.runtime.records import read_household
from skill.runtime.store.dynamodb import DynamoDbStore
from skill.runtime.store.port import NEW, Store
from skill.runtime.store.sqlite import SqliteStore
from skill.runtime.turn import household_key
from tests.conftest import FIXTURES
from tests.support.dialog import TEST_KEY_SALT, Dialog, load_handler
from tests.support.dynalite import TEST_REGION

pytestmark = pytest.mark.integration

USER = "amzn1.ask.account.FROMMAIN"
KEY = household_key(USER, TEST_KEY_SALT)
SAVED_BY_MAIN = json.loads((FIXTURES / "household-main-02ab398.json").read_text())["data"]
SCHEMA_2 = json.loads((FIXTURES / "household-main-bb973b0.json").read_text())
SCHEMA_2_USER = "amzn1.ask.account.FROMMAINTWO"
#: The night after the fixture's last one, at 9 p.m. in New York (the default zone).
NEXT_EVENING = "2026-11-01T01:00:00Z"


@pytest.fixture(params=["sqlite", "dynamodb"])
def stored_by_main(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Store]]:
    """(store URL, store) holding the household exactly as main saved it."""
    store: Store
    if request.param == "sqlite":
        path = tmp_path / "heart.db"
        url, store = f"sqlite:///{path}", SqliteStore(path)
    else:
        endpoint = request.getfixturevalue("dynalite_endpoint")
        table = request.getfixturevalue("dynamodb_table")
        url = f"dynamodb://{table}?region={TEST_REGION}&endpoint={endpoint}"
        store = DynamoDbStore(table, region=TEST_REGION, endpoint_url=endpoint)
    store.save(KEY, SAVED_BY_MAIN, NEW)
    yield url, store
    store.close()


def question_in(text: str, content: LocaleContent) -> str:
    found = [q.id for q in content.questions if q.text in text]
    assert len(found) == 1, text
    return found[0]


def prompt_in(text: str, content: LocaleContent) -> str:
    found = [p.id for p in content.section("gratitude") if p.text in text]
    assert len(found) == 1, text
    return found[0]


def test_a_household_saved_by_main_migrates_and_repeats_nothing_it_heard(
    stored_by_main: tuple[str, Store], content: LocaleContent
) -> None:
    url, store = stored_by_main
    before = read_household(SAVED_BY_MAIN, content, KEY)
    assert (before.visits, before.names, before.cycle) == (121, ["Sam", "Alex"], 7)
    heard_questions = set(SAVED_BY_MAIN["heard"])
    heard_prompts = set(SAVED_BY_MAIN["gratitude"]["heard"])
    notices = [
        v for k in ("unavailable", "healed", "newer") for v in content.variants(f"store.{k}")
    ]

    dialog = Dialog(load_handler(url), user=USER, now=NEXT_EVENING)
    welcome = dialog.say("open heart to heart").speech
    assert not any(n in welcome for n in notices), welcome
    assert "finish it?" in welcome, "the game they left unfinished came along: " + welcome
    dialog.say("no")
    last = dialog.say("what was last night's question").speech
    assert content.question(SAVED_BY_MAIN["tonight"]["question_id"]).text in last  # type: ignore[union-attr]

    migrated = store.load(KEY)
    assert migrated.data is not None and migrated.data["s"] == 3, "written compactly"
    assert read_household(migrated.data, content, KEY).visits == 122

    # Away from the theme filter, so the whole default deck is open: 30 questions, none of
    # the ones heard this cycle.
    asked = [question_in(dialog.say("a question about any theme").speech, content)]
    asked += [question_in(dialog.say("another one").speech, content) for _ in range(29)]
    assert len(set(asked)) == len(asked), "no repeats among the new ones either"
    assert not heard_questions & set(asked), heard_questions & set(asked)
    dialog.say("stop")

    # Gratitude prompts: 40 of the 55 not heard this cycle, none of the 60 that were.
    prompts = []
    for _ in range(40):
        prompts.append(
            prompt_in(dialog.say("ask heart to heart for a gratitude prompt").speech, content)
        )
    assert len(set(prompts)) == len(prompts)
    assert not heard_prompts & set(prompts), heard_prompts & set(prompts)

    after = read_household(store.load(KEY).data, content, KEY)
    assert after.cycle == 7 and after.gratitude.cycle == 1, "no cycle turned over"
    assert heard_questions <= set(after.heard) and heard_prompts <= set(after.gratitude.heard)
    assert after.names == ["Sam", "Alex"] and after.together.total == 61


def test_a_schema_2_household_migrates_and_repeats_nothing_it_heard(
    stored_by_main: tuple[str, Store], content: LocaleContent
) -> None:
    """Its thresholds are read in schema 2's order (read in the new one, they would name other
    questions), and its next save lists them in the new order, in one write unit."""
    url, store = stored_by_main
    key = household_key(SCHEMA_2_USER, TEST_KEY_SALT)
    store.save(key, SCHEMA_2["data"], NEW)
    heard = SCHEMA_2["read"]["heard"]
    heard_prompts = set(SCHEMA_2["read"]["gratitude_heard"])
    trust = [q.id for q in content.questions if q.theme == "trust" and q.depth <= 2]
    fresh_trust = set(trust) - set(heard)
    assert set(heard) & set(trust) and len(fresh_trust) >= 20, "the fixture is mid-cycle"

    # Its last evening ended days before; it comes back on the next one.
    dialog = Dialog(load_handler(url), user=SCHEMA_2_USER, now="2026-11-01T01:00:00Z")
    welcome = dialog.say("open heart to heart").speech
    notices = [
        v for k in ("unavailable", "healed", "newer") for v in content.variants(f"store.{k}")
    ]
    assert not any(n in welcome for n in notices), welcome
    if "finish it?" in welcome:
        dialog.say("no")
    migrated = store.load(key).data
    assert migrated is not None and migrated["s"] == 3
    assert len(json.dumps(migrated)) <= 1024, "one DynamoDB write unit"

    # Still on trust (its saved theme), the questions of this cycle it hasn't heard, and no
    # other: every one of them before the cycle turns over.
    asked = [question_in(dialog.say("a question about trust").speech, content)]
    asked += [question_in(dialog.say("another one").speech, content) for _ in range(19)]
    assert len(set(asked)) == len(asked)
    assert set(asked) <= fresh_trust, set(asked) - fresh_trust
    dialog.say("stop")

    prompts = [
        prompt_in(dialog.say("ask heart to heart for a gratitude prompt").speech, content)
        for _ in range(30)
    ]
    assert len(set(prompts)) == len(prompts)
    assert not heard_prompts & set(prompts), heard_prompts & set(prompts)

    after = read_household(store.load(key).data, content, key)
    assert set(heard) <= set(after.heard) and heard_prompts <= set(after.gratitude.heard)
    assert after.cycle == SCHEMA_2["read"]["cycle"], "no cycle turned over"
