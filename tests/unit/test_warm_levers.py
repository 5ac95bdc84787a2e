"""Speed levers that must change nothing: draws from pools built once per content pick what
listing the fresh items picked; a record's size and the session attributes are handled once.

``draws.FreshView`` and ``draws.first_fresh`` replace listing a deck's unheard items on every
draw (a deck a hundred times today's made a gratitude prompt cost 12 ms). The household hears
what it heard before only if they choose the same item from the same random numbers as the
listed draw (``draws.next_fresh`` over ``[i for i in pool if i not in heard]``), which these
tests check on random decks, heard sets and seeds, and on the real content's flows.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterable
from datetime import date
from random import Random
from typing import Any

import pytest

from skill.runtime import copying, draws
from skill.runtime.catalog import LocaleContent
from skill.runtime.flows import gratitude, tonight
from skill.runtime.state import GratitudeProgress, Household, QuestionPrefs
from tests.support.dialog import ROOT


@dataclasses.dataclass(frozen=True)
class Item:
    id: str
    cell: int


def _ident(item: Item) -> str:
    return item.id


def _cell(item: Item) -> int:
    return item.cell


def _order(items: Iterable[Item], seed: int) -> dict[int, list[str]]:
    """Each cell's ids in the household's order (what ``Cells.ordered`` gives)."""
    cells: dict[int, list[tuple[int, str]]] = {}
    for item in items:
        cells.setdefault(item.cell, []).append((draws.cell_rank(seed, item.id), item.id))
    return {cell: [i for _, i in sorted(keys)] for cell, keys in cells.items()}


@pytest.mark.parametrize("case", range(60))
def test_a_view_is_the_listed_fresh_items(case: int) -> None:
    chance = Random(case)
    items = [Item(f"item-{n:03d}", chance.randrange(4)) for n in range(chance.randrange(1, 80))]
    pool = draws.Pool.of(items, _ident)
    heard = chance.sample([i.id for i in items], chance.randrange(len(items) + 1))
    heard += ["not-in-the-pool", *heard[:3]]  # unknown ids and repeats count for nothing
    listed = [i for i in items if i.id not in set(heard)]
    view = draws.FreshView(pool, heard)
    assert len(view) == len(listed)
    assert [view[n] for n in range(len(view))] == listed
    assert list(view) == listed and list(view[1:-1]) == listed[1:-1]
    if listed:
        assert view[-1] == listed[-1]
    with pytest.raises(IndexError):
        view[len(listed)]


@pytest.mark.parametrize("case", range(60))
def test_one_pass_of_look_ups_keeps_what_the_filter_kept_and_views_the_same(case: int) -> None:
    """``heard_positions`` serves the view and the filter from one pass over the pool's
    positions: the ids kept are the filter's (in the pool, or outside it and kept), in
    order, and the view built from the positions is the view built from the ids."""
    chance = Random(500 + case)
    items = [Item(f"item-{n:03d}", chance.randrange(3)) for n in range(chance.randrange(1, 60))]
    pool = draws.Pool.of(items[: chance.randrange(len(items) + 1)], _ident)
    heard = chance.sample([i.id for i in items], chance.randrange(len(items) + 1))
    if chance.random() < 0.5:
        heard += ["gone-01", *heard[:2]]
    known = {i.id for i in items}
    positions, kept = draws.heard_positions(pool, heard, known.__contains__)
    assert kept == [i for i in heard if i in pool.position or i in known]
    assert positions == [pool.position.get(i) for i in heard]
    by_positions, by_ids = draws.FreshView(pool, kept, positions), draws.FreshView(pool, heard)
    assert list(by_positions) == list(by_ids) and len(by_positions) == len(by_ids)
    _, in_pool_only = draws.heard_positions(pool, heard, lambda _: False)
    assert in_pool_only == [i for i in heard if i in pool.position]


@pytest.mark.parametrize("case", range(200))
def test_first_fresh_draws_what_next_fresh_drew(case: int) -> None:
    chance = Random(1000 + case)
    seed = chance.getrandbits(32)
    items = [Item(f"q-{n:03d}", chance.randrange(5)) for n in range(chance.randrange(1, 120))]
    heard = chance.sample([i.id for i in items], chance.randrange(len(items)))
    listed = [i for i in items if i.id not in set(heard)]
    orders = _order(items, seed)
    rng_listed, rng_view = Random(case), Random(case)
    expected = draws.next_fresh(listed, seed, rng_listed, _cell, _ident)
    view = draws.FreshView(draws.Pool.of(items, _ident), heard)
    found = draws.first_fresh(view, set(heard), rng_view, _cell, orders.__getitem__)
    assert found == expected
    # The same random numbers were used, so whatever the turn draws next is the same too.
    assert rng_view.random() == rng_listed.random()


@pytest.fixture(scope="module")
def content() -> LocaleContent:
    from skill.runtime.catalog import Catalog

    catalog = Catalog.load(ROOT / "content")
    return catalog.for_locale(catalog.default)


def _listed_tonight(
    household: Household, content: LocaleContent, rng: Random, avoid: str, night: str
) -> tuple[Household, str, bool]:
    """Tonight's draw as it was, listing the deck on every draw: the reference."""
    pool = tonight.candidates(household, content, night)
    heard = [qid for qid in household.heard if content.question(qid) is not None]
    fresh = [q for q in pool if q.id not in set(heard)]
    cycle, new_cycle = household.cycle, False
    if not fresh:
        heard = [qid for qid in heard if qid not in {q.id for q in pool}]
        fresh = [q for q in pool if q.id != avoid] or pool
        cycle, new_cycle = cycle + 1, True
    question = draws.next_fresh(
        fresh, household.seed, rng, lambda q: (q.depth, q.theme), lambda q: q.id
    )
    updated = copying.replace(household, heard=[*heard, question.id], cycle=cycle)
    return updated, question.id, new_cycle


@pytest.mark.parametrize("prefs", [QuestionPrefs(), QuestionPrefs(depth=3), QuestionPrefs(depth=1)])
def test_tonights_draws_are_the_listed_draws_through_a_whole_cycle(
    content: LocaleContent, prefs: QuestionPrefs
) -> None:
    themes = sorted({q.theme for q in content.questions})
    household = Household(seed=random.Random(7).getrandbits(32), prefs=prefs)
    reference = household
    new_cycles = 0
    last = ""
    for night in range(1, 1 + len(tonight.candidates(household, content)) + 3):
        day = date(2026, 1, 1).toordinal() + night
        stamp = date.fromordinal(day).isoformat()
        if night % 50 == 0:  # a themed stretch now and then
            theme = themes[night % len(themes)]
            household = copying.replace(household, prefs=QuestionPrefs(theme=theme))
            reference = copying.replace(reference, prefs=QuestionPrefs(theme=theme))
        household, question, new_cycle = tonight.draw(
            household, content, Random(night), avoid=last, night=stamp
        )
        reference, expected, expected_cycle = _listed_tonight(
            reference, content, Random(night), last, stamp
        )
        last = question.id
        assert (question.id, new_cycle) == (expected, expected_cycle), night
        assert household == reference
        new_cycles += new_cycle
    assert new_cycles >= 1


def _listed_gratitude(
    progress: GratitudeProgress, content: LocaleContent, rng: Random, swap_only: bool, seed: int
) -> tuple[GratitudeProgress, str, bool]:
    """The gratitude draw as it was, listing the prompts on every draw: the reference."""
    every = gratitude.prompts(content)
    heard = [pid for pid in progress.heard if pid in {p.id for p in every}]
    fresh = [p for p in every if p.id not in set(heard)]
    cycle = progress.cycle
    new_cycle = not fresh
    if new_cycle:
        heard, cycle = [], cycle + 1
        fresh = [p for p in every if p.id != progress.prompt] or list(every)
    pool = [p for p in fresh if p.swap] if swap_only else fresh
    prompt = draws.next_fresh(pool or fresh, seed, rng, lambda p: p.swap, lambda p: p.id)
    updated = copying.replace(progress, heard=[*heard, prompt.id], cycle=cycle)
    return updated, prompt.id, new_cycle


def test_gratitude_draws_are_the_listed_draws_through_two_cycles(content: LocaleContent) -> None:
    seed = random.Random(11).getrandbits(32)
    progress = reference = GratitudeProgress()
    cycles = 0
    for turn in range(2 * len(gratitude.prompts(content)) + 5):
        swap_only = turn % 3 == 0
        progress, prompt, new_cycle = gratitude.draw(
            progress, content, Random(turn), swap_only=swap_only, seed=seed
        )
        progress = copying.replace(progress, prompt=prompt.id)
        reference, expected, expected_cycle = _listed_gratitude(
            reference, content, Random(turn), swap_only, seed
        )
        reference = copying.replace(reference, prompt=expected)
        assert (prompt.id, new_cycle) == (expected, expected_cycle), turn
        assert progress == reference
        cycles += new_cycle
    assert cycles >= 1


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"v": 2},
        {"h": "q1b+AbC", "n": [1, 2, 3], "j": {"a": "é and “quotes”"}, "x": None},
        {"~": "AAAAAA", "v": 2},
    ],
)
def test_a_sealed_records_size_is_counted_without_encoding_it_again(
    body: dict[str, object],
) -> None:
    from skill.runtime.records import tokens
    from skill.runtime.turn import record_bytes, sealed_bytes

    key = "k" * 32
    for ring in ([], [tokens.new_token()], [tokens.new_token() for _ in range(tokens.WRITERS)]):
        record = tokens.sealed(body, ring[:-1], ring[-1] if ring else tokens.new_token())
        assert sealed_bytes(key, record_bytes(key, body), body, record) == record_bytes(key, record)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"v": 2},
        {"h": "q1b+AbC", "n": [1, 2, 3], "j": {"a": "é and “quotes”"}, "x": None},
        {"~": "AAAAAA", "v": 2},
    ],
)
def test_a_sealed_records_text_is_what_encoding_it_would_write(body: dict[str, object]) -> None:
    """The save writes the body's text with the ring appended: byte for byte the record's
    own encoding, or nothing (encode it) for a body that already has a ring member."""
    import json

    from skill.runtime.records import tokens
    from skill.runtime.turn import sealed_text

    body_text = json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for ring in ([], [tokens.new_token()], [tokens.new_token() for _ in range(tokens.WRITERS)]):
        record = tokens.sealed(body, ring[:-1], ring[-1] if ring else tokens.new_token())
        text = sealed_text(body, body_text, record)
        if tokens.RING_KEY in body:
            assert text is None
            continue
        expected = json.dumps(record, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        assert text == expected


def test_a_store_writes_a_noted_text_only_for_that_very_record(tmp_path: Any) -> None:
    """An adapter uses the runner's text for the record it was noted for, and encodes any
    other record itself (as a copy equal to it, or a later one)."""
    from skill.runtime.store.port import NEW, known_text, note_text
    from skill.runtime.store.sqlite import SqliteStore

    record = {"v": 1}
    note_text(record, '{"v":1}')
    assert known_text(record) == '{"v":1}'
    assert known_text(dict(record)) is None
    store = SqliteStore(str(tmp_path / "s.db"))
    note_text(record, '{"v":1,"noted":true}')  # a text that is not the record's: to see it used
    store.save("a", record, NEW)
    assert store.load("a").data == {"v": 1, "noted": True}
    store.save("b", dict(record), NEW)
    assert store.load("b").data == {"v": 1}


def test_the_sdk_shares_the_session_attributes_it_would_deep_copy() -> None:
    """The SDK's attributes manager keeps the very mapping (no per-turn deep copy), and the
    response a turn that leaves the session alone sends is what came in."""
    import copy

    from skill.runtime.handlers.envelope import SharedAttributes, read_envelope, sdk_envelope

    event = {"session": {"new": False, "attributes": {"place": {"activity": "games", "n": [1]}}}}
    sdk = sdk_envelope(read_envelope(event))
    attributes = sdk.session.attributes
    assert isinstance(attributes, SharedAttributes)
    assert copy.deepcopy(attributes) is attributes
    assert attributes == event["session"]["attributes"]
    assert attributes is not event["session"]["attributes"]


def _listed_game_draw(
    household: Household, game: Any, progress: Any, last_heard: list[str]
) -> tuple[str, list[str]]:
    """A game's draw as it was, sorting the bank's fresh questions on every draw."""
    used = set(progress.used)
    pool = [q for q in game.questions if q.id not in used]
    if not pool:
        pool = [q for q in game.questions if q.id != progress.question] or list(game.questions)
        used_after: list[str] = []
    else:
        used_after = list(progress.used)
    heard = set(last_heard)
    fresh = [q for q in pool if q.id not in heard]
    last = last_heard[-1] if last_heard else ""
    choice = draws.next_after(fresh or pool, household.seed, last, lambda q: q.id)
    return choice.id, [*used_after, choice.id]


def test_game_draws_walk_to_what_sorting_the_bank_picked(content: LocaleContent) -> None:
    from skill.runtime.flows.games import stored
    from skill.runtime.state import GameProgress, GameRecord

    games = content.section("games")
    chance = Random(5)
    for case in range(300):
        game = games[case % len(games)]
        ids = [q.id for q in game.questions]
        household = Household(seed=chance.getrandbits(32))
        used = chance.sample(ids, chance.choice([0, 1, 3, len(ids) // 2, len(ids)]))
        heard = chance.sample(ids, chance.randrange(len(ids) + 1))
        record = GameRecord(game=game.id, heard=heard)
        household = copying.replace(household, game_records=[record])
        progress = GameProgress(game=game.id, question=chance.choice(ids), used=used)
        expected, expected_used = _listed_game_draw(household, game, progress, heard)
        _, drawn = stored.draw(household, game, progress, Random(case))
        assert drawn.question == expected, case
        assert drawn.used == expected_used, case


def test_a_games_question_is_looked_up_as_the_bank_would_be_scanned() -> None:
    """``Game.question`` by a remembered index finds what a scan of the bank found: the first
    question with the id, None for an id the bank doesn't have, for each game on its own."""
    from skill.runtime.catalog import Game, GameQuestion

    def bank(prefix: str) -> tuple[GameQuestion, ...]:
        return (
            GameQuestion(id=f"{prefix}-1", text="one"),
            GameQuestion(id=f"{prefix}-2", text="two"),
            GameQuestion(id=f"{prefix}-1", text="the same id again"),
        )

    games = [
        Game(id=p, kind="guess", title=p, rules="", answer_seconds=5, questions=bank(p))
        for p in ("a", "b")
    ]
    for game in games:
        other = "b-2" if game.id == "a" else "a-2"
        for wanted in [f"{game.id}-1", f"{game.id}-2", "missing", other]:
            scanned = next((q for q in game.questions if q.id == wanted), None)
            assert game.question(wanted) is scanned
