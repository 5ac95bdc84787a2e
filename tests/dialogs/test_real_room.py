"""A conversation that fits a real room: each behaviour of the issue, through
``handler(event, context)`` with the real interaction model and the couple's own words
(none of these phrasings is a sample in the model)."""

from __future__ import annotations

import pytest

from skill.runtime.catalog import LocaleContent
from tests.support.dialog import Dialog, Handler, resolver
from tests.support.games import game, start_game


def variants(content: LocaleContent, key: str, **params: object) -> list[str]:
    return [v.format(**params) if params else v for v in content.variants(key)]


def says(text: str, content: LocaleContent, key: str, **params: object) -> bool:
    return any(v in text for v in variants(content, key, **params))


#: What the skill says when it didn't catch something: never to the couple's own talk.
NOT_CAUGHT = ("fallback.top", "fallback.question", "fallback.second", "game.unclear")


def no_fallback(text: str, content: LocaleContent) -> bool:
    return not any(says(text, content, key) for key in NOT_CAUGHT) and "Sorry" not in text


#: The couple talking to each other as the microphone opens.
THEIR_TALK = ("i think mine would be lisbon", "no way really", "what about you")


def test_their_own_words_are_not_for_the_skill() -> None:
    nlu = resolver()
    for line in THEIR_TALK:
        assert nlu.resolve(line).intent == "AMAZON.FallbackIntent", line


def test_after_tonights_question_it_holds_quiet_then_leaves_them_to_talk(
    dialog: Dialog, content: LocaleContent
) -> None:
    dialog.say("open heart to heart")
    asked = dialog.say("what's our question tonight")
    assert asked.session_open
    assert "(silence 1:30) (chime)" in asked.speech, "a held quiet, then a soft chime"
    assert says(asked.speech, content, "talk.check_in")
    more = dialog.say(THEIR_TALK[0])
    assert more.session_open and no_fallback(more.speech, content)
    assert says(more.speech, content, "talk.more") and "(silence 1:00)" in more.speech
    left = dialog.say(THEIR_TALK[1])
    assert not left.session_open and no_fallback(left.speech, content)
    assert says(left.speech, content, "talk.leave"), "one short way back"


def opens_with(text: str, content: LocaleContent, key: str) -> bool:
    """Whether ``text`` holds one of ``key``'s variants up to its first parameter."""
    return any(v.split("{")[0] in text for v in content.variants(key))


def test_asking_for_something_else_in_their_own_words_is_heard(
    dialog: Dialog, content: LocaleContent
) -> None:
    """Mid-ritual, a couple who ask in words of their own for another question, a game or
    gratitude get it, not the quiet a hold keeps for their own talk."""
    dialog.say("open heart to heart")
    dialog.say("what's our question tonight")
    other = dialog.say("that one is lovely, give us something else")
    assert other.session_open and says(other.speech, content, "another.intro")
    game = dialog.say("what about a game for the two of us")
    assert game.session_open and opens_with(game.speech, content, "game.menu")
    thanks = dialog.say("actually we'd rather say what we're grateful for tonight")
    assert thanks.session_open and says(thanks.speech, content, "gratitude.intro")
    assert all(no_fallback(t.speech, content) for t in (other, game, thanks))


def test_a_couple_who_prefers_it_is_left_to_talk_at_once(
    dialog: Dialog, content: LocaleContent
) -> None:
    dialog.say("open heart to heart")
    chose = dialog.say("just leave us to talk after the question")
    assert says(chose.speech, content, "talk.set_close")
    asked = dialog.say("yes")
    assert not asked.session_open and says(asked.speech, content, "talk.leave")
    dialog.next_night()
    dialog.say("open heart to heart")
    again = dialog.say("what's tonight's question")
    assert not again.session_open, "the choice is remembered"


def test_after_a_gratitude_turn_their_talk_gets_quiet_not_sorry(
    dialog: Dialog, content: LocaleContent
) -> None:
    dialog.say("open heart to heart")
    turn = dialog.say("can we do some gratitude")
    assert says(turn.speech, content, "gratitude.swap_offer")
    still = dialog.say(THEIR_TALK[2])
    assert still.session_open and no_fallback(still.speech, content)


def test_fallbacks_escalate_and_never_repeat_a_sentence(
    dialog: Dialog, content: LocaleContent
) -> None:
    dialog.say("open heart to heart")
    misses = [dialog.say(line) for line in ("the blue cow", "hmm purple socks", "banana phone")]
    assert says(misses[0].speech, content, "fallback.top")
    assert says(misses[1].speech, content, "fallback.second"), "the second names what works"
    assert says(misses[2].speech, content, "fallback.third"), "the third offers a choice"
    assert len({m.speech for m in misses}) == 3
    chose = dialog.say("yes")
    assert any(q.text in chose.speech for q in content.questions)


@pytest.mark.parametrize(
    ("utc", "key"),
    [("2026-12-01T14:00:00Z", "goodbye.morning"), ("2026-12-02T03:00:00Z", "goodbye.night")],
)
def test_goodbyes_fit_the_time_of_day(
    handler: Handler, content: LocaleContent, utc: str, key: str
) -> None:
    dialog = Dialog(handler, now=utc)
    dialog.say("open heart to heart")
    for closing in ("that was lovely bye", "thanks alexa"):
        said = dialog.say(closing)
        assert not said.session_open and says(said.speech, content, key), closing
        dialog.say("open heart to heart")


def test_inside_a_game_its_words_keep_their_meaning(dialog: Dialog, content: LocaleContent) -> None:
    dialog.say("open heart to heart")
    dialog.say("call us sam and alex")
    start_game(dialog, "let's play would you rather")
    for line in ("give us more time", "me", "you pick", "ready"):
        turn = dialog.say(line)
        assert turn.session_open, line
        assert not says(turn.speech, content, "listening.outside"), line
        assert no_fallback(turn.speech, content) or says(turn.speech, content, "game.unclear")
    rules = dialog.say("how do we play this")
    assert game(content, "would_you_rather").rules in rules.speech


def test_rules_are_said_the_first_time_only(dialog: Dialog, content: LocaleContent) -> None:
    dialog.say("open heart to heart")
    dialog.say("call us sam and alex")
    first = dialog.say("let's play would you rather")
    rules = next(g.rules for g in content.section("games") if g.id == "would_you_rather")
    assert rules in first.speech
    dialog.say("ready")
    dialog.say("yes we matched")
    dialog.say("end the game")
    second = dialog.say("let's play would you rather")
    assert rules not in second.speech, "straight into round one"


def test_a_chosen_name_is_never_bound_to_a_voice_by_speaking_order(
    handler: Handler, content: LocaleContent
) -> None:
    sam, alex = "amzn1.ask.person.SAM", "amzn1.ask.person.ALEX"
    dialog = Dialog(handler, person_id=alex)  # Alex's voice speaks first
    dialog.say("open heart to heart")
    dialog.say("call us sam and alex")
    dialog.conversation.person_id = sam
    bound = dialog.say("this is sam")
    assert says(bound.speech, content, "names.bound", name="Sam")
    exercise = dialog.say("a listening exercise")
    assert exercise.response is not None
    chosen = dialog.say("sam goes first")
    assert chosen.response is not None
    ssml = chosen.response["response"]["outputSpeech"]["ssml"]
    assert "Sam" in ssml and f'personId="{alex}"' not in ssml, "names are spoken as names"


def test_help_gets_shorter_once_they_know_the_skill(dialog: Dialog, content: LocaleContent) -> None:
    dialog.say("open heart to heart")
    first = dialog.say("what can i say")
    assert says(first.speech, content, "help.top")
    for _ in range(4):
        dialog.next_night()
        dialog.say("open heart to heart")
    later = dialog.say("what can i say")
    assert says(later.speech, content, "help.short")


def test_tonights_question_is_not_offered_again_once_asked(
    dialog: Dialog, content: LocaleContent
) -> None:
    dialog.say("open heart to heart")
    dialog.say("tonight's question")
    named = dialog.say("call us sam and alex")
    assert not says(named.speech, content, "offer.tonight")
    assert says(named.speech, content, "offer.gratitude")


def test_names_are_offered_on_a_later_night_not_twice_in_one_evening(
    dialog: Dialog, content: LocaleContent
) -> None:
    dialog.say("open heart to heart")
    dialog.say("stop")
    same_night = dialog.say("open heart to heart")
    assert not says(same_night.speech, content, "names.offer")
    dialog.next_night()
    later = dialog.say("open heart to heart")
    assert says(later.speech, content, "names.offer")
