"""A reply's ``Display`` as an APL RenderDocument directive, for devices with a screen.

The layout is data (``content/<locale>/apl.json``, checked by ``apl.schema.json``): the
document binds every visible word to the ``screen`` datasource built here from the display,
whose words come from content. This module decides only how those words are laid out
(capitalised, sized for their length, a countdown as minutes and seconds). Send a document
only to devices whose request lists ``Alexa.Presentation.APL`` in its supported interfaces.
"""

from __future__ import annotations

from typing import Any

from skill.runtime.catalog import LocaleContent
from skill.runtime.reply import Display

#: The interface a device must list in ``context.System.device.supportedInterfaces``.
INTERFACE = "Alexa.Presentation.APL"
RENDER_DOCUMENT = "Alexa.Presentation.APL.RenderDocument"
#: Identifies the skill's screen in later APL requests (UserEvent, ExecuteCommands).
TOKEN = "heart-to-heart-screen"
MAIN = "main"
#: Main lines longer than this are set smaller, so a long question still fits the screen.
LONG_TEXT_CHARS = 90


def document(content: LocaleContent, name: str = MAIN) -> dict[str, Any] | None:
    """The named screen document for this locale (or the default locale), None if none."""
    try:
        documents: dict[str, Any] = content.section("apl")
    except KeyError:
        return None
    found = documents.get(name)
    return found if isinstance(found, dict) else None


def datasources(display: Display) -> dict[str, Any]:
    """The ``screen`` datasource the document binds to (as ``payload.screen``)."""
    return {
        "screen": {
            "title": _sentence_case(display.title),
            "text": _sentence_case(display.text),
            "footer": _sentence_case(display.footer),
            "timer": clock(display.seconds),
            "long": len(display.text) > LONG_TEXT_CHARS,
        }
    }


def render_directive(doc: dict[str, Any], display: Display) -> dict[str, Any]:
    """The RenderDocument directive, as JSON, showing ``display`` with ``doc``."""
    return {
        "type": RENDER_DOCUMENT,
        "token": TOKEN,
        "document": doc,
        "datasources": datasources(display),
    }


def clock(seconds: int) -> str:
    """A timed turn's length as a countdown shows it: ``1:30``; nothing for no timed turn."""
    if seconds <= 0:
        return ""
    minutes, rest = divmod(seconds, 60)
    return f"{minutes}:{rest:02d}"


def _sentence_case(text: str) -> str:
    """A line as it starts on a screen: "partner one has the floor" -> "Partner one ..."."""
    text = text.strip()
    return text[:1].upper() + text[1:]
