"""The thirty-six through ``handler(event, context)``: the whole evening with the fast clock,
stopping mid-set and picking up the next night, and the three shorter evenings."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from skill.hosts.chat import ChatTurn
from skill.runtime.catalog import LocaleContent
from skill.runtime.flows import thirtysix
from tests.support.dialog import Dialog, Handler
from tests.support.rituals import NAMES, fits, household, named, said

OPENING = "let's do the thirty six questions"


def asked(turn: ChatTurn, content: LocaleContent) -> int:
    """Which of the thirty-six this reply asks (its position), checking who asks it: the
    partner named before the question asks and answers first, the other is named after."""
    found = [n for n, q in enumerate(thirtysix.questions(content)) if q.text in turn.speech]
    assert len(found) == 1, turn.speech
    position = found[0]
    before, after = turn.speech.split(thirtysix.questions(content)[position].text)
    asker, other = NAMES[position % 2], NAMES[1 - position % 2]
    assert asker in before and other not in before, turn.speech
    assert other in after.split("(silence")[0], turn.speech
    assert "(silence 1:30)" in after and "(chime)" in after
    assert turn.session_open
    return position


def apologies(content: LocaleContent) -> tuple[str, ...]:
    """Every wording of the skill's "I didn't catch that" answers."""
    return tuple(v for k, vs in content.phrases.items() if k.startswith("fallback.") for v in vs)


def run_set(dialog: Dialog, first: ChatTurn, content: LocaleContent) -> list[int]:
    """From a reply asking a set's first question, "next" through to its twelfth."""
    positions = [asked(fits(first), content)]
    for _ in range(thirtysix.SET_SIZE - 1):
        positions.append(asked(fits(dialog.say("next")), content))
    return positions


def test_the_whole_evening_start_to_finish(
    handler: Handler, content: LocaleContent, db_path: Path
) -> None:
    dialog = named(handler)
    started = dialog.clock.now
    offer = fits(dialog.say(OPENING))
    assert offer.session_open and said(offer.speech, content.variants("thirtysix.pace_offer"))
    positions = run_set(dialog, dialog.say("yes"), content)
    for following in (2, 3):
        check_in = fits(dialog.say("next"))
        assert said(check_in.speech, content.variants("thirtysix.go_on"), next=following)
        assert "(silence" in check_in.speech and check_in.session_open
        positions += run_set(dialog, dialog.say("yes"), content)
    assert positions == list(range(36))
    close = fits(dialog.say("next"))
    assert said(close.speech, content.variants("thirtysix.closing"))
    quiet, chimed = close.speech.split("(silence 1:00)")
    assert said(quiet, content.variants("thirtysix.closing")) and chimed.startswith(" (chime)")
    assert not close.session_open
    assert dialog.clock.now - started >= timedelta(seconds=36 * thirtysix.TALK_SECONDS + 60)
    assert "thirtysix" not in household(db_path).kept


def test_stopping_mid_set_keeps_the_place_for_the_next_night(
    handler: Handler, content: LocaleContent, db_path: Path
) -> None:
    dialog = named(handler)
    dialog.say(OPENING)
    dialog.say("yes")
    for _ in range(4):
        dialog.say("next")
    # Question five has been asked and talked over: the next one is the sixth.
    stopped = fits(dialog.say("let's stop here for today"))
    assert not stopped.session_open
    assert said(stopped.speech, content.variants("thirtysix.stopped"), set=1, question=6)
    stored = household(db_path)
    assert stored.kept["thirtysix"] == [5, thirtysix.ALL_TONIGHT]
    # The night counts as one together; the journal holds the set's id, nothing said.
    assert [(e.kind, e.item) for e in stored.journal] == [("thirtysix", "light")]
    assert stored.together.total == 1
    dialog.next_night()
    back = fits(dialog.say("open heart to heart"))
    assert said(back.speech, content.variants("thirtysix.resume_offer"), set=1, question=6)
    assert asked(fits(dialog.say("yes")), content) == 5
    assert asked(fits(dialog.say("next")), content) == 6
    assert household(db_path).kept["thirtysix"] == [7, thirtysix.ALL_TONIGHT]
    recap = fits(dialog.say("what did we do this week"))
    assert recap.session_open and household(db_path).together.total == 2


def test_stopping_between_sets_starts_the_next_set_another_night(
    handler: Handler, content: LocaleContent, db_path: Path
) -> None:
    dialog = named(handler)
    dialog.say(OPENING)
    run_set(dialog, dialog.say("yes"), content)
    dialog.say("next")
    rest = fits(dialog.say("no"))
    assert not rest.session_open
    assert household(db_path).kept["thirtysix"] == [12, thirtysix.ALL_TONIGHT]
    dialog.next_night()
    offer = fits(dialog.say("ask heart to heart for the thirty six questions"))
    assert said(offer.speech, content.variants("thirtysix.resume_offer"), set=2, question=1)
    assert asked(fits(dialog.say("carry on")), content) == 12


def test_three_shorter_evenings_one_set_a_night(
    handler: Handler, content: LocaleContent, db_path: Path
) -> None:
    dialog = named(handler)
    ready = fits(dialog.say("the thirty six questions one set a night"))
    assert ready.session_open and not said(ready.speech, content.variants("thirtysix.pace_offer"))
    first = dialog.say("yes")
    for night in range(3):
        assert run_set(dialog, first, content) == list(range(night * 12, night * 12 + 12))
        end = fits(dialog.say("next"))
        assert not end.session_open
        if night < 2:
            goodnight = content.variants("thirtysix.set_done_nightly")
            assert said(end.speech, goodnight, set=night + 1, next=night + 2)
            assert household(db_path).kept["thirtysix"] == [12 * (night + 1), thirtysix.NIGHTLY]
            dialog.next_night()
            fits(dialog.say(OPENING))
            first = dialog.say("yes")
    assert "(silence 1:00)" in end.speech
    assert said(end.speech, content.variants("thirtysix.closing"))
    assert "thirtysix" not in household(db_path).kept


def test_saying_no_to_all_three_tonight_means_one_set_a_night(
    handler: Handler, content: LocaleContent, db_path: Path
) -> None:
    dialog = named(handler)
    dialog.say(OPENING)
    assert asked(fits(dialog.say("no")), content) == 0
    assert household(db_path).kept["thirtysix"] == [1, thirtysix.NIGHTLY]


def test_talk_between_questions_is_never_answered_with_an_apology(
    handler: Handler, content: LocaleContent, db_path: Path
) -> None:
    dialog = named(handler)
    dialog.say(OPENING)
    dialog.say("yes")
    sorry = apologies(content)
    more = fits(dialog.say("honestly I think it was the walk by the river"))
    assert more.session_open and "(silence" in more.speech
    assert not said(more.speech, sorry)
    leave = fits(dialog.say("and you said the thing about the bridge"))
    assert not leave.session_open and not said(leave.speech, sorry)
    assert said(leave.speech, content.variants("thirtysix.leave"))
    assert household(db_path).kept["thirtysix"] == [1, thirtysix.ALL_TONIGHT]


def test_without_names_the_partners_are_partner_one_and_two(
    handler: Handler, content: LocaleContent
) -> None:
    dialog = Dialog(handler)
    dialog.say(OPENING)
    first = dialog.say("yes")
    question = thirtysix.questions(content)[0].text
    before, after = first.speech.split(question)
    one, two = (content.variants(f"partner.{n}")[0].casefold() for n in ("one", "two"))
    assert one in before.casefold() and two in after.casefold()


def test_no_to_carrying_on_at_launch_is_not_asked_again(
    handler: Handler, content: LocaleContent, db_path: Path
) -> None:
    dialog = named(handler)
    dialog.script(OPENING, "yes", "next", "stop")
    dialog.next_night()
    offer = dialog.say("open heart to heart")
    assert said(offer.speech, content.variants("thirtysix.resume_offer"), set=1, question=3)
    declined = fits(dialog.say("no"))
    assert declined.session_open and said(declined.speech, content.variants("offer.tonight"))
    dialog.next_night()
    launch = fits(dialog.say("open heart to heart"))
    assert not said(launch.speech, content.variants("thirtysix.resume_offer"), set=1, question=3)
    dialog.end()
    # Asked for, the kept place is still there.
    asked_for = fits(dialog.say("ask heart to heart for the thirty six questions"))
    assert said(asked_for.speech, content.variants("thirtysix.resume_offer"), set=1, question=3)
    assert asked(fits(dialog.say("yes")), content) == 2
    assert household(db_path).kept["thirtysix"] == [3, thirtysix.ALL_TONIGHT]
