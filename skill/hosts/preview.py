"""``heart-to-heart preview``: listen to content before a couple does.

Every speakable string in ``content/<locale>/*.json`` gets an id: a question is its id (its
follow-up ``<id>.follow_up``), a phrase is its key (variants ``<key>.1``, ``<key>.2`` …),
and any other item is named the same way from its ``id`` and field names. A string counts as
speakable when it has more than one word, so themes, kinds and ids are left out.
``{placeholders}`` are filled from ``--param name=value``, else spoken as their name
("{nameOne}" as "name one"), so an author hears where a name goes.

Selecting ``ID`` takes that item and everything under it (``launch.returning`` takes all its
variants). Files land in ``OUT/<file>/<id>.mp3``; ``--alexa-format`` transcodes them to what
Alexa's SSML ``<audio>`` accepts.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import string
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from skill.runtime.copying import replace
from skill.tools.tts import Speaker, to_alexa_format

_SKIPPED_KEYS = frozenset({"$schema", "locale", "id"})
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Item:
    """One speakable string of content."""

    file: str
    id: str
    text: str


def content_items(locale_dir: Path, files: Sequence[Path] | None = None) -> list[Item]:
    """Every speakable string of the locale's content files (or of ``files``), in order."""
    paths = sorted(locale_dir.glob("*.json")) if files is None else list(files)
    items: list[Item] = []
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        items.extend(Item(path.stem, label, text) for label, text in _walk(data, "", top=True))
    return items


def _walk(node: Any, label: str, top: bool = False) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        own = node.get("id")
        if isinstance(own, str):
            label = own
        for key, value in node.items():
            if key in _SKIPPED_KEYS:
                continue
            nested = f"{label}.{key}" if label else key
            child = label if top or key == "text" else nested
            yield from _walk(value, child)
    elif isinstance(node, list):
        many = len(node) > 1
        for index, value in enumerate(node, start=1):
            has_id = isinstance(value, dict) and isinstance(value.get("id"), str)
            child = label if has_id or not many else f"{label}.{index}"
            yield from _walk(value, child)
    elif isinstance(node, str) and len(node.split()) > 1 and label:
        yield label, node


def select(items: Sequence[Item], ids: Sequence[str]) -> tuple[list[Item], list[str]]:
    """Items named by ``ids`` (each id with everything under it) and the ids that named none."""
    chosen: list[Item] = []
    unknown: list[str] = []
    for wanted in ids:
        found = [i for i in items if i.id == wanted or i.id.startswith(wanted + ".")]
        if not found:
            unknown.append(wanted)
        chosen.extend(i for i in found if i not in chosen)
    return chosen, unknown


def fill(text: str, params: Mapping[str, str]) -> str:
    """Placeholders replaced by ``params``, or by their own name in words."""
    out: list[str] = []
    for literal, name, _, _ in string.Formatter().parse(text):
        out.append(literal)
        if name:
            out.append(params.get(name) or _words(name))
    return "".join(out)


def _words(name: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])|_", " ", name).lower()


def output_path(out_dir: Path, item: Item) -> Path:
    return out_dir / _SAFE.sub("_", item.file) / f"{_SAFE.sub('_', item.id)}.mp3"


def render(
    items: Sequence[Item],
    speaker: Speaker,
    out_dir: Path,
    params: Mapping[str, str],
    alexa_format: bool = False,
) -> Iterator[tuple[Item, Path]]:
    """Render each item (cached by the speaker) into ``out_dir``; raises ``TtsError``."""
    for item in items:
        source = speaker.render(fill(item.text, params))
        target = output_path(out_dir, item)
        if alexa_format:
            to_alexa_format(source, target)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        yield item, target


# --- the command ------------------------------------------------------------------------------


def add_preview_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    preview = sub.add_parser(
        "preview", help="render content to MP3 with gTTS so authors can listen to it"
    )
    preview.add_argument("ids", nargs="*", help="content ids (a question id, a phrase key, ...)")
    preview.add_argument("--file", type=Path, action="append", help="every item of this file")
    preview.add_argument("--all", action="store_true", help="every item of the locale")
    preview.add_argument("--list", action="store_true", help="print ids and text, render nothing")
    preview.add_argument("--locale", default="en-US")
    preview.add_argument("--out", type=Path, default=Path("var") / "preview")
    preview.add_argument(
        "--alexa-format",
        action="store_true",
        help="transcode with ffmpeg to Alexa's SSML audio format (mono, 24 kHz, 48 kbit/s)",
    )
    preview.add_argument(
        "--param", action="append", default=[], metavar="NAME=VALUE", help="fill a placeholder"
    )
    preview.add_argument("--tts-base-url", default=None, help="where gTTS sends requests")
    preview.add_argument("--timeout", type=float, default=None, help="seconds per rendering")


def run_preview(
    args: argparse.Namespace, out: TextIO = sys.stdout, err: TextIO = sys.stderr
) -> int:
    from skill.hosts.web.app import WebOptions
    from skill.runtime.settings import Settings
    from skill.tools.tts import TtsError, ffmpeg_path

    selections = bool(args.ids) + bool(args.file) + bool(args.all)
    if selections != 1:
        print("choose what to preview: content ids, --file PATH, or --all", file=err)
        return 2
    locale_dir = Settings.from_env().content_dir / args.locale
    if not locale_dir.is_dir():
        print(f"no content for locale {args.locale} in {locale_dir}", file=err)
        return 2
    try:
        params = dict(_param(p) for p in args.param)
        if args.file:
            missing = [str(p) for p in args.file if not p.is_file()]
            if missing:
                raise ValueError(f"no such content file: {', '.join(missing)}")
            items = content_items(locale_dir, args.file)
        else:
            items = content_items(locale_dir)
    except (ValueError, OSError) as exc:
        print(f"preview: {exc}", file=err)
        return 2
    if args.ids:
        items, unknown = select(items, args.ids)
        if unknown:
            print(f"no content with id: {', '.join(unknown)}", file=err)
            return 2
    if args.list:
        for item in items:
            print(f"{item.file}\t{item.id}\t{fill(item.text, params)}", file=out)
        return 0
    if args.alexa_format and ffmpeg_path() is None:
        print("--alexa-format needs ffmpeg (apt-get install ffmpeg)", file=err)
        return 2
    tts = WebOptions.from_env(locale=args.locale).tts
    tts = replace(
        tts,
        base_url=args.tts_base_url or tts.base_url,
        timeout_s=args.timeout or tts.timeout_s,
        backoff_s=0.0,
    )
    count = 0
    try:
        for item, path in render(items, Speaker(tts), args.out, params, args.alexa_format):
            print(f"{item.id}\t{path}", file=out)
            count += 1
    except TtsError as exc:
        print(f"preview stopped after {count} file(s): speech failed ({exc})", file=err)
        return 1
    print(f"{count} file(s) in {args.out}", file=err)
    return 0


def _param(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise ValueError(f"--param takes NAME=VALUE, not {text!r}")
    return name, value
