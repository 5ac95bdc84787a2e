"""``heart-to-heart content-report`` prints what the deck holds, and its figures are right.

The expected figures are counted here straight from content/en-US/*.json, not through the
catalog or the report's code, so a counting mistake in either shows up as a mismatch.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.support.dialog import ROOT

CONTENT = ROOT / "content" / "en-US"


def _json(name: str) -> Any:
    return json.loads((CONTENT / name).read_text())


@pytest.fixture(scope="module")
def printed() -> str:
    return _report()


def section(printed: str, title: str) -> dict[str, list[str]]:
    """The table under ``title``: each row's first cell -> its other cells."""
    lines = printed.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith(title))
    rows: dict[str, list[str]] = {}
    for line in lines[start + 2 :]:
        if not line.strip():
            break
        cells = re.split(r"\s{2,}", line.strip())
        rows[cells[0]] = cells[1:]
    return rows


def test_the_headline_counts_match_the_files(printed: str) -> None:
    games = _json("games.json")["games"]
    items = [q for g in games for q in g["questions"]]
    phrases = {
        key: variants
        for path in CONTENT.glob("phrases*.json")
        for key, variants in json.loads(path.read_text())["phrases"].items()
    }
    kinds = section(printed, "Heart to Heart content")
    assert kinds["questions"] == [str(len(_json("questions.json")["questions"]))]
    shared = sum(1 for q in items if q.get("share"))
    assert kinds[f"game items ({len(games)} games, {shared} shared)"] == [str(len(items))]
    assert kinds["gratitude prompts"] == [str(len(_json("gratitude.json")["prompts"]))]
    assert kinds["exercises"] == [str(len(_json("exercises.json")["exercises"]))]
    variants = sum(len(v) for v in phrases.values())
    assert kinds[f"phrases ({len(phrases)} keys)"] == [str(variants)]


def test_games_prompts_and_exercises_match_the_files(printed: str) -> None:
    games = section(printed, "Games")
    for game in _json("games.json")["games"]:
        shared = sum(1 for q in game["questions"] if q.get("share"))
        total = len(game["questions"])
        assert games[game["title"]] == [game["kind"], str(total), str(shared), str(total - shared)]
    prompts = _json("gratitude.json")["prompts"]
    by_kind = section(printed, "Gratitude prompts by kind")
    for kind, count in Counter(p["kind"] for p in prompts).items():
        swaps = sum(1 for p in prompts if p["kind"] == kind and p["swap"])
        assert by_kind[kind] == [str(count), str(swaps)]
    exercises = section(printed, "Exercises")
    for ex in _json("exercises.json")["exercises"]:
        assert exercises[ex["title"]] == [ex["theme"], str(ex["minutes"]), str(len(ex["steps"]))]


@pytest.mark.parametrize(
    ("title", "field"), [("Questions by theme", "theme"), ("Questions by barrier", "barrier")]
)
def test_questions_by_depth_match_the_files(printed: str, title: str, field: str) -> None:
    questions = _json("questions.json")["questions"]
    counts = Counter((q.get(field) or "(any)", q["depth"]) for q in questions)
    rows = section(printed, title)
    for name in {name for name, _ in counts}:
        per_depth = [counts[(name, d)] for d in (1, 2, 3)]
        assert rows[name] == [str(n) for n in [*per_depth, sum(per_depth)]], name
    assert rows["total"][-1] == str(len(questions))
    assert set(rows) == {name for name, _ in counts} | {"total"}


def test_audiences_and_opt_in_themes_match_the_files(printed: str) -> None:
    data = _json("questions.json")
    questions = data["questions"]
    audiences = section(printed, "Questions by audience")
    for audience, count in Counter(q.get("audience") or "(any)" for q in questions).items():
        assert audiences[audience] == [str(count)]
    opt_in = section(printed, "Opt-in themes")
    for theme in data["opt_in_themes"]:
        assert opt_in[theme] == [str(sum(1 for q in questions if q["theme"] == theme))]
    in_mix = sum(1 for q in questions if q["theme"] not in data["opt_in_themes"])
    assert opt_in["in the nightly mix"] == [str(in_mix)]


def test_columns_are_aligned(printed: str) -> None:
    """Figures end in one column: every row of a table is the same width at its right edge."""
    table = printed.split("Questions by theme")[1].split("\n\n")[0].splitlines()[1:]
    assert len({len(line) for line in table}) == 1


def test_a_broken_content_folder_is_reported_not_raised(tmp_path: Path) -> None:
    from skill.hosts.cli import main

    assert main(["content-report", "--content-dir", str(tmp_path)]) == 2


def _report(*args: str) -> str:
    """What ``heart-to-heart content-report`` prints, run as a command."""
    done = subprocess.run(
        [sys.executable, "-m", "skill.hosts.cli", "content-report", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("locale", ["de-DE", "es-ES"])
def test_a_language_of_its_own_lacks_only_what_has_no_words_for_it(locale: str) -> None:
    """German and Spanish are measured against en-US, whose items they would speak in their
    place: they lack only the screen document (no words of its own) and the English markets'
    name-free phrases (Amazon's name-free interaction, exported for en-* only)."""
    printed = _report("--locale", locale)
    assert section(printed, "Locales")[locale][0] == "en-US"
    lacking = printed.split(f"What {locale} takes from en-US", 1)[1].strip().splitlines()
    assert [line.split(" ")[0] for line in lacking] == ["apl", "namefree"]


def test_a_missing_item_of_a_language_is_listed(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "catalog.snapshot").unlink(missing_ok=True)
    phrases = content / "de-DE" / "phrases-morning.json"
    data = json.loads(phrases.read_text(encoding="utf-8"))
    first = next(iter(data["phrases"]))
    del data["phrases"][first]
    phrases.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    printed = _report("--locale", "de-DE", "--content-dir", str(content))
    assert f"phrases (1): {first}" in printed
    assert section(printed, "Locales")["de-DE"][2] == "6"
