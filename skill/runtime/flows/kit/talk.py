"""Leaving the couple to talk. After a question meant for the two of them the microphone must
not catch their first words to each other, so a reply either holds a quiet stretch (silence,
a soft chime, one short question) or closes the session with one short way back. The couple
chooses which (``QuestionPrefs.talk``) and the skill remembers.

When a held question is followed by words the skill can't place, those are the couple still
talking: ``still_talking`` gives them more quiet the first time and then leaves them to it,
and never answers with "sorry, I didn't catch that".
"""

from __future__ import annotations

from skill.runtime.flows.kit import people
from skill.runtime.flows.kit.context import FlowContext
from skill.runtime.reply import Pause, Reply, Say, Segment, Silence, Sound
from skill.runtime.state import Household

HOLD = "hold"
CLOSE = "close"
STYLES = frozenset({HOLD, CLOSE})
#: The quiet stretch after a question: long enough to start talking, well inside the 240 s an
#: Alexa response may hold.
TALK_SECONDS = 90
#: More quiet when the couple is still talking as the microphone opens.
MORE_SECONDS = 60
#: Misses after which the skill stops checking in and leaves them to it.
LEAVE_AFTER = 1


def floor(household: Household, index: int, key: str, ctx: FlowContext) -> tuple[Segment, ...]:
    """Hand partner ``index`` the floor: who, by name (or voice), a breath, then what to do."""
    return (people.partner(household, index, ctx.content, ctx.rng), Say(","), ctx.say(key))


def chime() -> tuple[Segment, ...]:
    """The soft chime that ends a quiet stretch, and a breath after it."""
    return (Sound("chime"), Pause(300))


def style(household: Household) -> str:
    return household.prefs.talk if household.prefs.talk in STYLES else HOLD


def after_question(household: Household, speech: tuple[Segment, ...], ctx: FlowContext) -> Reply:
    """``speech`` (ending on the question), then talk time in the couple's style."""
    if style(household) == CLOSE:
        return Reply.tell((*speech, Pause(700), ctx.say("talk.leave")))
    return Reply.ask(
        (*speech, Silence(TALK_SECONDS), Sound("chime"), Pause(300), ctx.say("talk.check_in")),
        (ctx.say("talk.reprompt"),),
    )


def still_talking(
    misses: int, ctx: FlowContext, check_in: Segment | None = None, reprompt: Segment | None = None
) -> Reply:
    """Words that aren't for the skill, after a question or a turn: more quiet once, then the
    same short question (``check_in``, by default "another, or shall I leave you to it?");
    the next time, goodbye with a way back."""
    if misses >= LEAVE_AFTER:
        return Reply.tell((ctx.say("talk.leave"),))
    return Reply.ask(
        (
            ctx.say("talk.more"),
            Silence(MORE_SECONDS),
            Sound("chime"),
            Pause(300),
            check_in or ctx.say("talk.check_in"),
        ),
        (reprompt or ctx.say("talk.reprompt"),),
    )


def goodbye_key(ctx: FlowContext) -> str:
    """Which goodbye fits the couple's local time ("goodnight" at 9 a.m. jars)."""
    hour = ctx.now.hour
    if 5 <= hour < 12:
        return "goodbye.morning"
    if 12 <= hour < 17:
        return "goodbye.afternoon"
    if 17 <= hour < 21:
        return "goodbye.evening"
    return "goodbye.night"
