"""A thousand nights of everything, and the size of the record after each one.

``measure`` runs in its own process (the skill at 100x content is slow to drive, so the three
deck sizes run side by side): a Lambda handler on a SQLite file, ``evenings.live_nights``,
and after each night the household's DynamoDB item size, computed with the DynamoDB adapter's
own item builder (key, version, data and TTL, exactly as ``save`` writes them), next to the
size the same household had in the full shape records had before (schema 1).
"""

from __future__ import annotations

import json
import math
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skill.runtime.catalog import Catalog
from skill.runtime.records import read_household
from skill.runtime.settings import Settings
from skill.runtime.state import to_dict
from skill.runtime.store.dynamodb import item_for, item_size
from skill.runtime.store.sqlite import SqliteStore
from skill.runtime.turn import household_key
from tests.support.decks import scaled_content
from tests.support.dialog import TEST_KEY_SALT, Dialog, load_handler
from tests.support.evenings import EVENING, ONCE_EACH, live_nights

USER = "amzn1.ask.account.THOUSANDNIGHTS"
#: The full-shape size is sampled every this many nights (it is slow to build at 100x).
LEGACY_EVERY = 100
#: The TTL attribute a save carries (retention on, as deployed): a ten-digit epoch.
TTL = 2_000_000_000


@dataclass
class Nights:
    """Item sizes night by night, and what the household ended with."""

    factor: int
    sizes: list[int] = field(default_factory=list)
    #: Every ``LEGACY_EVERY`` nights.
    legacy_sizes: list[int] = field(default_factory=list)
    writes: int = 0
    write_units: int = 0
    record: dict[str, Any] = field(default_factory=dict)
    heard: int = 0
    deck: int = 0


def measure(factor: int, nights: int) -> Nights:
    """Live ``nights`` evenings on a deck ``factor`` times today's (every activity, every
    night; with today's deck "another one" too)."""
    with tempfile.TemporaryDirectory(prefix="nights-") as tmp:
        env: dict[str, str] = {}
        content_dir = Path(tmp) / "content"
        if factor > 1:
            scaled_content(content_dir, factor)
            env["HEART_CONTENT_DIR"] = str(content_dir)
        else:
            content_dir = Path(Settings().content_dir)
        content = Catalog.load(content_dir).for_locale("en-US")
        path = Path(tmp) / "heart.db"
        key = household_key(USER, TEST_KEY_SALT)
        store = SqliteStore(path)
        out = Nights(factor, deck=len(content.questions))
        last_version = 0

        def after(night: int) -> None:
            nonlocal last_version
            loaded = store.load(key)
            assert loaded.data is not None
            out.sizes.append(item_size(item_for(key, loaded.data, loaded.version, TTL)))
            if night % LEGACY_EVERY == 0 or night == nights:
                legacy = to_dict(read_household(loaded.data, content, key))
                legacy.pop("seed", None)
                out.legacy_sizes.append(item_size(item_for(key, legacy, loaded.version, TTL)))
            out.writes += loaded.version - last_version
            out.write_units += (loaded.version - last_version) * math.ceil(out.sizes[-1] / 1024)
            last_version = loaded.version
            out.record = loaded.data

        dialog = Dialog(load_handler(f"sqlite:///{path}", **env), user=USER)
        live_nights(dialog, nights, after, EVENING if factor == 1 else ONCE_EACH)
        out.heard = len(read_household(out.record, content, key).heard)
        store.close()
    return out


def main() -> None:  # pragma: no cover - run by hand: python -m tests.support.nightly 100
    import sys

    result = measure(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 1000)
    print(json.dumps({"max": max(result.sizes), "final": result.sizes[-1]}))


if __name__ == "__main__":  # pragma: no cover
    main()
