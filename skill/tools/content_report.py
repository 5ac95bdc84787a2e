"""``heart-to-heart content-report``: what the deck holds, counted from the loaded catalog.

Writers add content in parallel, each to one bank; the report is how anyone sees the whole at
a glance: how many items of each kind, how the questions spread over themes, depths, barriers
and audiences, which themes are asked only on request. It reads the catalog exactly as the
skill loads it (schemas checked), so what it counts is what a couple can hear. Plain text in
aligned columns, so it pastes into a README or a review as it is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TextIO

from skill.runtime.catalog import (
    Catalog,
    ContentError,
    Game,
    GratitudePrompt,
    LocaleContent,
    Question,
    lacking_locale,
    language_default,
)
from skill.runtime.exercises import Exercise
from skill.runtime.settings import DEFAULT_CONTENT_DIR

DEPTHS = (1, 2, 3)
#: What a question without a barrier or audience tag is shown as.
UNTAGGED = "(any)"


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    """Rows in aligned columns: words left-aligned, figures right-aligned."""
    cells = [[str(c) for c in header], *([str(c) for c in row] for row in rows)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    figures = [
        i > 0 and all(row[i].isdigit() or not row[i] for row in cells[1:])
        for i in range(len(header))
    ]
    return [
        "  ".join(
            cell.rjust(width) if figure else cell.ljust(width)
            for cell, width, figure in zip(row, widths, figures, strict=True)
        ).rstrip()
        for row in cells
    ]


def _by_depth(questions: Sequence[Question], key: str, order: Sequence[str]) -> list[list[object]]:
    counts = Counter((getattr(q, key) or UNTAGGED, q.depth) for q in questions)
    rows: list[list[object]] = []
    for name in order:
        per_depth = [counts[(name, d)] for d in DEPTHS]
        rows.append([name, *per_depth, sum(per_depth)])
    rows.append(["total", *(sum(1 for q in questions if q.depth == d) for d in DEPTHS)])
    rows[-1].append(len(questions))
    return rows


def _ordered(values: Iterable[str]) -> list[str]:
    """Tags by first appearance in the file (the writers' order), untagged last."""
    seen = list(dict.fromkeys(v or UNTAGGED for v in values))
    return [v for v in seen if v != UNTAGGED] + ([UNTAGGED] if UNTAGGED in seen else [])


def report(content: LocaleContent) -> str:
    """The whole report for one locale."""
    questions: tuple[Question, ...] = content.questions
    games: tuple[Game, ...] = content.section("games")
    prompts: tuple[GratitudePrompt, ...] = content.section("gratitude")
    exercises: tuple[Exercise, ...] = content.section("exercises")
    phrases = content.phrases
    game_items = sum(len(g.questions) for g in games)
    shared = sum(1 for g in games for q in g.questions if q.share)

    out = [f"Heart to Heart content, {content.locale}", ""]
    out += table(
        ("kind", "items"),
        [
            ("questions", len(questions)),
            (f"game items ({len(games)} games, {shared} shared)", game_items),
            ("gratitude prompts", len(prompts)),
            ("exercises", len(exercises)),
            (f"phrases ({len(phrases)} keys)", sum(len(v) for v in phrases.values())),
        ],
    )
    out += ["", "Games"]
    out += table(
        ("game", "kind", "items", "shared", "scored"),
        [
            (
                g.title,
                g.kind,
                len(g.questions),
                sum(1 for q in g.questions if q.share),
                sum(1 for q in g.questions if not q.share),
            )
            for g in games
        ],
    )
    out += ["", "Gratitude prompts by kind"]
    kinds = Counter(p.kind for p in prompts)
    swaps = Counter(p.kind for p in prompts if p.swap)
    out += table(
        ("kind", "prompts", "swap"),
        [(k, kinds[k], swaps[k]) for k in _ordered(p.kind for p in prompts)]
        + [("total", len(prompts), sum(swaps.values()))],
    )
    out += ["", "Exercises"]
    out += table(
        ("exercise", "theme", "minutes", "steps"),
        [(e.title, e.theme, e.minutes, len(e.steps)) for e in exercises]
        + [("total", "", sum(e.minutes for e in exercises), sum(len(e.steps) for e in exercises))],
    )
    out += ["", "Questions by theme and depth (1 light, 2 personal, 3 deep)"]
    out += table(
        ("theme", *map(str, DEPTHS), "total"),
        _by_depth(questions, "theme", _ordered(q.theme for q in questions)),
    )
    out += ["", "Questions by barrier and depth"]
    out += table(
        ("barrier", *map(str, DEPTHS), "total"),
        _by_depth(questions, "barrier", _ordered(q.barrier for q in questions)),
    )
    out += ["", "Questions by audience"]
    audiences = Counter(q.audience or UNTAGGED for q in questions)
    out += table(
        ("audience", "questions"),
        [(a, audiences[a]) for a in _ordered(q.audience for q in questions)],
    )
    opt_in = _ordered(q.theme for q in questions if q.opt_in)
    in_mix = sum(1 for q in questions if not q.opt_in)
    out += ["", "Opt-in themes (asked only when the couple names them)"]
    out += table(
        ("theme", "questions"),
        [(t, sum(1 for q in questions if q.theme == t)) for t in opt_in]
        + [("in the nightly mix", in_mix)],
    )
    return "\n".join(out) + "\n"


#: Fields every content file has that are not content.
_NOT_ITEMS = frozenset({"$schema", "locale"})


def _is_item(path: str) -> bool:
    return path.split("/")[-1] not in _NOT_ITEMS


def fallback_of(catalog: Catalog, locale: str) -> str | None:
    """Where ``locale``'s missing items come from: its language's default locale (en-GB takes
    en-US's), or for a language's default itself the skill's default (de-DE would speak en-US's
    items); None for the skill's default."""
    default = language_default(locale)
    if default != locale and default in catalog.locales:
        return default
    return None if locale == catalog.default else catalog.default


def locales_report(catalog: Catalog, locale: str) -> str:
    """Each locale against its language's default locale: how many items of each kind it has
    of its own and how many it takes from the default, then every item ``locale`` lacks.

    A locale holding only what differs (en-GB's spelling) lacks most items by design; a
    language of its own (de-DE) is measured against the skill's default locale, whose items
    it would speak in their place, so this is the list of what is still to be written."""
    out = ["Locales (items of their own, and items taken from the language's default)"]
    rows: list[list[object]] = []
    missing: list[str] = []
    for name in catalog.locales:
        default = fallback_of(catalog, name)
        if default is None:
            rows.append([name, "(default)", "", ""])
            continue
        parent = catalog.for_locale(default).own
        own = catalog.for_locale(name).own
        lacks = [p for p in lacking_locale(parent, own) if _is_item(p)]
        total = sum(1 for p in lacking_locale(parent, {}) if _is_item(p))
        rows.append([name, default, total - len(lacks), len(lacks)])
        if name == locale:
            missing = lacks
    out += table(("locale", "falls back to", "own", "from default"), rows)
    if missing:
        out += ["", f"What {locale} takes from {fallback_of(catalog, locale)}"]
        by_kind: dict[str, list[str]] = {}
        for path in missing:
            kind, _, item = path.partition("/")
            by_kind.setdefault(kind, []).append(item or "(whole file)")
        for kind, items in by_kind.items():
            out.append(f"{kind} ({len(items)}): {', '.join(items)}")
    return "\n".join(out) + "\n"


def run_content_report(
    out: TextIO, err: TextIO, locale: str = "en-US", content_dir: Path = DEFAULT_CONTENT_DIR
) -> int:
    """Load the catalog and print its report; a broken content file is reported, not raised."""
    try:
        catalog = Catalog.load(content_dir)
    except ContentError as exc:
        print(f"content error: {exc}", file=err)
        return 2
    out.write(report(catalog.for_locale(locale)))
    out.write("\n" + locales_report(catalog, locale))
    return 0
