"""A compact household: one write unit (1 KB) after 1,000 nights of every activity every
night, with today's deck and with decks ten and a hundred times larger, and not growing.

Before, the item grew with the deck: 7.9-9.5 KB after 1,000 nights (lists of every heard
id, a journal, a history repeating it, long key names), 40 KB with ten times the content.
"""

from __future__ import annotations

import concurrent.futures
import json
import multiprocessing
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from skill.runtime.store.dynamodb import PK_ATTR, DynamoDbStore, item_size
from skill.runtime.store.port import NEW
from skill.runtime.turn import household_key
from tests.support.dialog import TEST_KEY_SALT, Dialog, load_handler
from tests.support.dynalite import TEST_REGION
from tests.support.evenings import live_nights
from tests.support.nightly import USER, Nights, measure

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

pytestmark = pytest.mark.integration

NIGHTS = 1000
FACTORS = (1, 10, 100)
WRITE_UNIT = 1024


@pytest.fixture(scope="module")
def thousand_nights() -> Iterator[dict[int, Nights]]:
    """The three deck sizes, lived side by side in two processes (the largest deck alone in
    one, as long as the other two together)."""
    ctx = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=ctx) as pool:
        futures = {f: pool.submit(measure, f, NIGHTS) for f in sorted(FACTORS, reverse=True)}
        results = {f: future.result(timeout=600) for f, future in futures.items()}
    for factor, nights in results.items():
        print(
            f"{factor}x deck ({nights.deck} questions): max {max(nights.sizes)} B, final "
            f"{nights.sizes[-1]} B, full shape {nights.legacy_sizes[-1]} B, "
            f"{nights.write_units / nights.writes:.2f} write units per write"
        )
    yield results


@pytest.mark.parametrize("factor", FACTORS)
def test_one_write_unit_after_a_thousand_nights(
    factor: int, thousand_nights: dict[int, Nights]
) -> None:
    nights = thousand_nights[factor]
    assert len(nights.sizes) == NIGHTS
    assert max(nights.sizes) <= WRITE_UNIT, f"{max(nights.sizes)} B on a {factor}x deck"
    assert nights.write_units == nights.writes, "every write is one write unit"
    assert nights.record["n"] >= NIGHTS, "every launch was saved"
    assert nights.heard > 0, "and it remembers what it heard"


def test_the_item_stops_growing_with_the_deck_and_with_the_nights(
    thousand_nights: dict[int, Nights],
) -> None:
    # Ten times the deck to a hundred times: a few more digits in some thresholds, nothing
    # more (today's deck runs through whole cells, so it holds fewer of them at a time).
    tenfold, hundredfold = thousand_nights[10], thousand_nights[100]
    assert max(hundredfold.sizes) - max(tenfold.sizes) < 64, "ten times the deck again"
    for factor, nights in thousand_nights.items():
        first, second = nights.sizes[:500], nights.sizes[500:]
        assert max(second) <= max(first) + 48, f"{factor}x: still growing after 500 nights"
    # The same households in the full shape records had before: what the compact form saves.
    assert thousand_nights[10].legacy_sizes[-1] > 8 * max(thousand_nights[10].sizes)


def test_the_compact_item_as_dynamodb_stores_it(
    thousand_nights: dict[int, Nights],
    dynalite_endpoint: str,
    dynamodb_table: str,
    dynamodb_client: DynamoDBClient,
) -> None:
    """The 1,000-night household moved to a real DynamoDB table lives on there: the item
    DynamoDB holds after more nights is still one write unit."""
    key = household_key(USER, TEST_KEY_SALT)
    store = DynamoDbStore(dynamodb_table, region=TEST_REGION, endpoint_url=dynalite_endpoint)
    store.save(key, thousand_nights[1].record, NEW)
    url = f"dynamodb://{dynamodb_table}?region={TEST_REGION}&endpoint={dynalite_endpoint}"
    dialog = Dialog(load_handler(url), user=USER, now="2029-06-01T20:00:00Z")
    live_nights(dialog, 5)
    item = dynamodb_client.get_item(
        TableName=dynamodb_table, Key={PK_ATTR: {"S": key}}, ConsistentRead=True
    )["Item"]
    assert item_size(item) <= WRITE_UNIT  # type: ignore[arg-type]
    assert json.loads(item["d"]["S"])["n"] == thousand_nights[1].record["n"] + 6
