"""Each language's phrasebook says the dialog suite's lines as its couples would, and each of
its lines is understood exactly as the English line is: the same kind of request, intent,
slot values and one-shot launch. So a dialog test that passes in German tests the same
conversation it tests in English, and nothing in a German test is English."""

from __future__ import annotations

import pytest

from skill.tools.nlu import Resolution
from tests.support.dialog import LOCALES, english, phrasebook, resolver

OTHER_LANGUAGES = tuple(loc for loc in LOCALES if not english(loc))


def heard(result: Resolution) -> tuple[str, str, dict[str, str | None], bool]:
    slots = {name: value.value_id for name, value in result.slots.items()}
    return result.kind, result.intent, slots, result.one_shot


@pytest.mark.parametrize("locale", OTHER_LANGUAGES)
def test_every_line_is_understood_as_its_english_line(locale: str) -> None:
    book = phrasebook(locale)
    assert len(book) >= 150, f"{locale}: only {len(book)} lines"
    native, us = resolver(locale), resolver("en-US")
    wrong = [
        f"{en!r} -> {said!r}: {heard(native.resolve(said))} != {heard(us.resolve(en))}"
        for en, said in book.items()
        if heard(native.resolve(said)) != heard(us.resolve(en))
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("locale", OTHER_LANGUAGES)
def test_no_line_is_left_in_english(locale: str) -> None:
    """Names, numbers and nonsense may stay as they are, and a word both languages share
    (Spanish "no"); a request of more than one word may not."""
    us = resolver("en-US")
    kept = [
        en
        for en, said in phrasebook(locale).items()
        if en == said
        and len(en.split()) > 1
        and us.resolve(en).intent not in ("", "AMAZON.FallbackIntent")
    ]
    assert not kept, kept
