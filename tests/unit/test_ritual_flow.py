"""Pure tests of the nightly ritual: consent, times, effects, permission, and every outcome."""

from __future__ import annotations

from datetime import datetime
from random import Random
from zoneinfo import ZoneInfo

import msgspec
import pytest

from skill.runtime import effects, intents
from skill.runtime.catalog import LocaleContent
from skill.runtime.effects import ForgetHousehold, ReminderCall
from skill.runtime.flows import dialog, privacy, reminders
from skill.runtime.flows.kit.events import EFFECT_DONE, INTENT, PERMISSION, Event
from skill.runtime.reply import Reply, Say
from skill.runtime.state import Household, NightlyReminder, Session, State
from skill.runtime.times import spoken_to_slot
from skill.tools.nlu import time_words

NY = ZoneInfo("America/New_York")
EVENING = datetime(2026, 12, 1, 20, 0, tzinfo=NY)


def ask(name: str, new: bool = False, time: str | None = None, day_part: str = "") -> Event:
    spoken = {intents.SLOT_TIME: time} if time is not None else {}
    slots = {intents.SLOT_DAY_PART: day_part} if day_part else {}
    return Event(INTENT, intent=name, new_session=new, spoken=spoken, slots=slots)


def run(
    state: State, event: Event, content: LocaleContent, now: datetime = EVENING, seed: int = 1
) -> tuple[State, Reply]:
    return dialog.handle(state, event, content, now, Random(seed))


def said(reply: Reply) -> list[str]:
    return [s.text for s in reply.speech if isinstance(s, Say)]


def fresh() -> State:
    return State(Household(), Session(time_zone="America/New_York"))


def done(call: ReminderCall, outcome: str, token: str = "", new: bool = False) -> Event:
    time = "" if call.action == effects.DELETE else f"{call.hour:02d}:{call.minute:02d}"
    slots = {
        "outcome": outcome,
        "action": call.action,
        "time": time,
        "alert_token": token,
        "after_permission": "yes" if call.after_permission else "no",
    }
    return Event(EFFECT_DONE, intent=effects.REMINDER, slots=slots, new_session=new)


def consented(content: LocaleContent, time: str = "09:00", household: Household | None = None):
    state = State(household or Household(), Session(time_zone="America/New_York"))
    state, _ = run(state, ask(intents.SET_REMINDER, time=time), content)
    return run(state, ask(intents.YES), content)


@pytest.mark.parametrize(
    ("slot", "day_part", "expected"),
    [
        ("09:00", "", (21, 0)),
        ("09:30", "evening", (21, 30)),
        ("11:45", "", (23, 45)),
        ("21:00", "", (21, 0)),
        ("07:00", "morning", (7, 0)),
        ("12:00", "", (12, 0)),
        ("00:00", "", (0, 0)),
        ("25:00", "", None),
        ("09:75", "", None),
        ("NI", "", None),
        ("twenty five o'clock", "", None),
        ("", "", None),
    ],
)
def test_reading_a_time_for_an_evening_ritual(
    slot: str, day_part: str, expected: tuple[int, int] | None
) -> None:
    assert reminders.read_time(slot, day_part) == expected


@pytest.mark.parametrize(
    ("spoken", "slot"),
    [
        ("nine", "09:00"),
        ("nine thirty", "09:30"),
        ("half past nine", "09:30"),
        ("quarter to ten", "09:45"),
        ("nine pm", "21:00"),
        ("ten thirty at night", "22:30"),
        ("seven in the morning", "07:00"),
        ("twenty two", "22:00"),
        ("noon", "12:00"),
        ("midnight", "00:00"),
        ("tonight", "NI"),
        ("twenty five o'clock", "twenty five o'clock"),
        ("thirteen pm", "thirteen pm"),
        ("the purple hour", "the purple hour"),
    ],
)
def test_the_local_nlu_fills_amazon_time_like_alexa(spoken: str, slot: str) -> None:
    assert spoken_to_slot(spoken, time_words()) == slot


def test_remind_us_asks_consent_to_that_specific_reminder(content: LocaleContent) -> None:
    state, reply = run(fresh(), ask(intents.SET_REMINDER, time="09:00"), content)
    expected = {v.format(time="9 p.m.") for v in content.variants("reminder.confirm_night")}
    assert said(reply)[0] in expected
    assert reply.end_session is False and reply.effect is None
    assert state.session.place.offer == reminders.OFFER_CONFIRM
    assert state.household == Household(), "nothing is stored before they say yes"


def test_yes_asks_the_turn_to_create_the_reminder(content: LocaleContent) -> None:
    _state, reply = consented(content, "09:30")
    call = reply.effect
    assert isinstance(call, ReminderCall)
    assert (call.action, call.hour, call.minute) == (effects.CREATE, 21, 30)
    assert call.time_zone == "America/New_York" and call.locale == "en-US"
    assert call.text in content.variants("reminder.text")
    assert call.local_now == datetime(2026, 12, 1, 20, 0)
    assert not reply.speech


def test_no_declines_kindly_and_nothing_is_called(content: LocaleContent) -> None:
    state, _ = run(fresh(), ask(intents.SET_REMINDER, time="09:00"), content)
    state, reply = run(state, ask(intents.NO), content)
    assert reply.effect is None
    assert said(reply)[0] in content.variants("reminder.declined")
    assert state.session.place.offer == "tonight"


@pytest.mark.parametrize("bad", ["25:00", "twenty five o'clock", "the purple hour"])
def test_a_time_that_makes_no_sense_gets_a_clear_re_ask(content: LocaleContent, bad: str) -> None:
    state, reply = run(fresh(), ask(intents.SET_REMINDER, time=bad), content)
    assert said(reply)[0] in content.variants("reminder.bad_time")
    assert reply.end_session is False and state.session.place.offer == reminders.OFFER_TIME
    state, reply = run(state, ask(intents.SET_REMINDER, time="10:00"), content)
    assert state.session.place.offer == reminders.OFFER_CONFIRM


@pytest.mark.parametrize("vague", [None, "NI", "EV"])
def test_no_time_or_a_vague_one_asks_for_a_time(content: LocaleContent, vague: str | None) -> None:
    state, reply = run(fresh(), ask(intents.SET_REMINDER, time=vague), content)
    assert said(reply)[0] in content.variants("reminder.which_time")
    state, reply = run(state, ask(intents.FALLBACK), content)
    assert said(reply)[0] in content.variants("reminder.bad_time")


def test_a_created_reminder_is_stored_by_its_alert_token(content: LocaleContent) -> None:
    state, reply = consented(content)
    assert isinstance(reply.effect, ReminderCall)
    state, reply = run(state, done(reply.effect, effects.OK, "alert-1"), content)
    assert state.household.reminder == NightlyReminder(alert_token="alert-1", time="21:00")
    expected = {v.format(time="9 p.m.") for v in content.variants("reminder.set_night")}
    assert said(reply)[0] in expected
    assert reply.end_session is False and state.session.place.offer == "tonight"


def test_no_permission_asks_by_voice_with_askfor(content: LocaleContent) -> None:
    state, reply = consented(content)
    assert isinstance(reply.effect, ReminderCall)
    state, reply = run(state, done(reply.effect, effects.FORBIDDEN), content)
    assert reply.speech == () and reply.reprompt == () and reply.end_session is None
    assert reply.directives == (
        {
            "type": "Connections.SendRequest",
            "name": "AskFor",
            "payload": {
                "@type": "AskForPermissionsConsentRequest",
                "@version": "2",
                "permissionScopes": [
                    {
                        "permissionScope": "alexa::alerts:reminders:skill:readwrite",
                        "consentLevel": "ACCOUNT",
                    }
                ],
            },
            "token": "heart-reminder|create|21:00",
        },
    )
    assert state.household.reminder == NightlyReminder()


def permission(status: str, token: str = "heart-reminder|create|21:00", new: bool = False) -> Event:
    return Event(
        PERMISSION, intent="AskFor", slots={"status": status, "token": token}, new_session=new
    )


def test_permission_granted_creates_the_reminder_from_the_token(content: LocaleContent) -> None:
    state = State(Household(), Session())
    state, reply = run(state, permission("ACCEPTED"), content)
    call = reply.effect
    assert isinstance(call, ReminderCall) and call.after_permission
    assert (call.action, call.hour, call.minute) == (effects.CREATE, 21, 0)
    state, reply = run(state, done(call, effects.FORBIDDEN), content)
    assert not reply.directives, "a refusal right after granting is not asked again"
    assert said(reply)[0] in content.variants("reminder.no_permission")


@pytest.mark.parametrize(
    ("status", "key"),
    [
        ("DENIED", "reminder.permission_denied"),
        ("NOT_ANSWERED", "reminder.permission_unanswered"),
        ("SOMETHING_NEW", "reminder.permission_unanswered"),
    ],
)
def test_permission_denied_or_unanswered_gets_a_kind_answer(
    content: LocaleContent, status: str, key: str
) -> None:
    _state, reply = run(fresh(), permission(status), content)
    assert reply.effect is None and said(reply)[0] in content.variants(key)
    assert reply.end_session is False
    _, one_shot = run(fresh(), permission(status, new=True), content)
    assert one_shot.end_session is True


def test_a_token_the_skill_did_not_send_is_not_acted_on(content: LocaleContent) -> None:
    for token in ("", "someone-else|create|21:00", "heart-reminder|create|25:00"):
        _, reply = run(fresh(), permission("ACCEPTED", token), content)
        assert reply.effect is None
        assert said(reply)[0] in content.variants("reminder.permission_thanks")


@pytest.mark.parametrize(
    ("outcome", "key"),
    [
        (effects.UNAVAILABLE, "reminder.unavailable"),
        (effects.REJECTED, "reminder.rejected"),
    ],
)
def test_the_api_down_or_refusing_gets_a_clear_answer(
    content: LocaleContent, outcome: str, key: str
) -> None:
    state, reply = consented(content)
    assert isinstance(reply.effect, ReminderCall)
    state, reply = run(state, done(reply.effect, outcome), content)
    assert said(reply)[0] in content.variants(key)
    assert state.household.reminder == NightlyReminder()
    assert reply.end_session is False
    state, reply = run(state, ask(intents.YES), content)
    assert {q.text for q in content.questions} & set(said(reply)), "the rest keeps working"


def test_change_updates_the_existing_reminder(content: LocaleContent) -> None:
    household = Household(reminder=NightlyReminder(alert_token="alert-1", time="21:00"))
    state = State(household, Session(time_zone="America/New_York"))
    state, reply = run(state, ask(intents.CHANGE_REMINDER, time="10:00"), content)
    expected = {v.format(time="10 p.m.") for v in content.variants("reminder.confirm_night")}
    assert said(reply)[0] in expected
    state, reply = run(state, ask(intents.YES), content)
    call = reply.effect
    assert isinstance(call, ReminderCall)
    assert (call.action, call.hour, call.alert_token) == (effects.UPDATE, 22, "alert-1")
    state, reply = run(state, done(call, effects.OK, "alert-1"), content)
    assert state.household.reminder == NightlyReminder(alert_token="alert-1", time="22:00")
    assert said(reply)[0] in {
        v.format(time="10 p.m.") for v in content.variants("reminder.moved_night")
    }


def test_change_without_a_reminder_offers_to_make_one(content: LocaleContent) -> None:
    state, reply = run(fresh(), ask(intents.CHANGE_REMINDER, time="10:00"), content)
    assert said(reply)[0] in content.variants("reminder.none_yet")
    _, reply = run(state, ask(intents.YES), content)
    assert isinstance(reply.effect, ReminderCall) and reply.effect.action == effects.CREATE


def test_cancel_deletes_and_forgets_the_token(content: LocaleContent) -> None:
    household = Household(reminder=NightlyReminder(alert_token="alert-1", time="21:00"))
    state = State(household, Session())
    state, reply = run(state, ask(intents.CANCEL_REMINDER), content)
    call = reply.effect
    assert call == ReminderCall(action=effects.DELETE, alert_token="alert-1")
    for outcome in (effects.OK, effects.MISSING):
        after, reply = run(state, done(call, outcome), content)
        assert after.household.reminder == NightlyReminder()
        assert said(reply)[0] in content.variants("reminder.cancelled")
    after, reply = run(state, done(call, effects.FORBIDDEN), content)
    assert said(reply)[0] in content.variants("reminder.no_permission_cancel")
    assert not reply.directives
    after, reply = run(state, done(call, effects.UNAVAILABLE), content)
    assert after.household.reminder.alert_token == "alert-1", "kept, so cancel can be retried"


def test_cancel_with_no_reminder_says_so(content: LocaleContent) -> None:
    _, reply = run(fresh(), ask(intents.CANCEL_REMINDER, new=True), content)
    assert said(reply)[0] in content.variants("reminder.none_to_cancel")
    assert reply.effect is None and reply.end_session is True


def test_morning_reminders_are_daily_not_nightly(content: LocaleContent) -> None:
    _state, reply = run(
        fresh(), ask(intents.SET_REMINDER, time="07:00", day_part="morning"), content
    )
    expected = {v.format(time="7 a.m.") for v in content.variants("reminder.confirm_day")}
    assert said(reply)[0] in expected


def test_delete_our_data_asks_then_returns_a_forget_effect(content: LocaleContent) -> None:
    household = Household(names=["Sam", "Alex"], reminder=NightlyReminder("alert-1", "21:00"))
    state = State(household, Session())
    state, reply = run(state, ask(intents.DELETE_DATA), content)
    assert said(reply)[0] in content.variants("forget.confirm")
    assert reply.effect is None and state.session.place.offer == privacy.OFFER_CONFIRM
    _, erased = run(state, ask(intents.YES), content)
    assert erased.effect == ForgetHousehold(cancel_reminder="alert-1")
    assert erased.end_session is True
    kept_state, kept = run(state, ask(intents.NO), content)
    assert kept.effect is None and said(kept)[0] in content.variants("forget.kept")
    assert kept_state.household == household
    failed = Event(EFFECT_DONE, intent=effects.FORGET, slots={"outcome": effects.UNAVAILABLE})
    _, sorry = run(state, failed, content)
    assert said(sorry)[0] in content.variants("forget.failed")


def test_ritual_state_stays_small(content: LocaleContent) -> None:
    state, reply = consented(content)
    assert isinstance(reply.effect, ReminderCall)
    state, _ = run(state, done(reply.effect, effects.OK, "alert-1"), content)
    assert msgspec.structs.asdict(state.household.reminder) == {
        "alert_token": "alert-1",
        "time": "21:00",
    }
