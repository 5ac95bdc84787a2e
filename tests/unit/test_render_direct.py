"""The spoken turns' response, rendered straight to JSON, is the SDK's to the byte.

``render.render_response`` skips the SDK's response builder and model objects; what Alexa
receives must not change for it. The oracle is the SDK itself: its ``ResponseFactory`` driven
as a handler drives it and its ``DefaultSerializer`` (``tests/support/sdk_response.py``),
compared as JSON text (so key order counts) over every shape of reply a flow can give.
"""

from __future__ import annotations

import json
from typing import Any

from ask_sdk_model import ResponseEnvelope
from hypothesis import given, settings
from hypothesis import strategies as st

from skill.runtime import copying
from skill.runtime.handlers import render
from skill.runtime.reply import (
    Card,
    Display,
    Pause,
    PersonName,
    Reply,
    RoutineOffer,
    Say,
    Silence,
    Sound,
)
from tests.support.sdk_response import SERIALIZER, sdk_json, sdk_response

words = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
segments = st.lists(
    st.one_of(
        st.builds(Say, words),
        st.builds(Pause, st.integers(-100, 20_000)),
        st.builds(Silence, st.integers(0, 25)),
        st.builds(Sound, st.sampled_from(["chime", "bell", "unknown"])),
        st.builds(PersonName, st.text("abc123.-", min_size=1, max_size=12)),
    ),
    max_size=4,
).map(tuple)
directives = st.sampled_from(
    [
        {"type": "Dialog.ElicitSlot", "slotToElicit": "time"},
        {"type": "VideoApp.Launch", "videoItem": {"source": "https://example.invalid/a.mp4"}},
        {
            "type": "Connections.SendRequest",
            "name": "AskFor",
            "payload": {
                "@type": "AskForPermissionsConsentRequest",
                "@version": "1",
                "permissionScope": "alexa::alerts:reminders:skill:readwrite",
            },
            "token": "reminders",
        },
        {"type": "Alexa.Presentation.APL.ExecuteCommands", "token": "t", "commands": []},
        {"type": "Dialog.Delegate", "unknownField": 3},
    ]
)
replies = st.builds(
    Reply,
    speech=segments,
    reprompt=segments,
    end_session=st.sampled_from([True, False, None]),
    card=st.one_of(st.none(), st.builds(Card, words, st.text(max_size=9000))),
    directives=st.lists(directives, max_size=3).map(tuple),
    display=st.one_of(st.none(), st.builds(Display, words, words, words, st.integers(0, 90))),
    routine=st.one_of(
        st.none(),
        st.builds(
            RoutineOffer,
            st.just("EveningQuestion"),
            st.integers(1, 3),
            st.lists(words, max_size=7).map(tuple),
            st.just("en-US"),
            words,
            st.just("routine-token"),
        ),
    ),
)
SCREEN = {"type": "APL", "version": "2023.3", "mainTemplate": {"items": [{"type": "Text"}]}}


def _sdk(reply: Reply, screen: dict[str, Any] | None, skill_id: str) -> str:
    return json.dumps(sdk_json(reply, screen, skill_id))


def _direct(reply: Reply, screen: dict[str, Any] | None, skill_id: str) -> str:
    return json.dumps(render.response_json(render.render_response(reply, screen, skill_id)))


@settings(max_examples=400, deadline=None)
@given(
    reply=replies,
    screen=st.sampled_from([None, SCREEN]),
    skill_id=st.sampled_from(["", "amzn1.ask.skill.x"]),
)
def test_a_rendered_response_is_the_sdks_json(
    reply: Reply, screen: dict[str, Any] | None, skill_id: str
) -> None:
    assert _direct(reply, screen, skill_id) == _sdk(reply, screen, skill_id)


@given(
    reply=replies,
    attributes=st.one_of(
        st.none(),
        st.dictionaries(
            st.text(max_size=8),
            st.recursive(
                st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                lambda inner: (
                    st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=5), inner, max_size=3)
                ),
                max_leaves=8,
            ),
            max_size=5,
        ),
    ),
)
def test_a_rendered_envelope_is_the_sdks_json(
    reply: Reply, attributes: dict[str, Any] | None
) -> None:
    def envelope(response: Any) -> ResponseEnvelope:
        return ResponseEnvelope(
            response=response, version="1.0", session_attributes=attributes, user_agent="ua/1"
        )

    direct = render.envelope_json(envelope(render.render_response(reply)))
    sdk = SERIALIZER.serialize(envelope(sdk_response(reply)))
    assert json.dumps(direct) == json.dumps(sdk)


def test_the_video_app_directive_leaves_the_session_open_question_to_alexa() -> None:
    """The one rule of the SDK's builder that isn't about layout: with ``VideoApp.Launch``
    among the directives, ``shouldEndSession`` is left out, whatever the reply asked."""
    video = {"type": "VideoApp.Launch", "videoItem": {"source": "https://example.invalid/v"}}
    for end in (True, False):
        reply = Reply(speech=(Say("hi"),), reprompt=(Say("hm?"),), end_session=end)
        body = render.response_json(
            render.render_response(copying.replace(reply, directives=(video,)))
        )
        assert "shouldEndSession" not in body
        plain = render.response_json(render.render_response(reply))
        assert plain["shouldEndSession"] is end
