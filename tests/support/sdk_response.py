"""The oracle for ``render.render_response``: a reply built into a response by the SDK's own
``ResponseFactory`` (speak, ask, set_card, add_directive, set_should_end_session), as the
skill built every response before rendering them directly. Tests compare the two as JSON."""

from __future__ import annotations

from typing import Any

from ask_sdk_core.response_helper import ResponseFactory
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import Response
from ask_sdk_model.ui import SimpleCard

from skill.runtime import apl
from skill.runtime.handlers.render import (
    card_fields,
    hands_over,
    routine_directive,
    sdk_directive,
)
from skill.runtime.reply import Reply
from skill.runtime.speech import to_ssml

SERIALIZER = DefaultSerializer()


def sdk_response(
    reply: Reply, screen: dict[str, Any] | None = None, skill_id: str = ""
) -> Response:
    """``reply`` through the SDK's response builder, the way a handler drives it."""
    builder = ResponseFactory()
    if reply.speech:
        builder.speak(to_ssml(reply.speech))
        if screen is not None and reply.display is not None and not hands_over(reply):
            builder.add_directive(sdk_directive(apl.render_directive(screen, reply.display)))
    if reply.reprompt and reply.end_session is False:
        builder.ask(to_ssml(reply.reprompt))
    if reply.card:
        title, text = card_fields(reply.card)
        builder.set_card(SimpleCard(title=title, content=text))
    for directive in reply.directives:
        builder.add_directive(sdk_directive(directive))
    if reply.routine is not None and skill_id:
        builder.add_directive(sdk_directive(routine_directive(reply.routine, skill_id)))
    if reply.end_session is not None:
        builder.set_should_end_session(reply.end_session)
    response: Response = builder.response
    return response


def sdk_json(reply: Reply, screen: dict[str, Any] | None = None, skill_id: str = "") -> Any:
    """``sdk_response`` as the SDK's serializer writes it."""
    return SERIALIZER.serialize(sdk_response(reply, screen, skill_id))
