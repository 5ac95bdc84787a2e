"""Phrases and narration as speech, with names as segments of their own.

A recognized voice's name has to be an ``<alexa:name>`` segment, so a name can't simply be
formatted into a sentence: ``render`` cuts a template at its placeholders and puts the
speech back together around them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from random import Random

from skill.runtime.catalog import LocaleContent
from skill.runtime.reply import Say, Segment

_FIELD = re.compile(r"\{(\w+)\}")
#: Text before a placeholder that puts it at the start of a sentence ("partner one" -> "Partner").
_SENTENCE_START = re.compile(r"(?:^|[.?!])\s*$")


def render(template: str, values: Mapping[str, Segment]) -> tuple[Segment, ...]:
    """A template with ``{placeholders}`` as speech, names as their own segments.

    Neighbouring words are merged back into single sentences, and a name that starts a
    sentence is capitalised, so the result reads as the template does.
    """
    out: list[Segment] = []
    position = 0
    for match in _FIELD.finditer(template):
        text = template[position : match.start()]
        value = values[match.group(1)]
        if isinstance(value, Say) and _SENTENCE_START.search(text):
            value = Say(value.text[:1].upper() + value.text[1:])
        out.extend((Say(text), value))
        position = match.end()
    out.append(Say(template[position:]))
    merged: list[Segment] = []
    for seg in out:
        if isinstance(seg, Say) and merged and isinstance(merged[-1], Say):
            merged[-1] = Say(merged[-1].text + seg.text)
        else:
            merged.append(seg)
    return tuple(
        Say(seg.text.strip()) if isinstance(seg, Say) else seg
        for seg in merged
        if not (isinstance(seg, Say) and not seg.text.strip())
    )


def line(
    content: LocaleContent, key: str, rng: Random, **values: Segment | str
) -> tuple[Segment, ...]:
    """One wording of a phrase, with names and titles put in as speech."""
    template = rng.choice(content.variants(key))
    return render(template, {k: Say(v) if isinstance(v, str) else v for k, v in values.items()})
