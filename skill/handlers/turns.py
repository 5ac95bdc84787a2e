"""The one path every spoken turn takes: facts -> event -> runner(flow) -> response."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from random import Random
from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.catalog import Catalog
from skill.flows import dialog
from skill.flows.events import Event
from skill.handlers.render import build_response
from skill.handlers.translate import event_for, facts, session_attributes
from skill.nights import zone
from skill.reply import Pause, Reply
from skill.settings import Settings
from skill.state import Household, State, session_from_json, to_dict
from skill.timezone import TimeZoneLookup
from skill.turn import TurnRunner, household_key

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Services:
    """What handlers need, wired once in ``build_skill``."""

    settings: Settings
    catalog: Catalog
    runner: TurnRunner
    time_zones: TimeZoneLookup


def answer(services: Services, handler_input: HandlerInput, event: Event | None = None) -> Response:
    """Run one turn through the dialog and render its reply."""
    envelope = handler_input.request_envelope
    request = facts(envelope)
    event = event or event_for(envelope)
    content = services.catalog.for_locale(request.locale)
    session = session_from_json(session_attributes(envelope))
    if not session.time_zone:
        looked_up = services.time_zones.lookup(
            request.api_endpoint, request.device_id, request.api_token
        )
        session.time_zone = looked_up or services.settings.default_time_zone
    local_now = request.timestamp.astimezone(zone(session.time_zone, "UTC"))
    key = household_key(request.user_id, services.settings.key_salt) if request.user_id else None
    seed = f"{key}|{request.timestamp.isoformat()}|{event.kind}|{event.intent}"
    outcome: dict[str, Any] = {}

    def apply(household: Household) -> tuple[Household, Reply]:
        new_state, reply = dialog.handle(
            State(household, session), event, content, local_now, Random(seed)
        )
        outcome["session"] = new_state.session
        return new_state.household, reply

    result = services.runner.run(key, apply)
    reply = result.reply
    if result.degraded and reply.speech:
        notice = content.say("store.unavailable", Random(seed))
        reply = Reply(
            (notice, Pause(300), *reply.speech),
            reply.reprompt,
            reply.end_session,
            reply.card,
            reply.directives,
        )
    log.info(
        "turn key=%s type=%s intent=%s degraded=%s reads=%d writes=%d",
        key,
        request.request_type,
        event.intent,
        result.degraded,
        result.reads,
        result.writes,
    )
    if reply.end_session is False and "session" in outcome:
        handler_input.attributes_manager.session_attributes = to_dict(outcome["session"])
    return build_response(handler_input.response_builder, reply)
