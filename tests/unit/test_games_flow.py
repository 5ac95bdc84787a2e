"""Pure tests of the game flows through ``dialog.handle``: turns, skips, passes, bad input,
no repeats, resume, history, names and voices, and the platform's speech limits."""

from __future__ import annotations

import json
from datetime import datetime
from random import Random
from zoneinfo import ZoneInfo

import pytest

from skill.runtime import copying, intents
from skill.runtime.catalog import Game, LocaleContent
from skill.runtime.flows import dialog, games
from skill.runtime.flows.games import offers as game_offers
from skill.runtime.flows.games import stored as game_stored
from skill.runtime.flows.kit import scoring
from skill.runtime.flows.kit.events import INTENT, LAUNCH, SESSION_ENDED, Event
from skill.runtime.reply import PersonName, Reply, Say
from skill.runtime.speech import budget, to_text
from skill.runtime.state import GameProgress, Household, Session, State, to_dict
from tests.support.games import Expected, game, says, sharing_now

EVENING = datetime(2026, 12, 1, 20, 0, tzinfo=ZoneInfo("America/New_York"))
GAME_IDS = ("know_me", "would_you_rather", "finish_sentence", "truths_dream")
NAMES = ["Sam", "Alex"]


class Table:
    """A couple at the speaker: each ``say`` is one turn through the pure dialog."""

    def __init__(self, content: LocaleContent, household: Household | None = None) -> None:
        self.content = content
        self.state = State(household or Household(names=list(NAMES)), Session())
        self.turns = 0
        self.reply = Reply.silent()

    def send(self, event: Event) -> Reply:
        self.turns += 1
        self.state, self.reply = dialog.handle(
            self.state, event, self.content, EVENING, Random(self.turns)
        )
        return self.reply

    def intent(self, name: str, **slots: str) -> Reply:
        return self.send(Event(INTENT, intent=name, slots=slots, spoken=slots))

    def play(self, game_id: str, length: str = "") -> Reply:
        slots = {intents.SLOT_GAME: game_id}
        if length:
            slots[intents.SLOT_LENGTH] = length
        reply = self.intent(intents.PLAY_GAME, **slots)
        if self.state.session.place.offer == game_offers.READY:  # the rules were said
            reply = self.intent(intents.CUE)
        return reply

    def answer(self, said: str) -> Reply:
        return self.intent(ANSWERS[said])

    def skip_shares(self) -> None:
        """Skip share items (never scored) so a test of verdicts starts on a scored play."""
        while sharing_now(self.state.household, self.content):
            self.answer("skip")

    @property
    def progress(self) -> GameProgress:
        return self.state.household.game

    @property
    def text(self) -> str:
        return to_text(self.reply.speech)


ANSWERS = {
    "next": intents.NEXT,
    "yes": intents.YES,
    "no": intents.NO,
    "close": intents.CLOSE,
    "pass": intents.PASS,
    "skip": intents.ANOTHER,
    "maybe": intents.FALLBACK,
}


def kind_of(content: LocaleContent, game_id: str) -> str:
    return game(content, game_id).kind


def check_against_referee(table: Table, expected: Expected) -> None:
    progress = table.progress
    assert progress.scores == expected.scores
    assert progress.together == expected.together
    assert progress.step == expected.step
    assert progress.strikes == expected.strikes


@pytest.mark.parametrize("game_id", GAME_IDS)
def test_scores_and_turns_follow_the_rules_through_passes_skips_and_closes(
    content: LocaleContent, game_id: str
) -> None:
    kind = kind_of(content, game_id)
    table = Table(content)
    table.play(game_id, "long")
    expected = Expected(kind)
    said = ["yes", "close", "skip", "no", "pass", "maybe", "yes", "maybe", "maybe", "yes"]
    for line in said:
        while sharing_now(table.state.household, content):  # shared, never scored
            table.answer("next")
            expected.shared()
            check_against_referee(table, expected)
        table.answer(line)
        expected.hear(line)
        check_against_referee(table, expected)
        assert table.reply.end_session is False
    assert table.progress.step == expected.step < scoring.total_plays(kind, 10)


def test_the_closing_question_names_whose_turn_it_is(content: LocaleContent) -> None:
    table = Table(content)
    table.play("know_me")
    for step in range(4):
        table.skip_shares()
        guesser, judge = NAMES[step % 2], NAMES[1 - step % 2]
        reprompt = to_text(table.reply.reprompt)
        assert says(reprompt, content, "game.guess.reprompt", partner=judge, guesser=guesser)
        assert says(table.text, content, "game.guess.verdict", partner=judge, guesser=guesser)
        table.answer("no")


def test_two_truths_the_teller_is_asked_and_the_other_guesses(content: LocaleContent) -> None:
    table = Table(content)
    table.play("truths_dream")
    topic = game(content, "truths_dream").question(table.progress.question)
    assert topic is not None
    assert says(
        table.text, content, "game.truths.ask", teller="Sam", guesser="Alex", topic=topic.text
    )
    table.answer("yes")
    assert says(table.text, content, "game.truths.yes", guesser="Alex")
    assert says(table.text, content, "game.truths.verdict", teller="Alex", guesser="Sam")


def test_a_skip_swaps_the_question_but_keeps_the_turn(content: LocaleContent) -> None:
    table = Table(content)
    table.play("know_me")
    table.answer("yes")
    before = copying.replace(table.progress)
    table.answer("skip")
    after = table.progress
    assert after.question != before.question
    assert (after.step, after.scores, after.together) == (before.step, before.scores, 2)
    assert after.used == [*before.used, after.question]


def test_no_question_repeats_within_a_long_game_even_with_many_skips(
    content: LocaleContent,
) -> None:
    table = Table(content)
    table.play("know_me", "long")
    asked = [table.progress.question]
    for i in range(40):
        table.answer("skip" if i % 2 else "yes")
        if table.progress.done:
            break
        asked.append(table.progress.question)
    assert len(asked) == len(set(asked)) > 30


def test_new_games_prefer_questions_not_heard_lately(content: LocaleContent) -> None:
    table = Table(content)
    seen: list[set[str]] = []
    for _ in range(3):
        table.play("would_you_rather")
        asked = set()
        while not table.progress.done:
            asked.add(table.progress.question)
            table.answer("no")
        seen.append(asked)
    assert not seen[0] & seen[1] and not (seen[0] | seen[1]) & seen[2]
    record = game_stored.record_of(table.state.household, "would_you_rather")
    assert len(record.heard) == 15 and record.played == 3


def test_the_heard_list_stays_small(content: LocaleContent) -> None:
    table = Table(content)
    for _ in range(12):
        table.play("would_you_rather")
        while not table.progress.done:
            table.answer("skip" if table.turns % 3 == 0 else "yes")
    record = game_stored.record_of(table.state.household, "would_you_rather")
    assert len(record.heard) == game_stored.MAX_HEARD
    assert len(set(record.heard)) == len(record.heard)


def test_an_answer_it_cannot_place_gets_one_re_ask_then_counts_as_a_pass(
    content: LocaleContent,
) -> None:
    table = Table(content)
    table.play("know_me")
    table.answer("yes")  # Sam: two points
    question = table.progress.question
    reply = table.answer("maybe")
    assert says(to_text(reply.speech), content, "game.unclear")
    assert says(
        to_text(reply.speech), content, "game.guess.reprompt", partner="Sam", guesser="Alex"
    )
    assert (table.progress.step, table.progress.question, table.progress.strikes) == (
        1,
        question,
        1,
    )
    reply = table.answer("maybe")
    assert says(to_text(reply.speech), content, "game.default_pass")
    assert table.progress.step == 2 and table.progress.strikes == 0
    assert table.progress.scores == [2, 0]


@pytest.mark.parametrize("game_id", ["would_you_rather", "finish_sentence", "truths_dream"])
def test_close_is_not_an_answer_in_yes_or_no_games(content: LocaleContent, game_id: str) -> None:
    table = Table(content)
    table.play(game_id)
    table.answer("close")
    assert table.progress.strikes == 1 and table.progress.step == 0
    table.answer("yes")
    assert table.progress.step == 1 and table.progress.strikes == 0


def test_a_lone_name_is_re_asked_and_two_names_rename_mid_game(content: LocaleContent) -> None:
    table = Table(content, Household())
    table.play("know_me")
    table.intent(intents.SET_NAMES, nameOne="Robin")
    assert table.progress.strikes == 1 and table.state.household.names == []
    table.intent(intents.SET_NAMES, nameOne="robin", nameTwo="kai")
    assert table.state.household.names == ["Robin", "Kai"]
    assert table.progress.step == 0
    assert says(
        to_text(table.reply.reprompt),
        content,
        "game.guess.reprompt",
        partner="Kai",
        guesser="Robin",
    )


def test_recognized_voices_are_spoken_by_alexa_not_by_the_skill(content: LocaleContent) -> None:
    table = Table(content, Household(voices=["amzn1.ask.person.A", "amzn1.ask.person.B"]))
    reply = table.play("know_me")
    names = [s.person_id for s in reply.speech if isinstance(s, PersonName)]
    assert names[:2] == ["amzn1.ask.person.A", "amzn1.ask.person.B"]
    assert not says(
        to_text(reply.speech), content, "game.names_tip", one="partner one", two="partner two"
    )


def test_without_names_partners_are_numbered_and_the_start_stays_short(
    content: LocaleContent,
) -> None:
    """The names tip made game starts long; names are offered at the second launch instead."""
    table = Table(content, Household())
    table.play("know_me")
    table.skip_shares()
    one, two = content.variants("partner.one")[0], content.variants("partner.two")[0]
    assert not says(table.text, content, "game.names_tip", one=one, two=two)
    assert says(table.text, content, "game.guess.verdict", partner=two, guesser=one)


@pytest.mark.parametrize("game_id", GAME_IDS)
@pytest.mark.parametrize("length", ["short", "long"])
def test_every_reply_of_a_whole_game_fits_alexas_limits(
    content: LocaleContent, game_id: str, length: str
) -> None:
    table = Table(content, Household())
    replies = [table.play(game_id, length)]
    while not table.progress.done:
        replies.append(table.answer("yes"))
    assert table.progress.step == scoring.total_plays(
        kind_of(content, game_id), scoring.rounds_for(length)
    )
    for reply in replies:
        assert budget(reply.speech).violations() == []
        assert budget(reply.reprompt).violations() == []
        assert reply.end_session is False and reply.reprompt


def test_ending_early_counts_as_played_and_keeps_the_score(content: LocaleContent) -> None:
    table = Table(content)
    table.play("know_me")
    table.answer("yes")
    table.answer("close")
    reply = table.intent(intents.END_GAME)
    assert says(to_text(reply.speech), content, "game.over.early")
    record = game_stored.record_of(table.state.household, "know_me")
    assert (record.played, record.best_short, record.best_long) == (1, 3, 0)
    assert table.progress.done and table.state.session.place.offer == game_offers.AGAIN


def test_ending_before_any_play_is_not_counted(content: LocaleContent) -> None:
    table = Table(content)
    table.play("finish_sentence")
    table.intent(intents.END_GAME)
    assert game_stored.record_of(table.state.household, "finish_sentence").played == 0
    assert says(table.text, content, "game.band.none")


def test_a_new_best_is_celebrated_only_when_it_beats_an_earlier_one(
    content: LocaleContent,
) -> None:
    table = Table(content)
    for answers, celebrated in (
        ("nnnnn", False),
        ("ynnnn", False),
        ("yynnn", True),
        ("ynnnn", False),
    ):
        table.play("would_you_rather")
        for a in answers:
            table.answer("yes" if a == "y" else "no")
        assert says(table.text, content, "game.best", length="short") is celebrated
    record = game_stored.record_of(table.state.household, "would_you_rather")
    assert (record.played, record.best_short) == (4, 2)


def test_starting_another_game_mid_game_keeps_the_first_ones_score(
    content: LocaleContent,
) -> None:
    table = Table(content)
    table.play("know_me")
    table.answer("yes")
    table.play("would_you_rather")
    assert table.progress.game == "would_you_rather" and table.progress.step == 0
    assert game_stored.record_of(table.state.household, "know_me").played == 1
    assert game_stored.record_of(table.state.household, "know_me").best_short == 2


def test_play_again_alternates_who_starts(content: LocaleContent) -> None:
    table = Table(content)
    table.play("know_me")
    table.intent(intents.END_GAME)
    table.intent(intents.YES)
    assert table.progress.game == "know_me" and table.progress.first == 1
    assert table.progress.step == 0 and not table.progress.done


def test_stop_mid_game_closes_and_the_next_launch_offers_to_resume(
    content: LocaleContent,
) -> None:
    table = Table(content)
    table.play("truths_dream", "long")
    for line in ("yes", "no", "yes"):
        table.answer(line)
    table.answer("maybe")
    before = copying.replace(table.progress)
    reply = table.intent(intents.STOP)
    assert reply.end_session is True
    table.send(Event(SESSION_ENDED, reason="USER_INITIATED"))
    table.state = State(table.state.household, Session())
    reply = table.send(Event(LAUNCH, new_session=True))
    assert table.state.session.place.activity == games.NAME
    assert says(
        to_text(reply.speech),
        content,
        "game.resume.offer",
        title="two truths and a dream",
        round=2,
        rounds=10,
    )
    reply = table.intent(intents.YES)
    after = table.progress
    assert (after.step, after.scores, after.question, after.rounds) == (
        before.step,
        before.scores,
        before.question,
        before.rounds,
    )
    assert after.strikes == 0
    topic = game(content, "truths_dream").question(after.question)
    assert topic is not None and topic.text in to_text(reply.speech)


def test_declining_to_resume_puts_the_game_away(content: LocaleContent) -> None:
    table = Table(content)
    table.play("know_me")
    table.answer("close")
    table.state = State(table.state.household, Session())
    table.send(Event(LAUNCH, new_session=True))
    reply = table.intent(intents.NO)
    assert reply.end_session is False
    assert table.progress.done
    assert game_stored.record_of(table.state.household, "know_me").played == 1
    table.state = State(table.state.household, Session())
    table.send(Event(LAUNCH, new_session=True))
    assert table.state.session.place.activity != games.NAME


def test_the_household_keeps_ids_and_numbers_never_sentences(content: LocaleContent) -> None:
    table = Table(content)
    for game_id in GAME_IDS:
        table.play(game_id)
        for line in ("yes", "no", "skip", "pass"):
            table.answer(line)
    stored = json.dumps(to_dict(table.state.household))
    every_text = [q.text for g in content.section("games") for q in g.questions]
    assert not any(text in stored for text in every_text)
    assert len(stored) < 4000


def test_menu_lists_every_game_in_one_breath(content: LocaleContent) -> None:
    table = Table(content)
    reply = table.intent(intents.PLAY_GAME)
    text = to_text(reply.speech)
    all_games: tuple[Game, ...] = content.section("games")
    assert all(g.title in text for g in all_games)
    assert len(reply.speech) == 1 and isinstance(reply.speech[0], Say)
    assert table.state.session.place.offer == game_offers.MENU


@pytest.mark.parametrize("game_id", ["know_me", "finish_sentence"])
def test_tender_share_items_are_shared_and_never_scored(
    content: LocaleContent, game_id: str
) -> None:
    table = Table(content)
    table.play(game_id)
    for _ in range(60):
        if sharing_now(table.state.household, content):
            break
        table.answer("skip")
    assert sharing_now(table.state.household, content), "the bank has share items"
    assert says(table.text, content, "game.share.next")
    before = table.progress
    table.answer("yes")
    after = table.progress
    assert after.scores == before.scores and after.together == before.together
    assert after.step == before.step + 1
    assert says(table.text, content, "game.share.thanks")


def test_share_items_are_tender_and_scored_items_are_playful(content: LocaleContent) -> None:
    games = {g.id: g for g in content.section("games")}
    for game_id in ("know_me", "finish_sentence"):
        shared = [q for q in games[game_id].questions if q.share]
        assert len(shared) >= 20, game_id
    stems = {q.text for q in games["finish_sentence"].questions if q.share}
    assert not any(
        "I feel safe with you because" in q.text
        for q in games["finish_sentence"].questions
        if not q.share
    )
    assert all(len(g.questions) >= 150 for g in games.values())
    assert stems
