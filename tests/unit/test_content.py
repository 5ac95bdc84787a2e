"""Content is data: complete, well-formed, and written for the ear."""

from __future__ import annotations

import ast
import json
import re
import string
from collections import Counter
from pathlib import Path

from skill.runtime.catalog import Catalog, LocaleContent
from tests.support.dialog import ROOT

SKILL_DIR = ROOT / "skill"


#: The seed article's practices, as the deck's themes; and its four barriers.
SEED_THEMES = {
    "make time for each other": {"time_together"},
    "be honest about feelings": {"feelings"},
    "listen actively": {"listening"},
    "trust and security": {"trust"},
    "physical closeness": {"closeness", "romance"},
    "acceptance": {"acceptance"},
    "growth": {"growth"},
    "hopes, dreams and worries": {"dreams", "worries"},
    "gratitude": {"gratitude"},
}
BARRIERS = {"baggage", "communication", "no_time", "vulnerability"}


def test_a_year_of_questions_in_sixteen_themes_or_more(content: LocaleContent) -> None:
    questions = content.questions
    assert len(questions) >= 1000
    themes = Counter(q.theme for q in questions)
    assert len(themes) >= 16
    for theme in themes:
        depths = {q.depth for q in questions if q.theme == theme}
        assert depths == {1, 2, 3}, theme
    for practice, covering in SEED_THEMES.items():
        assert sum(themes[t] for t in covering) >= 40, practice
    for barrier in BARRIERS:
        tagged = [q for q in questions if q.barrier == barrier]
        assert len(tagged) >= 40, barrier
        assert {q.depth for q in tagged} == {1, 2, 3}, barrier


def test_vulnerability_is_reachable_without_going_deeper(content: LocaleContent) -> None:
    """Light and personal questions are the everyday mix; vulnerability has bridges there."""
    gentle = [q for q in content.questions if q.barrier == "vulnerability" and q.depth < 3]
    assert len(gentle) >= 20


def test_money_and_family_are_asked_only_when_asked_for(content: LocaleContent) -> None:
    opt_in = {q.theme for q in content.questions if q.opt_in}
    assert opt_in == {"money", "family"}


def test_questions_are_short_open_and_unique(content: LocaleContent) -> None:
    texts = [q.text for q in content.questions]
    assert len(set(texts)) == len(texts)
    for q in content.questions:
        assert len(q.text.split()) <= 20, q.id
        assert q.text.endswith("?"), q.id
        assert not re.search(r"[\d/()]", q.text), q.id


def test_no_therapy_claims_or_explicit_words(catalog: Catalog) -> None:
    banned = re.compile(r"\b(therapy|therapist|diagnos\w*|cure|sex\w*|treatment)\b", re.I)
    content = catalog.for_locale("en-US")
    every_text = [q.text + " " + q.follow_up for q in content.questions]
    every_text += [v for variants in content.phrases.values() for v in variants]
    for text in every_text:
        assert not banned.search(text), text


def _phrase_keys_used_in_code() -> set[str]:
    used: set[str] = set()
    for path in SKILL_DIR.rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"say", "phrase", "variants"}
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                used.add(node.args[0].value)
    return used


def test_every_phrase_the_code_names_exists(content: LocaleContent) -> None:
    missing = sorted(k for k in _phrase_keys_used_in_code() if k not in content.phrases)
    assert missing == []


def test_phrase_placeholders_are_plain_names(content: LocaleContent) -> None:
    formatter = string.Formatter()
    for key, variants in content.phrases.items():
        fields = {tuple(f for _, f, _, _ in formatter.parse(v) if f) for v in variants}
        assert (
            len(fields) == 1
            or all(not f for f in fields)
            or len({frozenset(f) for f in fields}) == 1
        ), key


def _is_docstring(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """A bare string statement: a docstring, or an attribute's docstring after an assignment."""
    return isinstance(parents.get(node), ast.Expr)


def _looks_like_a_sentence(text: str) -> bool:
    """Something a person would hear: a capitalised run of words ending like a sentence."""
    stripped = text.strip()
    return (
        len(stripped.split()) >= 4
        and stripped[:1].isupper()
        and stripped[-1:] in ".!?"
        and not re.search(r"[{}=<>%_/\\|\[\]]", stripped)
    )


def test_no_user_facing_sentence_lives_in_python() -> None:
    """Every spoken sentence is content. Developer-facing text (errors raised, log lines,
    argparse help, docstrings) is allowed; any other sentence-like string literal is not."""
    allowed_calls = {
        "error",
        "warning",
        "info",
        "debug",
        "exception",
        "add_argument",
        "add_parser",
        "ArgumentParser",
        "print",
    }
    offenders: list[str] = []
    for path in sorted(SKILL_DIR.rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                continue
            if _is_docstring(node, parents) or not _looks_like_a_sentence(node.value):
                continue
            ancestor: ast.AST | None = parents.get(node)
            exempt = False
            while ancestor is not None:
                if isinstance(ancestor, ast.Raise):
                    exempt = True
                    break
                if isinstance(ancestor, ast.Call):
                    func = ancestor.func
                    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                    if name in allowed_calls or name.endswith(("Error", "Exception", "Mismatch")):
                        exempt = True
                        break
                ancestor = parents.get(ancestor)
            if not exempt:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}")
    assert not offenders, "\n".join(offenders)


def test_a_broken_content_file_names_file_item_and_reason(tmp_path: Path) -> None:
    import json
    import shutil

    import pytest

    from skill.runtime.catalog import ContentError

    shutil.copytree(ROOT / "content", tmp_path / "content")
    deck = tmp_path / "content" / "en-US" / "questions.json"
    data = json.loads(deck.read_text())
    data["questions"][3]["depth"] = 7
    broken_id = data["questions"][3]["id"]
    deck.write_text(json.dumps(data))
    with pytest.raises(ContentError) as caught:
        Catalog.load(tmp_path / "content")
    message = str(caught.value)
    assert "questions.json" in message and broken_id in message and "depth" in message


def _spoken_texts(content: LocaleContent) -> list[tuple[str, str]]:
    """Every sentence template the skill can say, with where it comes from."""
    texts = [(key, v) for key, variants in content.phrases.items() for v in variants]
    texts += [(q.id, q.text) for q in content.questions]
    texts += [(q.id, q.follow_up) for q in content.questions if q.follow_up]
    raw = json.loads((ROOT / "content" / "en-US" / "exercises.json").read_text())

    def strings(node: object, where: str) -> None:
        if isinstance(node, str):
            texts.append((where, node))
        elif isinstance(node, list):
            for item in node:
                strings(item, where)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key in ("narration", "say", "text", "prompt", "reminder"):
                    strings(value, f"{where}.{key}")
                elif isinstance(value, (dict, list)):
                    strings(value, where)

    for exercise in raw["exercises"]:
        strings(exercise, exercise["id"])
    return texts


def test_spoken_sentences_are_short_enough_to_say_in_a_breath(content: LocaleContent) -> None:
    texts = _spoken_texts(content)
    exercise_ids = {
        e["id"]
        for e in json.loads((ROOT / "content" / "en-US" / "exercises.json").read_text())[
            "exercises"
        ]
    }
    assert sum(1 for where, _ in texts if where.split(".")[0] in exercise_ids) > 50
    too_long = []
    for where, text in texts:
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            if len(sentence.split()) > 22:
                too_long.append(f"{where}: {sentence}")
    assert not too_long, "\n".join(too_long)
