"""The one composition root: settings, store, catalog and clock in; a callable skill out.

Every entry point (Lambda, the web service, the local chat, tests) builds the skill here, so
they all run the same handlers and flows. ``HeartSkill.invoke`` is the outermost guard: no
envelope, however malformed, and no failure, however deep, escapes without a valid response.
"""

from __future__ import annotations

import copy
import logging
import time
from collections.abc import Callable
from typing import Any

from ask_sdk_core.exceptions import AskSdkException
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder

from skill.runtime.catalog import Catalog
from skill.runtime.flows.registry import REGISTRY
from skill.runtime.handlers.envelope import read_envelope, sdk_envelope
from skill.runtime.handlers.errors import SPOKEN_REQUESTS, SpeakingExceptionHandler
from skill.runtime.handlers.permissions import PermissionResponseHandler
from skill.runtime.handlers.pipeline import Services
from skill.runtime.handlers.render import envelope_json
from skill.runtime.handlers.resumed import SessionResumedHandler
from skill.runtime.handlers.spoken import (
    IntentHandler,
    LaunchHandler,
    SessionEndedHandler,
    SkillDisabledHandler,
)
from skill.runtime.handlers.system import CanFulfillHandler, QuietHandler
from skill.runtime.progressive import ProgressiveClient
from skill.runtime.reminders import RemindersClient
from skill.runtime.reply import Say
from skill.runtime.settings import Settings
from skill.runtime.speech import to_ssml
from skill.runtime.store.port import Store
from skill.runtime.timezone import TimeZoneLookup
from skill.runtime.turn import TurnRunner

log = logging.getLogger(__name__)


class SkillIdMismatch(Exception):
    """The request names another skill: rejected before any handler runs."""


class HeartSkill:
    """The skill as a function of JSON: ``invoke(event, context) -> response JSON``."""

    def __init__(self, sdk_skill: CustomSkill, last_resort: dict[str, Any], skill_id: str | None):
        self.sdk_skill = sdk_skill
        self._last_resort = last_resort
        self._skill_id = skill_id

    def invoke(self, event: dict[str, Any], context: Any = None) -> dict[str, Any]:
        """Answer one Alexa request envelope; raises only ``SkillIdMismatch``.

        The envelope is read by our own tolerant reader (``handlers/envelope.py``), not the
        SDK's deserializer, so a value or field Alexa adds tomorrow changes nothing here.
        """
        envelope = read_envelope(event)
        request_type = envelope.request_type
        if self._skill_id is not None and envelope.application_id != self._skill_id:
            raise SkillIdMismatch("the request's application id is not this skill's")
        try:
            response = self.sdk_skill.invoke(
                request_envelope=sdk_envelope(envelope), context=context
            )
            result = envelope_json(response)
            if isinstance(result, dict):
                return result
            log.error("sdk_serialised_non_object type=%s", request_type)
        except AskSdkException as exc:
            log.error("sdk_failed type=%s error=%s", request_type, type(exc).__name__)
        except Exception as exc:
            log.error("handler_failed type=%s error=%s", request_type, type(exc).__name__)
        return self._fallback(request_type)

    def lambda_handler(self) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
        return self.invoke

    def _fallback(self, request_type: str) -> dict[str, Any]:
        if request_type in SPOKEN_REQUESTS:
            return copy.deepcopy(self._last_resort)
        return {"version": "1.0", "response": {}}


def known_intents() -> frozenset[str]:
    """Every intent name the dialog answers; the interaction model must match this set."""
    return frozenset(REGISTRY.intent_flows)


def build_skill(
    settings: Settings,
    store: Store | None,
    catalog: Catalog,
    clock: Callable[[], float] = time.monotonic,
    time_zones: TimeZoneLookup | None = None,
    reminders: RemindersClient | None = None,
    progressive: ProgressiveClient | None = None,
) -> HeartSkill:
    """Wire handlers, flows, store and content into one skill."""
    services = Services(
        settings=settings,
        catalog=catalog,
        runner=TurnRunner(
            store,
            budget_s=settings.turn_budget_s,
            clock=clock,
            retention_days=settings.retention_days,
        ),
        time_zones=time_zones or TimeZoneLookup(timeout_s=settings.settings_api_timeout_s),
        reminders=reminders or RemindersClient(timeout_s=settings.reminders_api_timeout_s),
        progressive=progressive or ProgressiveClient(),
    )
    default = catalog.for_locale(catalog.default)
    apology = default.variants("error.general")[0]
    reprompt = default.variants("error.reprompt")[0]
    intents = known_intents()
    builder = CustomSkillBuilder()
    builder.add_request_handler(LaunchHandler(services))
    builder.add_request_handler(IntentHandler(services))
    builder.add_request_handler(SessionEndedHandler(services))
    builder.add_request_handler(SkillDisabledHandler(services))
    builder.add_request_handler(PermissionResponseHandler(services))
    builder.add_request_handler(SessionResumedHandler(services))
    builder.add_request_handler(CanFulfillHandler(intents))
    builder.add_request_handler(QuietHandler())
    builder.add_exception_handler(SpeakingExceptionHandler(catalog, (apology, reprompt)))
    last_resort = {
        "version": "1.0",
        "response": {
            "outputSpeech": {"type": "SSML", "ssml": to_ssml((Say(apology),))},
            "reprompt": {"outputSpeech": {"type": "SSML", "ssml": to_ssml((Say(reprompt),))}},
            "shouldEndSession": False,
        },
    }
    return HeartSkill(builder.create(), last_resort, settings.skill_id)


def skill_from_settings(settings: Settings) -> HeartSkill:
    """Open the configured store, load content once, and build the skill."""
    from skill.runtime.store.factory import open_store

    return build_skill(settings, open_store(settings.store_url), Catalog.load(settings.content_dir))
