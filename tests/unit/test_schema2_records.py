"""A record of schema 2 (``tests/fixtures/household-main-bb973b0.json``, saved by main before
heard sets moved to ``draws.cell_rank``'s order) reads as the release that wrote it read it,
and its next save writes the same heard sets in schema 3.

The fixture holds what main read the record as (``read``), recorded by main itself: a
threshold read in the new order would name other questions and prompts.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from skill.runtime.catalog import LocaleContent
from skill.runtime.records import codec_for, record_schema
from skill.runtime.state import Household
from tests.conftest import FIXTURES

SAVED = json.loads((FIXTURES / "household-main-bb973b0.json").read_text())
#: The seed the fixture's household key gives (``draws.seed_for``), which its thresholds use.
SEED_OF_FIXTURE = "amzn1.ask.account.FROMMAINTWO"


@pytest.fixture(scope="module")
def seed() -> int:
    from skill.runtime.draws import seed_for
    from skill.runtime.turn import household_key
    from tests.support.dialog import TEST_KEY_SALT

    return seed_for(household_key(SEED_OF_FIXTURE, TEST_KEY_SALT))


def _read(household: Household) -> dict[str, Any]:
    return {
        "heard": household.heard,
        "cycle": household.cycle,
        "gratitude_heard": list(household.gratitude.heard),
        "gratitude_cycle": household.gratitude.cycle,
        "visits": household.visits,
        "game_records": [{"game": g.game, "heard": g.heard} for g in household.game_records],
        "game_used": list(household.game.used),
        "game": household.game.game,
    }


def test_a_schema_2_record_reads_as_main_read_it(content: LocaleContent, seed: int) -> None:
    assert record_schema(SAVED["data"]) == 2
    read = _read(codec_for(content).decode(SAVED["data"], seed))
    assert read == SAVED["read"]
    assert len(read["heard"]) == 18 and len(read["gratitude_heard"]) == 89


def test_its_next_save_is_schema_3_and_hears_the_same(content: LocaleContent, seed: int) -> None:
    codec = codec_for(content)
    before = codec.decode(SAVED["data"], seed)
    saved = codec.encode(before)
    assert saved["s"] == 3
    assert saved["h"] != SAVED["data"]["h"], "the thresholds are in the new order"
    after = codec.decode(saved, seed)
    assert set(after.heard) == set(before.heard)
    assert set(after.gratitude.heard) == set(before.gratitude.heard)
    assert _read(after)["game_records"] == SAVED["read"]["game_records"]
    # Saved again, it is the same record: the migration happens once.
    assert codec.encode(after) == saved
    assert len(json.dumps(saved)) < 1024, "still one DynamoDB write unit"
