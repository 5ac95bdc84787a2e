"""The journeys' content and the kept position: the four journeys the skill promises, one
question and one practice a night, stable ids, and a stored position that can't go wrong."""

from __future__ import annotations

import re

from skill.runtime.catalog import LocaleContent
from skill.runtime.flows import journeys
from skill.runtime.state import Household

#: The journeys issue 17 asks for, by id, with their length in nights.
PROMISED = {"know_again": 7, "appreciation": 7, "hard_season": 5, "closer": 21}


def test_the_four_journeys_are_there_with_their_nights(content: LocaleContent) -> None:
    found = {j.id: len(j.steps) for j in journeys.journeys(content)}
    assert found == PROMISED


def test_every_night_is_a_short_question_then_a_short_practice(content: LocaleContent) -> None:
    for j in journeys.journeys(content):
        for n, step in enumerate(j.steps, 1):
            assert step.id == f"{j.id}-{n:02d}", "ids are stable: journey and night"
            assert step.question.endswith("?") and len(step.question.split()) <= 20, step.id
            assert not step.practice.endswith("?"), step.id
            assert len(step.practice.split()) <= 30, step.id
            assert not re.search(r"\d", step.question + step.practice), step.id


def test_step_titles_are_distinct_within_a_journey(content: LocaleContent) -> None:
    for j in journeys.journeys(content):
        titles = [s.title for s in j.steps]
        assert len(set(titles)) == len(titles), j.id


def test_a_kept_position_is_four_ids_and_positions_and_anything_else_is_a_fresh_start(
    content: LocaleContent,
) -> None:
    where = journeys.Position("closer", 3, "2026-12-01", "")
    household = journeys.keep(Household(kept={"other": [1]}), where)
    assert household.kept == {"other": [1], "journeys": ["closer", 3, "2026-12-01", ""]}
    assert journeys.position(household) == where
    assert journeys.keep(household, None).kept == {"other": [1]}
    for bad in ([], ["closer"], ["closer", "3", "", ""], [3, 3, "", ""], ["closer", 3, 1, ""]):
        assert journeys.position(Household(kept={"journeys": bad})) is None, bad
    unknown = Household(kept={"journeys": ["no_such_journey", 1, "", ""]})
    assert journeys.current(unknown, content) is None
    beyond = Household(kept={"journeys": ["closer", 99, "", ""]})
    found = journeys.current(beyond, content)
    assert found is not None and found[1].done == 21
    assert journeys.active(beyond, content) is None
