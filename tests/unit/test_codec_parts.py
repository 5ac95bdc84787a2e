"""A household read or encoded part by part answers as one read or encoded whole.

``HouseholdCodec`` reads again only the stored keys that differ from the record it last read
for a seed, and encodes again only the fields that differ from the household it last encoded
(``codec._READ_PARTS``, ``codec._WRITE_PARTS``). The oracle is the same codec after
``forget_households``, which reads and encodes every part, over runs of households that
change a few fields at a time, nights (which every relative night depends on) included."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill.runtime.catalog import LocaleContent
from skill.runtime.records import codec_for, index_for
from skill.runtime.records.codec import forget_households
from skill.runtime.state import (
    GameProgress,
    GameRecord,
    GratitudeProgress,
    Household,
    JournalEntry,
    ListeningProgress,
    NightEntry,
    NightlyReminder,
    QuestionPrefs,
    Together,
    Tonight,
)

NIGHTS = ["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-05", "2026-11-09", ""]
SEED = 1234


def _choices(content: LocaleContent) -> dict[str, st.SearchStrategy[Any]]:
    """What each field may become, from the content's own ids."""
    questions = [q.id for q in content.questions][:60]
    prompts = [p.id for p in content.section("gratitude")][:30]
    exercises = [e.id for e in content.section("exercises")]
    banks = index_for(content).banks
    games = sorted(banks)
    nights = st.sampled_from(NIGHTS)
    entry = st.builds(
        JournalEntry,
        nights,
        st.sampled_from(["question", "gratitude", "listening"]),
        st.sampled_from(questions + prompts + exercises),
    )
    game = st.sampled_from(games).flatmap(
        lambda g: st.builds(
            GameProgress,
            game=st.just(g),
            step=st.integers(0, 5),
            question=st.sampled_from(banks[g]),
            used=st.lists(st.sampled_from(banks[g]), max_size=3, unique=True),
        )
    )
    record = st.sampled_from(games).flatmap(
        lambda g: st.builds(
            GameRecord,
            game=st.just(g),
            played=st.integers(0, 9),
            heard=st.lists(st.sampled_from(banks[g]), max_size=4, unique=True),
        )
    )
    return {
        "visits": st.integers(0, 500),
        "first_night": nights,
        "last_night": nights,
        "cycle": st.integers(1, 4),
        "heard": st.integers(0, len(questions)).map(lambda n: questions[:n])
        | st.lists(st.sampled_from(questions), max_size=5, unique=True),
        "tonight": st.builds(Tonight, nights, st.sampled_from(questions)),
        "history": st.lists(st.builds(NightEntry, nights, st.sampled_from(questions)), max_size=3),
        "favourites": st.lists(st.sampled_from(questions), max_size=3),
        "prefs": st.builds(
            QuestionPrefs,
            depth=st.none() | st.integers(1, 3),
            talk=st.sampled_from(["", "hold", "close"]),
            deeper_night=nights,
        ),
        "names": st.lists(st.sampled_from(["Sam", "Alex", "Kit"]), max_size=2),
        "listening": st.builds(
            ListeningProgress,
            exercise=st.sampled_from(exercises),
            step=st.integers(0, 4),
            started=st.integers(0, 10**9),
        ),
        "exercises_done": st.lists(st.sampled_from(exercises), max_size=3),
        "game": game,
        "game_records": st.lists(record, max_size=2),
        "journal": st.lists(entry, max_size=8),
        "together": st.builds(Together, nights, st.integers(0, 9), st.integers(0, 99)),
        "gratitude": st.builds(
            GratitudeProgress,
            cycle=st.integers(1, 3),
            heard=st.lists(st.sampled_from(prompts), max_size=6, unique=True),
            night=nights,
            prompt=st.sampled_from(prompts),
        ),
        "reminder": st.builds(NightlyReminder, st.sampled_from(["", "tok"]), st.just("21:00")),
        "names_offered": st.booleans(),
        "voice_names": st.dictionaries(st.sampled_from(["v1", "v2"]), st.integers(0, 1)),
        "kept": st.dictionaries(st.sampled_from(["checkin"]), st.lists(st.integers(0, 9))),
    }


@pytest.fixture(scope="module")
def turns(catalog: Any) -> st.SearchStrategy[list[Household]]:
    """Households one after another, each a few fields away from the one before."""
    content = catalog.for_locale("en-US")
    choices = _choices(content)
    change = st.dictionaries(st.sampled_from(sorted(choices)), st.none(), min_size=1, max_size=3)

    @st.composite
    def run(draw: st.DrawFn) -> list[Household]:
        household = Household(seed=SEED)
        households = [household]
        for _ in range(draw(st.integers(2, 6))):
            fields = {name: draw(choices[name]) for name in draw(change)}
            household = Household(**{**_fields(household), **fields})
            households.append(household)
        return households

    return run()


def _fields(household: Household) -> dict[str, Any]:
    return {name: getattr(household, name) for name in household.__struct_fields__}


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_reading_and_encoding_by_parts_answers_as_whole(
    content: LocaleContent, turns: st.SearchStrategy[list[Household]], data: st.DataObject
) -> None:
    codec = codec_for(content)
    households = data.draw(turns)
    forget_households()
    for household in households:
        stored, text = codec.encode_text(household)
        read = codec.decode(stored, SEED)
        forget_households()
        whole_stored, whole_text = codec.encode_text(household)
        assert (stored, text) == (whole_stored, whole_text)
        assert read == codec.decode(whole_stored, SEED)
        # Warm again for the next household, as a process serving this one would be.
        codec.encode_text(household)
        codec.decode(stored, SEED)


def test_a_changed_key_is_checked_and_a_bad_one_loses_nothing(content: LocaleContent) -> None:
    codec = codec_for(content)
    forget_households()
    good = codec.encode(Household(visits=3, names=["Sam"], last_night="2026-11-02", seed=SEED))
    first = codec.decode(good, SEED)
    with pytest.raises(ValueError, match="household record"):
        codec.decode({**good, "n": "three"}, SEED)
    with pytest.raises(ValueError, match="household record"):
        codec.decode({**good, "m": [1]}, SEED)
    assert codec.decode(good, SEED) == first
    assert codec.decode({**good, "n": 4}, SEED).visits == 4


def test_a_key_left_out_reads_as_its_default(content: LocaleContent) -> None:
    codec = codec_for(content)
    forget_households()
    named = codec.encode(Household(visits=3, names=["Sam", "Alex"], seed=SEED))
    assert codec.decode(named, SEED).names == ["Sam", "Alex"]
    unnamed = {k: v for k, v in named.items() if k != "m"}
    assert codec.decode(unnamed, SEED).names == []
    assert codec.decode(unnamed, SEED).visits == 3


def test_a_night_later_moves_every_relative_night(content: LocaleContent) -> None:
    """The journal, the nights together and gratitude's night are stored as days before the
    last night: a record whose last night moved reads them anew, though their keys may
    not change."""
    codec = codec_for(content)
    forget_households()
    prompt = content.section("gratitude")[0].id
    before = Household(
        last_night="2026-11-02",
        together=Together("2026-11-02", 2, 5),
        gratitude=GratitudeProgress(night="2026-11-02", prompt=prompt),
        seed=SEED,
    )
    codec.decode(codec.encode(before), SEED)
    stored = codec.encode(before)
    moved = {**stored, "l": stored["l"] + 1}
    after = codec.decode(moved, SEED)
    assert after.last_night == "2026-11-03"
    assert after.together.last_night == "2026-11-03"
    assert after.gratitude.night == "2026-11-03"
