"""Gratitude, names, streaks, recap, five minutes and surprise, through handler(event, context)."""

from __future__ import annotations

from skill.runtime.catalog import LocaleContent
from skill.runtime.flows import gratitude
from skill.runtime.flows.listening import library as listening_library
from tests.support.dialog import Dialog, Handler
from tests.support.games import game


def prompt_in(text: str, content: LocaleContent) -> str:
    found = [p.id for p in gratitude.prompts(content) if p.text in text]
    assert len(found) == 1, f"expected one gratitude prompt in: {text!r}"
    return found[0]


def any_in(text: str, variants: tuple[str, ...] | list[str]) -> bool:
    return any(v in text for v in variants)


def streak_lines(content: LocaleContent) -> list[str]:
    return [v.format(count=n) for v in content.variants("streak.milestone") for n in range(400)]


def test_a_gratitude_prompt_with_swap_in_a_session(dialog: Dialog, content: LocaleContent) -> None:
    dialog.say("open heart to heart")
    first = dialog.say("a gratitude prompt")
    prompt = prompt_in(first.speech, content)
    assert first.session_open and first.reprompt
    assert "(silence" in first.speech and "(chime)" in first.speech
    by_id = {p.id: p for p in gratitude.prompts(content)}
    if by_id[prompt].swap:
        swapped = dialog.say("now swap")
        assert prompt_in(swapped.speech, content) == prompt
        assert content.variants("partner.two")[0].casefold() in swapped.speech.casefold()
    more = dialog.say("another one")
    assert prompt_in(more.speech, content) != prompt
    bye = dialog.say("stop")
    assert not bye.session_open


def test_one_shot_gratitude_answers_and_closes(dialog: Dialog, content: LocaleContent) -> None:
    turn = dialog.say("ask heart to heart for a gratitude prompt")
    prompt_in(turn.speech, content)
    assert not turn.session_open
    assert turn.response is not None and turn.response["response"]["shouldEndSession"] is True
    assert "reprompt" not in turn.response["response"]


def test_prompts_never_repeat_across_nights(dialog: Dialog, content: LocaleContent) -> None:
    seen = []
    for _ in range(12):
        seen.append(
            prompt_in(dialog.say("ask heart to heart for a gratitude prompt").speech, content)
        )
        dialog.next_night()
    assert len(set(seen)) == len(seen)


def test_names_are_offered_once_on_the_second_visit(dialog: Dialog, content: LocaleContent) -> None:
    first = dialog.say("open heart to heart")
    assert not any_in(first.speech, content.variants("names.offer"))
    dialog.say("stop")
    dialog.next_night()
    second = dialog.say("open heart to heart")
    assert any_in(second.speech, content.variants("names.offer")) and second.session_open
    saved = dialog.say("call us sam and alex")
    assert "Sam" in saved.speech and "Alex" in saved.speech
    swaps = {p.text for p in gratitude.prompts(content) if p.swap}
    turn = dialog.say("a gratitude prompt")
    for _ in range(10):
        if any(text in turn.speech for text in swaps):
            break
        turn = dialog.say("another one")
    assert "Sam" in turn.speech, "the one who starts is named"
    dialog.next_night()
    third = dialog.say("open heart to heart")
    assert not any_in(third.speech, content.variants("names.offer"))


def test_declining_the_names_offer_moves_on(dialog: Dialog, content: LocaleContent) -> None:
    dialog.say("open heart to heart")
    dialog.next_night()
    dialog.say("open heart to heart")
    declined = dialog.say("no thanks")
    assert declined.session_open
    assert any_in(declined.speech, content.variants("names.skipped"))
    turn = dialog.say("yes")
    assert any(q.text in turn.speech for q in content.questions)


def test_names_that_are_not_names_get_a_clear_re_ask(
    dialog: Dialog, content: LocaleContent
) -> None:
    dialog.say("open heart to heart")
    turn = dialog.say("call us 42 and sam")
    assert turn.session_open
    assert any_in(turn.speech, content.variants("names.not_names"))


def test_a_recognized_voice_is_greeted_by_name(handler: Handler, content: LocaleContent) -> None:
    dialog = Dialog(handler, person_id="amzn1.ask.person.SAM")
    dialog.say("open heart to heart")
    dialog.next_night()
    turn = dialog.say("open heart to heart")
    assert turn.response is not None
    ssml = turn.response["response"]["outputSpeech"]["ssml"]
    assert '<alexa:name type="first" personId="amzn1.ask.person.SAM"/>' in ssml
    assert any_in(turn.speech, content.variants("greet.person_after"))


def test_the_streak_is_kind_and_never_scolds(dialog: Dialog, content: LocaleContent) -> None:
    spoken = []
    for _ in range(3):
        spoken.append(dialog.say("ask heart to heart for a gratitude prompt").speech)
        dialog.next_night()
    assert not any_in(spoken[1], streak_lines(content))
    expected = [v.format(count=3) for v in content.variants("streak.milestone")]
    assert any_in(spoken[2], expected)
    dialog.next_night(5)
    after_a_gap = dialog.say("ask heart to heart for a gratitude prompt").speech
    assert not any_in(after_a_gap, streak_lines(content))
    dialog.say("open heart to heart")
    again = dialog.say("tonight's question").speech
    assert not any_in(again, streak_lines(content)), "once a night at most"


def test_the_weekly_recap_names_questions_and_never_answers(
    dialog: Dialog, content: LocaleContent
) -> None:
    questions = []
    for _ in range(2):
        turn = dialog.say("ask heart to heart for tonight's question")
        questions += [q.text for q in content.questions if q.text in turn.speech]
        dialog.say("ask heart to heart for a gratitude prompt")
        dialog.next_night()
    recap = dialog.say("ask heart to heart what did we talk about this week")
    assert not recap.session_open
    assert all(q in recap.speech for q in questions)
    assert any_in(recap.speech, [v.format(count=2) for v in content.variants("recap.gratitude")])
    assert not any(p.text in recap.speech for p in gratitude.prompts(content))


def test_five_minutes_and_surprise_us(dialog: Dialog, content: LocaleContent) -> None:
    dialog.say("open heart to heart")
    offer = dialog.say("we only have five minutes")
    assert any_in(offer.speech, content.variants("quick.question"))
    question = dialog.say("yes")
    assert any(q.text in question.speech for q in content.questions)
    offer = dialog.say("we only have five minutes")
    assert any_in(offer.speech, content.variants("quick.gratitude"))
    prompt = prompt_in(dialog.say("yes").speech, content)
    assert {p.id: p for p in gratitude.prompts(content)}[prompt].swap
    surprise = dialog.say("surprise us")
    assert any_in(surprise.speech, content.variants("surprise.lead"))
    assert surprise.session_open


def test_the_recap_names_games_and_exercises_by_title(
    dialog: Dialog, content: LocaleContent
) -> None:
    dialog.say("ask heart to heart to play would you rather")
    dialog.say("end the game")
    dialog.end()
    dialog.say("ask heart to heart for the five minute check in")
    dialog.say("you choose")
    dialog.end()
    recap = dialog.say("ask heart to heart what did we talk about this week")
    assert game(content, "would_you_rather").title in recap.speech
    assert listening_library.find(content, "daily-check-in").title in recap.speech
