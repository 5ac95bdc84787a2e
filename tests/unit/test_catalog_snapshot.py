"""The catalog snapshot: used only while every content file hashes as recorded; any edit, new
kind, or damaged snapshot falls back to the full load, which still names what is broken."""

from __future__ import annotations

import copy
import json
import pickle
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from skill.runtime import catalog_snapshot
from skill.runtime.catalog import Catalog, ContentError, LocaleContent, Locales, _Kinds

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the real content with a snapshot made from it."""
    folder = tmp_path / "content"
    shutil.copytree(ROOT / "content", folder)
    (folder / catalog_snapshot.SNAPSHOT_NAME).unlink(missing_ok=True)
    catalog_snapshot.write(folder, Catalog.load_validated(folder))
    return folder


def _count_full_loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    calls: list[Path] = []
    original = Catalog.load_validated.__func__  # type: ignore[attr-defined]

    def counting(cls: type[Catalog], content_dir: Path, default: str = "en-US") -> Catalog:
        calls.append(content_dir)
        result: Catalog = original(cls, content_dir, default)
        return result

    monkeypatch.setattr(Catalog, "load_validated", classmethod(counting))
    return calls


def _count_unpickles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The languages unpickled from a snapshot from now on, in order."""
    loads: list[str] = []
    original = Locales._unpickle

    def counting(self: Locales, language: str) -> None:
        loads.append(language)
        original(self, language)

    monkeypatch.setattr(Locales, "_unpickle", counting)
    return loads


def _sections(catalog: Catalog) -> dict[str, Any]:
    return catalog.for_locale("en-US").sections


def test_a_matching_snapshot_is_the_catalog_the_full_load_builds(
    content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = Catalog.load_validated(content)
    calls = _count_full_loads(monkeypatch)
    loaded = Catalog.load(content)
    assert calls == [], "the snapshot should have been used"
    # Every kind the content has, whatever kinds exist: the snapshot covers them generically.
    kinds = {p.stem.split("-")[0] for p in (content / "en-US").glob("*.json")}
    assert set(_sections(loaded)) == kinds
    assert _sections(loaded) == _sections(expected)
    first = expected.for_locale("en-US").questions[3]
    assert loaded.for_locale("en-US").question(first.id) == first
    assert loaded.locales == expected.locales


def test_an_edited_file_is_loaded_in_full_and_its_edit_is_seen(
    content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = content / "en-US" / "questions.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["questions"][0]["text"] = "Which song would you both dance to in the kitchen?"
    path.write_text(json.dumps(data), encoding="utf-8")
    calls = _count_full_loads(monkeypatch)
    loaded = Catalog.load(content)
    assert calls == [content]
    question = loaded.for_locale("en-US").question(data["questions"][0]["id"])
    assert question is not None and question.text.startswith("Which song")


def test_a_new_content_kind_is_loaded_in_full(
    content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (content / "schema" / "journeys.schema.json").write_text(
        json.dumps({"type": "object", "required": ["journeys"]}), encoding="utf-8"
    )
    (content / "en-US" / "journeys.json").write_text(
        json.dumps({"journeys": [{"id": "j-1"}]}), encoding="utf-8"
    )
    calls = _count_full_loads(monkeypatch)
    loaded = Catalog.load(content)
    assert calls == [content]
    assert loaded.for_locale("en-US").section("journeys") == {"journeys": [{"id": "j-1"}]}


def test_a_removed_file_is_loaded_in_full(content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    removed = content / "en-US" / "phrases-screen.json"
    key = next(iter(json.loads(removed.read_text(encoding="utf-8"))["phrases"]))
    assert Catalog.load(content).for_locale("en-US").variants(key)
    removed.unlink()
    calls = _count_full_loads(monkeypatch)
    with pytest.raises(KeyError):
        Catalog.load(content).for_locale("en-US").variants(key)
    assert calls == [content]


def test_broken_content_beside_a_stale_snapshot_fails_with_the_precise_error(
    content: Path,
) -> None:
    path = content / "en-US" / "questions.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["questions"][0]["depth"] = 9
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        Catalog.load(content)
    assert str(path) in str(caught.value)
    assert repr(data["questions"][0]["id"]) in str(caught.value)


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty"])
def test_an_unreadable_snapshot_falls_back_to_the_full_load(
    content: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    snapshot = content / catalog_snapshot.SNAPSHOT_NAME
    data = snapshot.read_bytes()
    snapshot.write_bytes(
        {"truncated": data[: len(data) // 2], "garbage": b"\x80\x05junk", "empty": b""}[damage]
    )
    calls = _count_full_loads(monkeypatch)
    assert Catalog.load(content).for_locale("en-US").questions
    assert calls == [content]


def test_a_snapshot_of_classes_whose_fields_changed_is_not_used(
    content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_shape = catalog_snapshot._shape
    monkeypatch.setattr(
        catalog_snapshot,
        "_shape",
        lambda kind: (
            (*real_shape(kind), "added") if kind.__name__ == "Question" else real_shape(kind)
        ),
    )
    calls = _count_full_loads(monkeypatch)
    Catalog.load(content)
    assert calls == [content]


def test_snapshot_false_always_validates(content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _count_full_loads(monkeypatch)
    Catalog.load(content, snapshot=False)
    assert calls == [content]


def test_the_snapshot_carries_the_content_index_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The zip's snapshot holds each locale's index for the stored form, so the first turn
    after a cold start doesn't build it (work that grows with the content)."""
    from skill.runtime.records import index as records_index
    from skill.tools.deploy.lambda_zip import snapshot_catalog

    folder = tmp_path / "content"
    shutil.copytree(ROOT / "content", folder)
    snapshot_catalog(folder)
    built = records_index.index_for(Catalog.load_validated(folder).for_locale("en-US"))

    def never(content: Any) -> Any:
        raise AssertionError("the index was built again")

    monkeypatch.setattr(records_index.ContentIndex, "of", classmethod(never))
    loaded = records_index.index_for(Catalog.load(folder).for_locale("en-US"))
    assert loaded.questions.ids == built.questions.ids
    question = next(iter(built.questions.ids))
    assert loaded.questions.ref(question) == built.questions.ref(question)
    assert loaded.question_cells.ordered(7, next(iter(built.question_cells.members))) == (
        built.question_cells.ordered(7, next(iter(built.question_cells.members)))
    )


def test_a_sealed_snapshot_is_the_catalog_without_its_files(
    content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Lambda zip's folder: the snapshot alone is trusted (nothing is loaded in full), and
    it is the catalog the full load built from the files it replaced, every locale of it."""
    full = Catalog.load_validated(content)
    removed = catalog_snapshot.seal(content)
    assert "de-DE/questions.json" in removed and "schema/questions.schema.json" in removed
    assert sorted(p.name for p in content.iterdir()) == [catalog_snapshot.SNAPSHOT_NAME]
    calls = _count_full_loads(monkeypatch)
    sealed = Catalog.load(content)
    assert calls == []
    assert sealed.locales == full.locales
    for locale in full.locales:
        assert sealed.for_locale(locale).sections == full.for_locale(locale).sections, locale


def test_a_damaged_sealed_snapshot_fails_naming_it(content: Path) -> None:
    catalog_snapshot.seal(content)
    path = content / catalog_snapshot.SNAPSHOT_NAME
    path.write_bytes(path.read_bytes()[:5000])
    with pytest.raises(ContentError, match="sealed catalog snapshot"):
        Catalog.load(content)


def test_only_a_snapshot_of_exactly_its_files_is_sealed(content: Path) -> None:
    """A stale snapshot is never sealed in place of the files it no longer matches."""
    questions = content / "en-US" / "questions.json"
    questions.write_text(questions.read_text(encoding="utf-8") + " ", encoding="utf-8")
    with pytest.raises(ValueError, match="no snapshot"):
        catalog_snapshot.seal(content)
    assert questions.is_file()


def test_another_language_is_unpickled_the_first_time_it_is_asked_for(
    content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold start unpickles the default's language only; German and Spanish wait for their
    first request (once each), and are then the content the full load builds."""
    loads = _count_unpickles(monkeypatch)
    full = Catalog.load_validated(content)
    snapped = Catalog.load(content)
    assert snapped.locales == full.locales and loads == []
    assert snapped.for_locale("en-GB").sections == full.for_locale("en-GB").sections
    assert loads == []
    german = snapped.for_locale("de-AT")  # the language's locale
    assert german.locale == "de-DE" and german.sections == full.for_locale("de-DE").sections
    assert german.fallback is snapped.for_locale("en-US"), "named, not copied"
    snapped.for_locale("de-DE")
    assert snapped.for_locale("es-ES").sections == full.for_locale("es-ES").sections
    assert loads == ["de", "es"]


def test_building_the_skill_unpickles_no_other_language(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold start stays at the default language's cost: wiring the skill (its handlers, its
    apology) asks for no German or Spanish content until a request does."""
    from skill.runtime.app import build_skill
    from skill.runtime.settings import Settings
    from skill.runtime.store.sqlite import SqliteStore

    loads = _count_unpickles(monkeypatch)
    store = SqliteStore(tmp_path / "heart.db")
    try:
        build_skill(
            Settings(store_url=f"sqlite:///{tmp_path / 'heart.db'}"), store, Catalog.load(content)
        )
    finally:
        store.close()
    assert loads == []


def _count_kinds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The default language's kind blobs unpickled from a snapshot from now on, in order."""
    taken: list[str] = []
    original = _Kinds._unpickle

    def counting(self: _Kinds, blob: str) -> Any:
        taken.append(blob)
        return original(self, blob)

    monkeypatch.setattr(_Kinds, "_unpickle", counting)
    return taken


def test_a_kind_is_unpickled_the_first_time_it_is_read_and_only_then(
    content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A load copies the kinds' pickles and unpickles none; each kind is unpickled on its
    first read (once, for every English market), and knowing which kinds there are (``in``,
    ``len``, iteration) unpickles nothing."""
    taken = _count_kinds(monkeypatch)
    snapped = Catalog.load(content)
    us, gb = snapped.for_locale("en-US"), snapped.for_locale("en-GB")
    assert taken == []
    kinds = {p.stem.split("-")[0] for p in (content / "en-US").glob("*.json")}
    assert set(us.sections) == kinds and len(us.sections) == len(kinds)
    assert "questions" in us.sections and "games" in gb.own and "nothing" not in us.sections
    assert set(us.sections.keys()) == kinds
    assert taken == []
    assert us.variants("launch.first")
    assert taken == ["phrases"]
    first = us.questions[0]
    assert gb.question(first.id) is not None and us.question(first.id) is first
    assert taken == ["phrases", "questions"], "one blob for every market's questions"
    gb.section("games")
    us.section("games")
    assert taken == ["phrases", "questions", "games"]


def test_every_accessor_answers_as_the_validated_load(content: Path) -> None:
    """Whatever is asked first, a snapshot's locale is the validated load's, accessor by
    accessor and in the same order: sections, own files, questions by id, phrases, kinds,
    and the plain dict a copy, a pickle or ``{**...}`` makes of a lazy one."""
    full = Catalog.load_validated(content)
    for locale in full.locales:
        expected = full.for_locale(locale)
        snapped = Catalog.load(content).for_locale(locale)
        assert list(snapped.sections) == list(expected.sections), locale
        assert list(snapped.own.keys()) == list(expected.own.keys()), locale
        for kind in expected.sections:
            assert snapped.section(kind) == expected.section(kind), (locale, kind)
        assert snapped.questions == expected.questions
        for question in expected.questions:
            assert snapped.question(question.id) == question
        assert snapped.question("no-such-question") is None
        for key in expected.phrases:
            assert snapped.variants(key) == expected.variants(key)
        assert snapped.own == expected.own and snapped.sections == expected.sections
        assert list(snapped.sections.items()) == list(expected.sections.items())
        assert snapped.locale == expected.locale
        assert (snapped.fallback and snapped.fallback.locale) == (
            expected.fallback and expected.fallback.locale
        )
        fresh = Catalog.load(content).for_locale(locale)
        assert {**fresh.sections} == expected.sections and dict(fresh.own) == expected.own
        again = Catalog.load(content).for_locale(locale)
        assert pickle.loads(pickle.dumps(again.sections)) == expected.sections
        assert type(copy.deepcopy(again.own)) is dict
        assert Catalog.load(content).for_locale(locale) == expected, locale


def _first_seen(catalog: Catalog) -> dict[tuple[str, str, str, int], tuple[str, str, str, int]]:
    """For every item of every English market's listed content, where the same object was
    first met: the sharing between markets, their own files and their merged content."""
    seen: dict[int, tuple[str, str, str, int]] = {}
    where: dict[tuple[str, str, str, int], tuple[str, str, str, int]] = {}
    for locale in catalog.locales:
        if not locale.startswith("en-"):
            continue
        content = catalog.for_locale(locale)
        for field_name, mapping in (("sections", content.sections), ("own", content.own)):
            for kind in mapping:
                items = mapping[kind]
                if not isinstance(items, tuple | list):
                    continue
                for at, item in enumerate(items):
                    slot = (locale, field_name, kind, at)
                    where[slot] = seen.setdefault(id(item), slot)
    return where


def test_objects_shared_between_kinds_and_markets_stay_one_object(content: Path) -> None:
    """An English market's merged deck holds the very items of the default's it doesn't
    respell, and of its own file: unpickled kind by kind, they are still the same objects
    (identity matters to the caches keyed by ``id()``), exactly where the full load shares."""
    full = Catalog.load_validated(content)
    snapped = Catalog.load(content)
    assert _first_seen(snapped) == _first_seen(full)
    us, gb = snapped.for_locale("en-US"), snapped.for_locale("en-GB")
    shared = [q for q in gb.questions if q in us.questions]
    assert shared and all(q is us.question(q.id) for q in shared)
    assert us.own is us.sections, "the default locale's own files are its content"


def test_kinds_that_share_an_object_are_pickled_together() -> None:
    """Kinds are split into blobs only where no object is shared: two kinds holding the same
    list are one blob, and come back holding one list."""
    shared = [1, 2, 3]
    base = LocaleContent("en-US", {"a": (shared,), "b": {"k": shared}, "c": tuple(["alone"])})
    base.memo["index"] = {"c": tuple(["alone"])}  # equal, not the same: a blob of its own
    restored = pickle.loads(pickle.dumps(Locales({"en-US": base}, "en-US")))
    assert restored._kinds is not None
    assert sorted(restored._kinds._blobs) == ["a+b", "c", "memo:index"]
    again = restored["en-US"]
    assert again.sections["b"]["k"] is again.sections["a"][0]
    assert again.sections == base.sections and again.memo == base.memo


def test_a_damaged_kind_blob_fails_naming_the_snapshot_never_as_a_wrong_sentence(
    content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each kind's pickle is read, and its crc32 checked, when first needed. In a checkout
    (content files beside the snapshot) every one is checked at load, so damage loads in
    full; sealed, as the zip ships it, the load reads the skeleton only and a damaged kind
    fails its first read with a ContentError naming the snapshot: never a wrong sentence."""
    snapshot = content / catalog_snapshot.SNAPSHOT_NAME
    data = snapshot.read_bytes()
    locales = Catalog.load(content)._locales
    assert isinstance(locales, Locales) and locales._kinds is not None
    blob = locales._kinds._blobs["questions"].read()
    at = data.find(blob) + len(blob) // 2
    damaged = data[:at] + bytes([data[at] ^ 0x20]) + data[at + 1 :]
    snapshot.write_bytes(damaged)
    calls = _count_full_loads(monkeypatch)
    assert Catalog.load(content).for_locale("en-US").questions
    assert calls == [content]
    snapshot.write_bytes(data)
    catalog_snapshot.seal(content)
    snapshot.write_bytes(damaged)
    sealed = Catalog.load(content).for_locale("en-GB")
    assert sealed.variants("launch.first"), "an undamaged kind still reads"
    with pytest.raises(ContentError, match="questions") as caught:
        sealed.question("any")
    assert str(snapshot) in str(caught.value)


def test_a_sealed_snapshot_shorter_or_longer_than_its_parts_fails_the_load(
    content: Path,
) -> None:
    """The load checks the file holds every part it lists, by length: a truncated (or
    padded) snapshot fails there, naming it, as before the kinds were lazy."""
    catalog_snapshot.seal(content)
    snapshot = content / catalog_snapshot.SNAPSHOT_NAME
    data = snapshot.read_bytes()
    for wrong in (data[:-100], data + b"\0"):
        snapshot.write_bytes(wrong)
        with pytest.raises(ContentError, match="sealed catalog snapshot") as caught:
            Catalog.load(content)
        assert str(snapshot) in str(caught.value)


def test_a_kind_that_cannot_be_unpickled_fails_naming_the_snapshot(content: Path) -> None:
    """Past the checksum (other code, say), a kind that won't unpickle is a ContentError
    naming the snapshot on its first read, never a missing or wrong sentence."""
    catalog_snapshot.seal(content)
    snapped = Catalog.load(content)
    locales = snapped._locales
    assert isinstance(locales, Locales) and locales._kinds is not None
    locales._kinds._blobs["games"] = catalog_snapshot.Part(b"\x80\x05junk")
    with pytest.raises(ContentError) as caught:
        snapped.for_locale("en-US").section("games")
    assert str(content / catalog_snapshot.SNAPSHOT_NAME) in str(caught.value)
    assert "games" in str(caught.value)


def test_loading_a_snapshot_imports_nothing_only_writing_needs(content: Path) -> None:
    """A cold start reads a snapshot and never writes one: what only writing uses
    (pickletools, 0.5 ms of import) stays out of the process."""
    catalog_snapshot.seal(content)
    script = (
        "import sys; from pathlib import Path; from skill.runtime.catalog import Catalog; "
        "c = Catalog.load(Path(sys.argv[1])); c.for_locale('en-US').variants('launch.first'); "
        "print('pickletools' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(content)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip() == "False"


def test_threads_reading_a_kind_at_once_unpickle_it_once(
    content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The web host answers on threads: the first reads of a kind, at once, unpickle it once
    and all get the same objects (never a placeholder, never a KeyError)."""
    import threading

    taken = _count_kinds(monkeypatch)
    snapped = Catalog.load(content)
    markets = [snapped.for_locale(n) for n in snapped.locales if n.startswith("en-")]
    start = threading.Barrier(len(markets) * 2)
    got: list[Any] = []

    def read(market: LocaleContent) -> None:
        start.wait()
        got.append(market.section("games")[0])

    threads = [threading.Thread(target=read, args=(m,)) for m in markets * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert taken == ["games"]
    full = Catalog.load_validated(content)
    assert sorted(g.id for g in got) == sorted(
        m.section("games")[0].id
        for m in [full.for_locale(n) for n in full.locales] * 2
        if m.locale.startswith("en-")
    )
