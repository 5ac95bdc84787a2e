"""The other English locales, generated from en-US: ``python -m skill.tools.localize``.

en-GB, en-CA, en-AU and en-IN share en-US's content and interaction model; they differ in
spelling ("favourite", "colour", "counselling", "-ise" but in Canada) and a few words. So
their folders hold only what differs, and that is generated, never written by hand for
hundreds of items: every en-US item is respelled with the locale's word list
(``spelling.json``, reviewed by reading), and an item whose wording changes is written to
``content/<locale>/`` as an override; per-item fallback supplies everything else. The
interaction model (``interaction_models/<locale>.json``) and its built-in phrases are the
en-US ones respelled, so a new en-US intent reaches every English market at the next run;
``--check`` (and a unit test) fail when a generated file is stale.

Files a locale's writer owns by hand (anything not listed in ``GENERATED`` of that locale,
such as a clock wording) are left alone, and win over the generated overrides.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
SOURCE = "en-US"
SPELLING = Path(__file__).with_name("spelling.json")
#: Fields that name things rather than say them: never respelled.
NAMING_KEYS = frozenset(
    {"id", "$schema", "locale", "kind", "theme", "audience", "barrier", "intent", "type"}
)
#: Content files that are layout, not words.
LAYOUT_FILES = frozenset({"apl.json"})
#: The prefix of every file this tool writes into a locale's content folder.
GENERATED_PREFIX = "generated"


def locales(spelling: Path = SPELLING) -> tuple[str, ...]:
    """The locales generated from en-US."""
    data = json.loads(spelling.read_text(encoding="utf-8"))
    return tuple(sorted(data["locales"]))


def substitutions(locale: str, spelling: Path = SPELLING) -> dict[str, str]:
    """The words ``locale`` says or spells differently from en-US (lower case)."""
    data = json.loads(spelling.read_text(encoding="utf-8"))
    entry = data["locales"][locale]
    words: dict[str, str] = {}
    for shared in entry["uses"]:
        words.update(data[shared])
    words.update(entry["words"])
    return {us: local for us, local in words.items() if us != local}


def respeller(words: Mapping[str, str]) -> Callable[[str], str]:
    """A function respelling whole words, keeping "Favorite" as "Favourite"."""
    if not words:
        return lambda text: text
    pattern = re.compile(
        r"\b(" + "|".join(map(re.escape, sorted(words, key=len)[::-1])) + r")\b", re.I
    )

    def one(match: re.Match[str]) -> str:
        found = match.group(0)
        local = words[found.lower()]
        if found.isupper() and len(found) > 1:
            return local.upper()
        if found[0].isupper():
            return local[0].upper() + local[1:]
        return local

    return lambda text: pattern.sub(one, text)


def respelled(node: Any, respell: Callable[[str], str], key: str = "") -> Any:
    """``node`` with every spoken string respelled (names and ids kept)."""
    if isinstance(node, str):
        return node if key in NAMING_KEYS else respell(node)
    if isinstance(node, list):
        return [respelled(item, respell, key) for item in node]
    if isinstance(node, dict):
        return {k: respelled(v, respell, k) for k, v in node.items()}
    return node


def _is_items(node: Any) -> bool:
    return (
        isinstance(node, list)
        and bool(node)
        and all(isinstance(i, dict) and isinstance(i.get("id"), str) for i in node)
    )


def differing(source: dict[str, Any], local: dict[str, Any]) -> dict[str, Any]:
    """The top-level fields of ``local`` that differ from ``source``, item by item: keyed
    sections keep their changed keys, lists of items with ids their changed items."""
    out: dict[str, Any] = {}
    for key, value in local.items():
        before = source.get(key)
        if value == before or key in ("locale", "$schema"):
            continue
        if isinstance(value, dict) and isinstance(before, dict):
            out[key] = {k: v for k, v in value.items() if before.get(k) != v}
        elif _is_items(value) and _is_items(before):
            old = {i["id"]: i for i in before or ()}
            out[key] = [i for i in value if old.get(i["id"]) != i]
        else:
            out[key] = value
    return out


def _schema_ok(kind: str, data: dict[str, Any], root: Path) -> bool:
    import fastjsonschema

    schema = json.loads((root / "content" / "schema" / f"{kind}.schema.json").read_text())
    try:
        fastjsonschema.compile(schema)(data)
    except fastjsonschema.JsonSchemaValueException:
        return False
    return True


def content_overrides(locale: str, root: Path = ROOT) -> dict[str, dict[str, Any]]:
    """File name -> content for ``locale``'s generated overrides of en-US's content."""
    respell = respeller(substitutions(locale))
    owned = _hand_written(locale, root)
    files: dict[str, dict[str, Any]] = {}
    for path in sorted((root / "content" / SOURCE).glob("*.json")):
        if path.name in LAYOUT_FILES:
            continue
        kind = path.stem.split("-")[0]
        source = json.loads(path.read_text(encoding="utf-8"))
        local = {**respelled(source, respell), "locale": locale}
        if kind == "manifest":  # store text: the whole of it, in the locale's spelling
            files[path.name] = local
            continue
        changed = differing(source, local)
        for key, value in list(changed.items()):
            if isinstance(value, dict):
                mine = owned.get(f"{kind}/{key}", set())
                changed[key] = {k: v for k, v in value.items() if k not in mine}
                if not changed[key]:
                    del changed[key]
        if not changed:
            continue
        schema = json.loads((root / "content" / "schema" / f"{kind}.schema.json").read_text())
        required = {k: local[k] for k in schema.get("required", ()) if k in local}
        partial = {"$schema": source["$schema"], **required, **changed, "locale": locale}
        if kind == "questions" and "opt_in_themes" in source:
            partial["opt_in_themes"] = source["opt_in_themes"]  # opt-in is read per file
        # A partial file the schema refuses (too few items of a kind) is written whole.
        files[path.name] = partial if _schema_ok(kind, partial, root) else local
    return {generated_name(name): data for name, data in files.items()}


def generated_name(name: str) -> str:
    """``phrases-ritual.json`` -> ``phrases-generated-ritual.json``: the same kind, marked."""
    kind, _, part = name.removesuffix(".json").partition("-")
    return f"{kind}-{GENERATED_PREFIX}{'-' + part if part else ''}.json"


def _hand_written(locale: str, root: Path) -> dict[str, set[str]]:
    """Per kind, the keys a locale's own hand-written files already hold (they win)."""
    owned: dict[str, set[str]] = {}
    folder = root / "content" / locale
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        if GENERATED_PREFIX in path.stem.split("-")[:2]:
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        for key, value in data.items():
            if isinstance(value, dict):
                owned.setdefault(f"{path.stem.split('-')[0]}/{key}", set()).update(value)
    return owned


def model_files(locale: str, root: Path = ROOT) -> dict[str, dict[str, Any]]:
    """``interaction_models`` path -> content: the locale's respelled model and built-ins."""
    respell = respeller(substitutions(locale))
    models = root / "interaction_models"
    out: dict[str, dict[str, Any]] = {}
    for relative in (f"{SOURCE}.json", f"builtins/{SOURCE}.json"):
        source = json.loads((models / relative).read_text(encoding="utf-8"))
        out[relative.replace(SOURCE, locale)] = respelled(source, respell)
    for intent in out[f"{locale}.json"]["interactionModel"]["languageModel"]["intents"]:
        own = _entry(locale).get("samples", {}).get(intent["name"], [])
        intent["samples"] = [*intent.get("samples", []), *own]  # what only this market says
    extra = _entry(locale).get("time", {})
    if extra:  # how this market says a clock time beyond en-US ("half eight")
        builtins = out[f"builtins/{locale}.json"]
        builtins["time"] = {**builtins["time"], **extra}
    return out


def _entry(locale: str, spelling: Path = SPELLING) -> dict[str, Any]:
    entry: dict[str, Any] = json.loads(spelling.read_text(encoding="utf-8"))["locales"][locale]
    return entry


def _dump(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def planned(root: Path = ROOT) -> dict[Path, str]:
    """Every generated file and the text it should hold."""
    out: dict[Path, str] = {}
    for locale in locales():
        for name, data in content_overrides(locale, root).items():
            out[root / "content" / locale / name] = _dump(data)
        for relative, data in model_files(locale, root).items():
            out[root / "interaction_models" / relative] = _dump(data)
    return out


def _generated_content(root: Path) -> set[Path]:
    """Generated content files on disk (so that one no longer needed is removed)."""
    found: set[Path] = set()
    for locale in locales():
        folder = root / "content" / locale
        if folder.is_dir():
            found |= {p for p in folder.glob("*.json") if GENERATED_PREFIX in p.stem.split("-")[:2]}
    return found


def stale(root: Path = ROOT) -> list[str]:
    """Generated files that differ from what en-US would generate now, or should go."""
    plan = planned(root)
    problems = [
        str(path.relative_to(root))
        for path, text in plan.items()
        if not path.is_file() or path.read_text(encoding="utf-8") != text
    ]
    problems += [str(p.relative_to(root)) for p in sorted(_generated_content(root) - set(plan))]
    return problems


def write(root: Path = ROOT) -> list[Path]:
    """Write every generated file (removing ones no longer needed); the paths written."""
    plan = planned(root)
    for path in _generated_content(root) - set(plan):
        path.unlink()
    written = []
    for path, text in plan.items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="fail when a file is stale")
    args = parser.parse_args(argv)
    if args.check:
        problems = stale()
        for problem in problems:
            print(f"stale: {problem}", file=sys.stderr)
        return 1 if problems else 0
    for path in write():
        print(f"wrote {path.relative_to(ROOT)}")
    return 0
