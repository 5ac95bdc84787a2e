"""Whole games through ``handler(event, context)`` on a real SQLite file, as a couple plays.

Scores are checked against the referee in ``tests.support.games``, which applies the rules to
the lines the test says; the skill's own numbers are never the expectation.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from skill.hosts.chat import ChatTurn
from skill.runtime.catalog import LocaleContent
from tests.support.content import catalog as default_catalog
from tests.support.dialog import Dialog, in_locale
from tests.support.games import (
    Expected,
    game,
    household_of,
    plays_in,
    says,
    says_score,
    sharing_now,
    skip_shares,
    start_game,
)

NAMES = ("Sam", "Alex")
#: Answers that walk every path: right, wrong, close, pass, skip, and answers it can't place.
MIXED = [
    "yes",
    "almost",
    "no",
    "skip",
    "right",
    "i pass",
    "maybe",
    "yes",
    "wrong",
    "another one",
    "close",
    "banana helicopter symphony",
    "maybe",
    "we matched",
    "no idea",
    "i'm sam",
    "we didn't",
]


def begin(dialog: Dialog) -> None:
    assert dialog.say("open heart to heart").session_open
    assert dialog.say("call us sam and alex").session_open


def play_through(
    dialog: Dialog,
    db_path: Path,
    content: LocaleContent,
    kind: str,
    rounds: int,
    expected: Expected,
    answers: list[str],
) -> str:
    """Answer from ``answers`` (cycling) until the referee says the game is over; check the
    skill agrees at every turn. Returns the last thing said (the final summary)."""
    total = plays_in(kind, rounds)
    cycle = itertools.cycle(answers)
    last = ""
    turns = 0
    while expected.step < total:
        if sharing_now(household_of(db_path), content):
            line = "next"
            expected.shared()
        else:
            line = next(cycle)
            expected.hear(line)
        turn = dialog.say(line)
        turns += 1
        assert turn.session_open, (line, turn.speech)
        progress = household_of(db_path).game
        assert (progress.step, progress.scores, progress.together) == (
            expected.step,
            expected.scores,
            expected.together,
        ), (line, turn.speech)
        last = turn.speech
        if turns % 7 == 3 and expected.step < total:
            score = dialog.say("what's the score")
            assert says_score(score.speech, content, kind, expected, NAMES, final=False)
        assert turns < 200
    return last


def check_final(
    summary: str,
    db_path: Path,
    content: LocaleContent,
    game_id: str,
    rounds: int,
    expected: Expected,
) -> None:
    kind = game(content, game_id).kind
    assert says(summary, content, "game.over")
    assert says_score(summary, content, kind, expected, NAMES, final=True), summary
    household = household_of(db_path)
    assert household.game.done
    record = next(r for r in household.game_records if r.game == game_id)
    assert record.played == 1
    assert (record.best_long if rounds == 10 else record.best_short) == expected.together
    assert says(summary, content, "game.again")


GAMES = [
    ("know_me", "", 5),
    ("know_me", "long", 10),
    ("would_you_rather", "", 5),
    ("would_you_rather", "long", 10),
    ("finish_sentence", "", 5),
    ("truths_dream", "", 5),
]


def resume_offered(
    turn: ChatTurn, content: LocaleContent, game_id: str, round_: int, rounds: int
) -> bool:
    """Whether ``turn`` offers to pick the game back up at ``round_`` of ``rounds``, in the
    locale's words and with the game's title in its language."""
    title = game(content, game_id).title
    return says(turn.speech, content, "game.resume.offer", title=title, round=round_, rounds=rounds)


def english_title(game_id: str) -> str:
    """A game's en-US title: the suite's lines are English, said through the phrasebook."""
    return game(default_catalog().for_locale("en-US"), game_id).title


@pytest.mark.parametrize(("game_id", "length", "rounds"), GAMES)
def test_a_whole_game_from_the_menu(
    dialog: Dialog,
    db_path: Path,
    content: LocaleContent,
    game_id: str,
    length: str,
    rounds: int,
) -> None:
    begin(dialog)
    menu = dialog.say("let's play a game")
    the_game = game(content, game_id)
    assert all(g.title in menu.speech for g in content.section("games"))
    english = english_title(game_id)
    ask = f"a {length} game of {english}" if length else english
    rules = dialog.say(ask)
    assert rules.session_open and the_game.rules in rules.speech
    assert says(rules.speech, content, "game.ready"), "the rules have a turn of their own"
    start = dialog.say("ready")
    assert says(start.speech, content, f"game.length.{length or 'short'}", rounds=rounds)
    expected = Expected(the_game.kind)
    summary = play_through(dialog, db_path, content, the_game.kind, rounds, expected, MIXED)
    check_final(summary, db_path, content, game_id, rounds, expected)


@pytest.mark.parametrize(
    ("game_id", "answers"),
    [
        ("know_me", ["yes"]),
        ("know_me", ["no"]),
        ("know_me", ["close", "pass"]),
        ("would_you_rather", ["no", "yes", "no"]),
        ("finish_sentence", ["yes", "yes", "no"]),
        ("truths_dream", ["no", "no", "yes"]),
        ("truths_dream", ["maybe"]),
    ],
)
def test_scores_add_up_whatever_the_answers(
    dialog: Dialog, db_path: Path, content: LocaleContent, game_id: str, answers: list[str]
) -> None:
    begin(dialog)
    the_game = game(content, game_id)
    start_game(dialog, f"play {english_title(game_id)}")
    expected = Expected(the_game.kind)
    summary = play_through(dialog, db_path, content, the_game.kind, 5, expected, answers)
    check_final(summary, db_path, content, game_id, 5, expected)


def test_a_one_shot_starts_the_game_and_keeps_the_session_open(
    dialog: Dialog, db_path: Path, content: LocaleContent
) -> None:
    rules = dialog.say("ask heart to heart to play would you rather")
    assert rules.session_open and rules.reprompt
    assert game(content, "would_you_rather").rules in rules.speech
    turn = dialog.say("ready")
    assert turn.session_open and turn.reprompt
    progress = household_of(db_path).game
    assert (progress.game, progress.rounds, progress.step) == ("would_you_rather", 5, 0)
    assert dialog.say("yes").session_open
    assert household_of(db_path).game.together == 1


def test_partner_labels_without_names(
    dialog: Dialog, db_path: Path, content: LocaleContent
) -> None:
    turn = start_game(dialog, "ask heart to heart to play how well do you know me")
    one, two = content.variants("partner.one")[0], content.variants("partner.two")[0]
    assert says(turn.speech, content, "game.guess.verdict", partner=two, guesser=one)
    turn = dialog.say("yes")
    assert says(turn.speech, content, "game.guess.yes", guesser=one)
    assert says(turn.speech, content, "game.guess.verdict", partner=one, guesser=two)


def resume_script(dialog: Dialog, db_path: Path, content: LocaleContent, interrupt: str) -> None:
    """Play three plays of a long know-me game, interrupt, relaunch, finish: the scores and
    the round carry over."""
    begin(dialog)
    start_game(dialog, "play a long game of how well do you know me")
    expected = Expected("guess")
    for line in ("yes", "almost", "no"):
        skip_shares(dialog.say, lambda: household_of(db_path), content)
        expected.hear(line)
        dialog.say(line)
    before = household_of(db_path).game
    if interrupt == "stop":
        assert not dialog.say("stop").session_open
        dialog.end()
    elif interrupt == "silence":
        assert dialog.say("").session_open  # the reprompt
        dialog.say("")  # then Alexa ends the session
        assert not dialog.conversation.in_session
    else:
        dialog.end("ERROR")
    offer = dialog.say("open heart to heart")
    assert offer.session_open
    assert resume_offered(offer, content, "know_me", 2, 10)
    back = dialog.say("yes")
    after = household_of(db_path).game
    assert (after.step, after.scores, after.question, after.rounds, after.first) == (
        before.step,
        before.scores,
        before.question,
        before.rounds,
        before.first,
    )
    question = game(content, "know_me").question(after.question)
    assert question is not None
    assert question.text.replace("{partner}", "Sam") in back.speech
    score = dialog.say("what's the score")
    assert says_score(score.speech, content, "guess", expected, NAMES, final=False)
    summary = play_through(dialog, db_path, content, "guess", 10, expected, ["yes", "close"])
    check_final(summary, db_path, content, "know_me", 10, expected)


@pytest.mark.parametrize("interrupt", ["stop", "silence", "error"])
def test_an_interrupted_game_resumes_where_it_was(
    dialog: Dialog, db_path: Path, content: LocaleContent, interrupt: str
) -> None:
    resume_script(dialog, db_path, content, interrupt)


def test_resume_on_another_night_and_score_as_a_one_shot(
    dialog: Dialog, db_path: Path, content: LocaleContent
) -> None:
    begin(dialog)
    start_game(dialog, "play finish the sentence")
    dialog.say("yes")
    dialog.next_night()
    score = dialog.say("ask heart to heart what's the score")
    assert score.session_open
    assert says(score.speech, content, "game.final.finish_one", count=1, played=1) or says(
        score.speech, content, "game.score.finish_one", count=1, played=1
    )
    assert resume_offered(score, content, "finish_sentence", 2, 5)
    dialog.say("yes")
    assert household_of(db_path).game.step == 1
    skip_shares(dialog.say, lambda: household_of(db_path), content)
    dialog.say("no")
    assert household_of(db_path).game.step == 2


def test_declining_to_resume_puts_the_game_away_and_offers_tonight(
    dialog: Dialog, db_path: Path, content: LocaleContent
) -> None:
    begin(dialog)
    start_game(dialog, "play would you rather")
    dialog.say("we matched")
    dialog.end()
    dialog.say("open heart to heart")
    turn = dialog.say("no")
    assert turn.session_open and says(turn.speech, content, "game.resume.dropped")
    assert says(turn.speech, content, "offer.tonight")
    household = household_of(db_path)
    assert household.game.done
    record = next(r for r in household.game_records if r.game == "would_you_rather")
    assert (record.played, record.best_short) == (1, 1)
    dialog.end()
    launch = dialog.say("open heart to heart")
    assert not resume_offered(launch, content, "would_you_rather", 2, 5)


def test_ending_early_gives_the_summary_and_counts_the_game(
    dialog: Dialog, db_path: Path, content: LocaleContent
) -> None:
    begin(dialog)
    start_game(dialog, "play two truths and a dream")
    expected = Expected("truths")
    for line in ("yes", "no", "no"):
        expected.hear(line)
        dialog.say(line)
    summary = dialog.say("end the game")
    assert summary.session_open
    assert says(summary.speech, content, "game.over.early")
    assert says_score(summary.speech, content, "truths", expected, NAMES, final=True)
    record = household_of(db_path).game_records[0]
    assert (record.game, record.played, record.best_short) == ("truths_dream", 1, 1)
    assert not dialog.say("no").session_open


def test_play_again_and_a_different_game_after_the_end(
    dialog: Dialog, db_path: Path, content: LocaleContent
) -> None:
    begin(dialog)
    start_game(dialog, "play would you rather")
    for _ in range(5):
        dialog.say("yes")
    assert household_of(db_path).game.done
    again = dialog.say("yes")
    progress = household_of(db_path).game
    assert again.session_open and progress.game == "would_you_rather" and not progress.done
    assert progress.first == 1
    dialog.say("end the game")
    other = dialog.say("let's play finish the sentence")
    assert game(content, "finish_sentence").rules in other.speech
    records = {r.game: r.played for r in household_of(db_path).game_records}
    assert records["would_you_rather"] == 1  # the second one ended before any play


def test_bad_input_gets_one_clear_re_ask_then_a_pass(
    dialog: Dialog, db_path: Path, content: LocaleContent
) -> None:
    begin(dialog)
    start_game(dialog, "play how well do you know me")
    skip_shares(dialog.say, lambda: household_of(db_path), content)
    dialog.say("yes")
    skip_shares(dialog.say, lambda: household_of(db_path), content)
    reask = dialog.say("maybe")
    assert reask.session_open and says(reask.speech, content, "game.unclear")
    assert says(reask.speech, content, "game.guess.reprompt", partner="Sam", guesser="Alex")
    assert household_of(db_path).game.step == 1
    passed = dialog.say("i'm sam")
    assert says(passed.speech, content, "game.default_pass")
    progress = household_of(db_path).game
    assert (progress.step, progress.scores, progress.strikes) == (2, [2, 0], 0)


def test_close_is_re_asked_in_a_yes_or_no_game(
    dialog: Dialog, db_path: Path, content: LocaleContent
) -> None:
    begin(dialog)
    start_game(dialog, "play would you rather")
    turn = dialog.say("close")
    assert says(turn.speech, content, "game.match.reprompt")
    assert household_of(db_path).game.step == 0
    dialog.say("yes")
    assert household_of(db_path).game.together == 1


def test_the_menu_re_asks_once_then_starts_a_game(
    dialog: Dialog, db_path: Path, content: LocaleContent
) -> None:
    begin(dialog)
    dialog.say("let's play a game")
    reask = dialog.say("banana helicopter symphony")
    assert says(reask.speech, content, "game.unclear")
    assert all(g.title in reask.speech for g in content.section("games"))
    started = dialog.say("maybe")
    assert says(started.speech, content, "game.menu.default")
    assert household_of(db_path).game.game == content.section("games")[0].id


def test_help_repeat_and_skip_inside_a_game(
    dialog: Dialog, db_path: Path, content: LocaleContent
) -> None:
    begin(dialog)
    start_game(dialog, "play how well do you know me")
    question = household_of(db_path).game.question
    help_turn = dialog.say("help")
    assert says(help_turn.speech, content, "game.help.controls")
    rules = dialog.say("how do we play")
    assert game(content, "know_me").rules in rules.speech
    repeat = dialog.say("repeat that")
    text = game(content, "know_me").question(question)
    assert text is not None and text.text.replace("{partner}", "Alex") in repeat.speech
    skipped = dialog.say("skip")
    progress = household_of(db_path).game
    assert progress.question != question and progress.step == 0
    assert says(skipped.speech, content, "game.skip")
    assert len(progress.used) == 2


def test_a_game_named_mid_game_starts_fresh_and_the_old_score_is_kept(
    dialog: Dialog, db_path: Path, content: LocaleContent
) -> None:
    begin(dialog)
    start_game(dialog, "play how well do you know me")
    skip_shares(dialog.say, lambda: household_of(db_path), content)
    dialog.say("yes")
    turn = dialog.say("let's play would you rather")
    assert game(content, "would_you_rather").rules in turn.speech
    household = household_of(db_path)
    assert household.game.game == "would_you_rather"
    assert {r.game: r.best_short for r in household.game_records}["know_me"] == 2


def test_tonights_question_mid_game_leaves_the_game_for_later(
    dialog: Dialog, db_path: Path, content: LocaleContent
) -> None:
    begin(dialog)
    start_game(dialog, "play would you rather")
    dialog.say("yes")
    turn = dialog.say("tonight's question")
    assert any(q.text in turn.speech for q in content.questions)
    assert household_of(db_path).game.step == 1
    dialog.end()
    offer = dialog.say("open heart to heart")
    assert resume_offered(offer, content, "would_you_rather", 2, 5)


def test_help_at_the_top_mentions_games(dialog: Dialog, content: LocaleContent) -> None:
    dialog.say("open heart to heart")
    turn = dialog.say("help")
    assert any(v in turn.speech for v in content.variants("help.top"))
    assert in_locale("let's play a game", content.locale).casefold() in turn.speech.casefold()
