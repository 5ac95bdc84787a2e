"""All spoken content, loaded once from ``content/<locale>/*.json`` and checked by schema.

Content is data: every sentence the skill says lives in these files, and code names it by id.
Each file ``content/<locale>/<name>.json`` is validated against
``content/schema/<name>.schema.json`` at load, and a broken file fails right there with the
file, the item id and the reason, so a bad edit never reaches a couple at night.
"""

from __future__ import annotations

import enum
import gc
import io
import json
import pickle
import random
import string
import threading
import types
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from skill.runtime import catalog_snapshot, exercises
from skill.runtime.reply import Say

DEFAULT_LOCALE = "en-US"
#: Each language's default locale: a locale of that language lacking an item (a phrase, a
#: question, a game...) has that item from here. Other languages default to ``<ll>-<LL>``.
LANGUAGE_DEFAULTS = {"en": "en-US"}


def language_default(locale: str) -> str:
    """The locale whose items ``locale`` falls back to, item by item ("en-GB" -> "en-US")."""
    language = locale.split("-")[0].lower()
    return LANGUAGE_DEFAULTS.get(language, f"{language}-{language.upper()}")


class ContentError(Exception):
    """A content file is missing, unreadable or breaks its schema; the message says where."""


class Question(msgspec.Struct, frozen=True):
    """One question of the tonight's-question deck."""

    id: str
    theme: str
    depth: int
    text: str
    follow_up: str = ""
    barrier: str = ""
    audience: str = ""
    #: Its theme is asked only when the couple names it (money, family): never in the mix.
    opt_in: bool = False


def _parse_questions(data: Mapping[str, Any]) -> tuple[Question, ...]:
    opt_in = frozenset(data.get("opt_in_themes", ()))
    return tuple(
        Question(
            id=q["id"],
            theme=q["theme"],
            depth=q["depth"],
            text=q["text"],
            follow_up=q.get("follow_up", ""),
            barrier=q.get("barrier", ""),
            audience=q.get("audience", ""),
            opt_in=q["theme"] in opt_in,
        )
        for q in data["questions"]
    )


class GameQuestion(msgspec.Struct, frozen=True):
    """One question, sentence stem or topic of a game's own bank."""

    id: str
    text: str
    #: Tender: shared out loud and never scored.
    share: bool = False


class Game(msgspec.Struct, frozen=True):
    """A question game for two: how it plays (``kind``), its spoken rules and its bank."""

    id: str
    kind: str
    title: str
    rules: str
    answer_seconds: int
    questions: tuple[GameQuestion, ...]
    tell_seconds: int = 0

    def question(self, question_id: str) -> GameQuestion | None:
        """The bank's first question with this id, looked up (a game turn asks three or four
        times, and scanning the bank cost 1.4 µs a time at today's 164 questions)."""
        return _bank_of(self).get(question_id)


#: Each game's questions by id, by the game's identity (a frozen Struct has no room of its
#: own for it; games live as long as their catalog, and there are a handful per locale).
_BANKS: dict[int, tuple[Game, dict[str, GameQuestion]]] = {}
_BANKS_KEPT = 256


def _bank_of(game: Game) -> dict[str, GameQuestion]:
    found = _BANKS.get(id(game))
    if found is None or found[0] is not game:
        by_id: dict[str, GameQuestion] = {}
        for question in game.questions:
            by_id.setdefault(question.id, question)
        if len(_BANKS) >= _BANKS_KEPT:
            _BANKS.clear()
        found = _BANKS[id(game)] = (game, by_id)
    return found[1]


def _parse_games(data: Mapping[str, Any]) -> tuple[Game, ...]:
    return tuple(
        Game(
            id=g["id"],
            kind=g["kind"],
            title=g["title"],
            rules=g["rules"],
            answer_seconds=g["answer_seconds"],
            tell_seconds=g.get("tell_seconds", 0),
            questions=tuple(
                GameQuestion(q["id"], q["text"], q.get("share", False)) for q in g["questions"]
            ),
        )
        for g in data["games"]
    )


class GratitudePrompt(msgspec.Struct, frozen=True):
    """One gratitude prompt, said to both; ``swap`` when each partner takes a turn."""

    id: str
    kind: str
    text: str
    swap: bool


def _parse_gratitude(data: Mapping[str, Any]) -> tuple[GratitudePrompt, ...]:
    return tuple(
        GratitudePrompt(id=p["id"], kind=p["kind"], text=p["text"], swap=p["swap"])
        for p in data["prompts"]
    )


def _parse_phrases(data: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    return {key: tuple(variants) for key, variants in data["phrases"].items()}


def _parse_layouts(data: Mapping[str, Any]) -> dict[str, Any]:
    """Screen documents by name (``apl.json``); layout, whose words come from data binding."""
    documents: dict[str, Any] = data["documents"]
    return documents


def _parse_exercises(data: Mapping[str, Any]) -> tuple[exercises.Exercise, ...]:
    try:
        return exercises.parse(data)
    except exercises.ExerciseError as exc:
        raise ContentError(str(exc)) from exc


#: How each content file becomes typed data. A file with no parser here is kept as raw JSON.
PARSERS: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    "exercises": _parse_exercises,
    "questions": _parse_questions,
    "phrases": _parse_phrases,
    "gratitude": _parse_gratitude,
    "games": _parse_games,
    "apl": _parse_layouts,
}

#: Layout files: their ``${...}`` are APL data-binding expressions, not phrase placeholders.
LAYOUTS = frozenset({"apl"})

#: For each file, the list holding its items and the field that names an item in errors.
ITEM_LISTS: dict[str, str] = {
    "questions": "questions",
    "gratitude": "prompts",
}


@dataclass
class LocaleContent:
    """The content of one locale, falling back to the default locale for missing phrases."""

    locale: str
    sections: dict[str, Any]
    fallback: LocaleContent | None = None
    #: The locale's own files, before any item came from its language's default locale.
    own: dict[str, Any] = field(default_factory=dict, repr=False)
    _questions_by_id: dict[str, Question] = field(default_factory=dict, repr=False)
    #: What other modules compute once from this content and keep with it (the stored
    #: form's content index), so that the catalog snapshot can carry it built.
    memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._questions_by_id = {q.id: q for q in self.questions}

    if not TYPE_CHECKING:  # (for mypy, LocaleContent has only its fields)

        def __getattr__(self, name: str) -> Any:
            """A locale restored from the snapshot's skeleton has no questions-by-id map yet:
            it is built from its questions the first time it is asked for, as
            ``__post_init__`` builds it (so the snapshot doesn't carry a second copy of the
            deck's ids, and a turn that never looks a question up never unpickles them)."""
            if name == "_questions_by_id":
                found = {q.id: q for q in self.questions}
                self.__dict__[name] = found
                return found
            raise AttributeError(name)

    @property
    def phrases(self) -> dict[str, tuple[str, ...]]:
        value: dict[str, tuple[str, ...]] = self.sections.get("phrases", {})
        return value

    @property
    def questions(self) -> tuple[Question, ...]:
        if "questions" not in self.sections and self.fallback is not None:
            return self.fallback.questions
        value: tuple[Question, ...] = self.sections.get("questions", ())
        return value

    def question(self, question_id: str) -> Question | None:
        """The question with this id, or None when the deck no longer has it."""
        if "questions" not in self.sections and self.fallback is not None:
            return self.fallback.question(question_id)
        return self._questions_by_id.get(question_id)

    def section(self, name: str) -> Any:
        """Parsed content of ``<name>.json``, from this locale or the default one."""
        if name in self.sections:
            return self.sections[name]
        if self.fallback is not None:
            return self.fallback.section(name)
        raise KeyError(name)

    def variants(self, key: str) -> tuple[str, ...]:
        """Every wording of a phrase; KeyError names the missing id."""
        found = self.phrases.get(key)
        if found:
            return found
        if self.fallback is not None:
            return self.fallback.variants(key)
        raise KeyError(f"no phrase {key!r} in locale {self.locale}")

    def phrase(self, key: str, rng: random.Random, **params: str | int) -> str:
        """One wording of a phrase, chosen at random so the skill doesn't sound canned."""
        template = rng.choice(self.variants(key))
        return template.format(**params) if params else template

    def say(self, key: str, rng: random.Random, **params: str | int) -> Say:
        """A phrase as a speech segment."""
        return Say(self.phrase(key, rng, **params))


#: How a language's pickle names the default locale's content it falls back to.
_DEFAULT_REF = "default-locale"


class _LanguagePickler(catalog_snapshot.NotingPickler):
    """Pickles one language's locales, naming the default locale's content (their fallback,
    already loaded) instead of carrying a copy of it."""

    def __init__(self, file: io.BytesIO, base: LocaleContent) -> None:
        super().__init__(file)
        self._base = base

    def persistent_id(self, obj: Any) -> str | None:
        return _DEFAULT_REF if obj is self._base else None


class _LanguageUnpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, base: LocaleContent) -> None:
        super().__init__(file)
        self._base = base

    def persistent_load(self, pid: Any) -> LocaleContent:
        if pid != _DEFAULT_REF:
            raise pickle.UnpicklingError(f"unknown reference {pid!r}")
        return self._base


#: Where a lazily read value lives in a kind's blob: (locale, field, key), the field one of
#: a ``LocaleContent``'s "sections", "own" or "memo".
_Slot = tuple[str, str, str]
#: Objects that need not be unpickled together to stay one object: values and singletons,
#: which unpickling gives back equal (or the same), so sharing them doesn't tie two kinds.
_ATOMS = (str, bytes, int, float, complex, bool, type(None), type, enum.Enum)
_ATOMS_BY_NAME = (types.FunctionType, types.BuiltinFunctionType)


def _unpickle_paused(blob: bytes | memoryview, base: LocaleContent | None = None) -> Any:
    """Unpickle with the cyclic collector paused: content is acyclic and lives as long as the
    process, and each of its objects would count toward a collection (at 100x the content,
    collections over a growing heap made a load superlinear)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        if base is None:
            return pickle.loads(blob)
        return _LanguageUnpickler(io.BytesIO(blob), base).load()
    finally:
        if enabled:
            gc.enable()


class _Kinds:
    """The default language's content kinds as the snapshot carries them: one pickle (blob)
    per kind, or per group of kinds that share objects, unpickled the first time a reader
    asks for one of its values and kept for the rest of the process.

    Why: unpickling is what grew superlinearly with the content (a million new objects at
    100x), and a turn reads a few kinds: a cold load now reads the snapshot's skeleton, and
    each kind pays its own reading and unpickling on its first use. A blob is a snapshot
    ``Part``: its length is checked at load, its crc32 when it is read, so a damaged blob
    fails with a ``ContentError`` naming the snapshot, never as a wrong or missing sentence."""

    def __init__(self, blobs: Mapping[str, catalog_snapshot.Part]) -> None:
        self._blobs = dict(blobs)
        self._taken: dict[str, dict[_Slot, Any]] = {}
        #: Held while a value is taken (re-entrant: a lazy dict takes it, then ``take``).
        self.lock = threading.RLock()
        #: Named in a failure: the snapshot's path once ``Catalog.load`` has read it.
        self.source = "the catalog snapshot"

    def take(self, blob: str) -> dict[_Slot, Any]:
        """The values of ``blob``, unpickled once (under a lock: the web host's threads)."""
        found = self._taken.get(blob)
        if found is None:
            with self.lock:
                found = self._taken.get(blob)
                if found is None:
                    found = self._taken[blob] = self._unpickle(blob)
                    del self._blobs[blob]
        return found

    def _unpickle(self, blob: str) -> dict[_Slot, Any]:
        try:
            values = _unpickle_paused(self._blobs[blob].read())
        except Exception as exc:  # damaged since the load, or from other code
            raise ContentError(
                f"{self.source}: its {blob} content can't be read ({exc}): rebuild the zip"
            ) from exc
        if not isinstance(values, dict):
            raise ContentError(f"{self.source}: its {blob} content is not a kind's values")
        return values


#: What a lazy dict holds for a value still waiting in its blob (never handed to a reader).
_WAITING: Any = object()


class _LazyDict(dict[str, Any]):
    """A dict whose values wait in the snapshot's kind blobs until a reader asks for them.

    Every key is there from the start, in its order, holding a placeholder: ``in``, ``len``,
    iteration and ``keys()`` are the dict's own and unpickle nothing, while ``[]`` and
    ``get`` put the real value in the placeholder's place (its position kept) the first time,
    unpickling only the blob that holds it. Anything that reads every value at once
    (``items()``, ``values()``, ``==``, ``repr``, copying, pickling) or changes the dict takes
    every waiting value first. ``dict(x)``, ``{**x}``, ``f(**x)`` and ``json.dumps`` go
    through ``keys()`` and ``[]``, because the iteration is overridden (CPython copies a dict
    subclass's storage directly only when its iteration is the dict's), so no reader is ever
    handed a placeholder. Taking a value is locked: the web host answers on threads."""

    __slots__ = ("_field", "_kinds", "_locale", "_waiting")

    def __init__(
        self, kinds: _Kinds, locale: str, field_name: str, waiting: Iterable[tuple[str, str]]
    ) -> None:
        #: key -> the blob holding its value, until taken.
        self._waiting = dict(waiting)
        super().__init__(dict.fromkeys(self._waiting, _WAITING))
        self._kinds = kinds
        self._locale = locale
        self._field = field_name

    def _take(self, key: str) -> Any:
        with self._kinds.lock:
            value = dict.__getitem__(self, key)
            if value is _WAITING:
                values = self._kinds.take(self._waiting[key])
                value = values[(self._locale, self._field, key)]
                dict.__setitem__(self, key, value)
                del self._waiting[key]
            return value

    def _take_all(self) -> None:
        for key in list(self._waiting):
            self._take(key)

    def __getitem__(self, key: str) -> Any:
        value = dict.__getitem__(self, key)
        return self._take(key) if value is _WAITING else value

    def get(self, key: str, default: Any = None) -> Any:
        value = dict.get(self, key, default)
        return self._take(key) if value is _WAITING else value

    def __iter__(self) -> Iterator[str]:
        # The dict's own iteration, overridden only so that CPython's dict merge (dict(x),
        # {**x}, update) reads values through ``[]`` instead of copying placeholders.
        return dict.__iter__(self)

    def values(self) -> Any:
        self._take_all()
        return dict.values(self)

    def items(self) -> Any:
        self._take_all()
        return dict.items(self)

    def __eq__(self, other: object) -> bool:
        self._take_all()
        if isinstance(other, _LazyDict):
            other._take_all()
        return dict.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = None

    def __repr__(self) -> str:
        self._take_all()
        return dict.__repr__(self)

    def copy(self) -> dict[str, Any]:
        self._take_all()
        return dict.copy(self)

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        """Pickled (and copied) as the plain dict it stands for."""
        return (dict, (self.copy(),))

    def __reduce__(self) -> tuple[Any, ...]:
        return self.__reduce_ex__(2)

    def __or__(self, other: Any) -> Any:
        self._take_all()
        return dict.__or__(self, other)

    def __ror__(self, other: Any) -> Any:
        self._take_all()
        return dict.__ror__(self, other)

    def __ior__(self, other: Any) -> Any:
        self._take_all()
        return dict.__ior__(self, other)

    def __setitem__(self, key: str, value: Any) -> None:
        self._take_all()
        dict.__setitem__(self, key, value)

    def __delitem__(self, key: str) -> None:
        self._take_all()
        dict.__delitem__(self, key)

    def setdefault(self, key: str, default: Any = None) -> Any:
        self._take_all()
        return dict.setdefault(self, key, default)

    def pop(self, key: str, *default: Any) -> Any:
        self._take_all()
        return dict.pop(self, key, *default)

    def popitem(self) -> tuple[str, Any]:
        self._take_all()
        return dict.popitem(self)

    def update(self, *args: Any, **kwargs: Any) -> None:
        self._take_all()
        dict.update(self, *args, **kwargs)

    def clear(self) -> None:
        self._take_all()
        dict.clear(self)


def _is_atom(obj: Any) -> bool:
    """An object whose identity no reader can tell apart after separate unpicklings: values
    (strings, numbers), singletons (empty tuples, enum members) and what pickle names by
    reference (classes, functions)."""
    return isinstance(obj, (*_ATOMS, *_ATOMS_BY_NAME)) or (
        isinstance(obj, tuple | frozenset) and not obj
    )


class _Discard(io.RawIOBase):
    """A sink for a pickle made only to see which objects it holds."""

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        return len(data)


def _objects_in(values: Any) -> dict[int, Any]:
    """Every non-atom object a pickle of ``values`` holds (its memo), by id.

    The objects come back with their ids: a Struct pickles through a tuple of its fields
    built for that pickle, and were it freed, the next unit's tuple could take its id and
    look shared. Whoever compares ids keeps the objects alive while it does."""
    pickler = pickle.Pickler(_Discard(), protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dump(values)
    return {key: obj for key, (_, obj) in pickler.memo.copy().items() if not _is_atom(obj)}


def _split_kinds(
    eager: Mapping[str, LocaleContent], classes: set[type]
) -> tuple[tuple[tuple[str, str | None, tuple[tuple[str, Any], ...]], ...], dict[str, bytes]]:
    """The default language's locales as a skeleton (for each locale: its fallback and, per
    field, each key with the blob that holds its value) and the blobs.

    A kind's values across every locale of the language (its merged section, its own file)
    are one unit, since overlays share items; the default locale's memo entries (the content
    index) are units of their own. Units that share any object are pickled together, so each
    object is still one object after loading (an id-keyed cache, ``is``): that is checked on
    the pickles themselves, whatever the content holds."""
    units: dict[str, dict[_Slot, Any]] = {}
    skeleton: list[tuple[str, str | None, tuple[tuple[str, Any], ...]]] = []
    for name, content in eager.items():
        fallback = content.fallback
        if fallback is not None and eager.get(fallback.locale) is not fallback:
            raise pickle.PicklingError(f"{name} falls back to {fallback.locale}, not pickled")
        fields: list[tuple[str, Any]] = []
        for field_name in ("sections", "own", "memo"):
            mapping: dict[str, Any] = getattr(content, field_name)
            if field_name == "own" and mapping is content.sections:
                fields.append((field_name, None))  # the same dict (the default locale's)
                continue
            keys = []
            for key, value in mapping.items():
                unit = key if field_name != "memo" else f"memo:{key}"
                units.setdefault(unit, {})[(name, field_name, key)] = value
                keys.append((key, unit))
            fields.append((field_name, tuple(keys)))
        skeleton.append((name, None if fallback is None else fallback.locale, tuple(fields)))
    # Group units that share an object (union-find over the objects each one's pickle holds).
    group = {unit: unit for unit in units}

    def root(unit: str) -> str:
        while group[unit] != unit:
            unit = group[unit]
        return unit

    owner: dict[int, str] = {}
    alive: list[dict[int, Any]] = []  # every unit's objects, so that no id is reused
    for unit, values in units.items():
        held = _objects_in(values)
        alive.append(held)
        for obj in held:
            other = owner.setdefault(obj, unit)
            if root(other) != root(unit):
                group[root(unit)] = root(other)
    members: dict[str, list[str]] = {}
    for unit in units:
        members.setdefault(root(unit), []).append(unit)
    blob_of = {unit: "+".join(sorted(team)) for team in members.values() for unit in team}
    blobs: dict[str, bytes] = {}
    for team in members.values():
        together = {slot: v for unit in sorted(team) for slot, v in units[unit].items()}
        blobs[blob_of[team[0]]] = catalog_snapshot.dumps_noting(together, classes)
    named = tuple(
        (
            name,
            fallback,
            tuple(
                (f, None if keys is None else tuple((k, blob_of[u]) for k, u in keys))
                for f, keys in fields
            ),
        )
        for name, fallback, fields in skeleton
    )
    return named, blobs


def _restore(
    skeleton: tuple[tuple[str, str | None, tuple[tuple[str, Any], ...]], ...],
    default: str,
    languages: Mapping[str, tuple[tuple[str, ...], catalog_snapshot.Part]],
    blobs: Mapping[str, catalog_snapshot.Part],
    classes: tuple[type, ...] = (),
) -> Locales:
    """A ``Locales`` from its pickled skeleton: the default language's locales built around
    lazy dicts over the kinds' blobs, the other languages waiting as before. ``classes`` are
    the classes the blobs hold, named in the skeleton only so that the snapshot's header
    checks their fields at load."""
    kinds = _Kinds(blobs)
    loaded: dict[str, LocaleContent] = {}
    for name, fallback, fields in skeleton:
        content = LocaleContent.__new__(LocaleContent)
        state: dict[str, Any] = {
            "locale": name,
            "fallback": None if fallback is None else loaded[fallback],
        }
        for field_name, keys in fields:
            if keys is None:
                state[field_name] = state["sections"]
            elif keys:
                state[field_name] = _LazyDict(kinds, name, field_name, keys)
            else:
                state[field_name] = {}
        content.__dict__.update(state)
        loaded[name] = content
    locales = Locales(loaded, default, languages)
    locales._kinds = kinds
    return locales


class Locales(Mapping[str, LocaleContent]):
    """Every locale's content, where a language other than the default's is unpickled the
    first time it is asked for, and each of the default language's content kinds the first
    time a reader asks for it (``_Kinds``).

    Why: a cold start reads the catalog snapshot, and with German and Spanish beside the
    English markets, unpickling all of them tripled ``Catalog.load`` (2.5 to 8.8 ms) though a
    container mostly answers one language. So a pickled ``Locales`` carries the default's
    language as a skeleton over one blob per kind and each other language as its own pickle,
    which names the default locale (its fallback) instead of copying it; the first request in
    that language unpickles it, once per process. Built from JSON, every locale is loaded from
    the start."""

    def __init__(
        self,
        loaded: Mapping[str, LocaleContent],
        default: str,
        pending: Mapping[str, tuple[tuple[str, ...], catalog_snapshot.Part]] | None = None,
    ) -> None:
        self._loaded = dict(loaded)
        self._default = default
        #: language -> (its locale names, their pickle), until first asked for.
        self._pending = dict(pending or {})
        self._waiting = {name: lang for lang, (names, _) in self._pending.items() for name in names}
        #: The default language's kinds, when restored from a snapshot.
        self._kinds: _Kinds | None = None
        self._source = "the catalog snapshot"

    def read_from(self, source: str) -> None:
        """Name ``source`` (the snapshot's path) in any failure to unpickle what waits."""
        self._source = source
        if self._kinds is not None:
            self._kinds.source = source

    def __getitem__(self, name: str) -> LocaleContent:
        found = self._loaded.get(name)
        if found is not None:
            return found
        language = self._waiting.get(name)
        if language is None:
            raise KeyError(name)
        self._unpickle(language)
        return self._loaded[name]

    def __contains__(self, name: object) -> bool:
        return name in self._loaded or name in self._waiting

    def __iter__(self) -> Iterator[str]:
        return iter([*self._loaded, *self._waiting])

    def __len__(self) -> int:
        return len(self._loaded) + len(self._waiting)

    def _unpickle(self, language: str) -> None:
        names, part = self._pending[language]
        try:
            group = _unpickle_paused(part.read(), self._loaded[self._default])
        except Exception as exc:  # damaged since the load, or from other code
            raise ContentError(
                f"{self._source}: its {language} content can't be unpickled ({exc})"
            ) from exc
        del self._pending[language]
        self._loaded.update(group)
        for name in names:
            self._waiting.pop(name, None)

    def __reduce__(self) -> tuple[Any, ...]:
        for language in list(self._pending):
            self._unpickle(language)
        base = self._loaded[self._default]
        own_language = self._default.split("-")[0]
        eager = {n: c for n, c in self._loaded.items() if n.split("-")[0] == own_language}
        groups: dict[str, dict[str, LocaleContent]] = {}
        for name, content in self._loaded.items():
            if name not in eager:
                groups.setdefault(name.split("-")[0], {})[name] = content
        import pickletools  # a snapshot is written at build time, never in a cold start

        pending = {}
        classes: set[type] = set()
        for language, group in sorted(groups.items()):
            buffer = io.BytesIO()
            pickler = _LanguagePickler(buffer, base)
            pickler.dump(group)
            classes |= pickler.classes
            blob = catalog_snapshot.Part(pickletools.optimize(buffer.getvalue()))
            pending[language] = (tuple(group), blob)
        skeleton, blobs = _split_kinds(eager, classes)
        parts = {name: catalog_snapshot.Part(blob) for name, blob in blobs.items()}
        named = tuple(sorted(classes, key=lambda c: (c.__module__, c.__qualname__)))
        return (_restore, (skeleton, self._default, pending, parts, named))


class Catalog:
    """Content for every locale, loaded once per process."""

    def __init__(self, locales: Mapping[str, LocaleContent], default: str = DEFAULT_LOCALE) -> None:
        if default not in locales:
            raise ContentError(f"no content for the default locale {default}")
        self._locales = locales if isinstance(locales, Locales) else Locales(locales, default)
        self.default = default

    @property
    def locales(self) -> tuple[str, ...]:
        return tuple(sorted(self._locales))

    def for_locale(self, locale: str | None) -> LocaleContent:
        """Exact locale, else the same language, else the default: any request gets content."""
        if locale and locale in self._locales:
            return self._locales[locale]
        if locale:
            language = locale.split("-")[0].lower()
            for name in sorted(self._locales):
                if name.split("-")[0].lower() == language:
                    return self._locales[name]
        return self._locales[self.default]

    @classmethod
    def load(
        cls, content_dir: Path, default: str = DEFAULT_LOCALE, *, snapshot: bool = True
    ) -> Catalog:
        """Load and check every locale under ``content_dir``.

        When the folder holds a snapshot made from exactly these files (the Lambda zip's
        does), that pre-validated catalog is used; otherwise, or with ``snapshot=False``,
        every file is read, validated and parsed here.
        """
        if snapshot:
            snapped = catalog_snapshot.read(content_dir)
            if isinstance(snapped, cls) and snapped.default == default:
                if isinstance(snapped._locales, Locales):
                    snapped._locales.read_from(str(content_dir / catalog_snapshot.SNAPSHOT_NAME))
                return snapped
        return cls.load_validated(content_dir, default)

    @classmethod
    def load_validated(cls, content_dir: Path, default: str = DEFAULT_LOCALE) -> Catalog:
        """Read, validate and parse every locale under ``content_dir``, ignoring any snapshot."""
        snapshot = content_dir / catalog_snapshot.SNAPSHOT_NAME
        if snapshot.is_file() and not any(p.is_dir() for p in content_dir.iterdir()):
            raise ContentError(
                f"{snapshot}: a sealed catalog snapshot that can't be read (damaged, or from"
                " other code), and no content files to load instead: rebuild the zip"
            )
        schemas = _load_schemas(content_dir / "schema")
        raw: dict[str, dict[str, Any]] = {}
        locale_dirs = (
            sorted(p for p in content_dir.iterdir() if p.is_dir() and p.name != "schema")
            if content_dir.is_dir()
            else []
        )
        if not locale_dirs:
            raise ContentError(f"{content_dir}: no locale folders with content")
        for locale_dir in locale_dirs:
            raw[locale_dir.name] = _load_locale(locale_dir, schemas)
        if default not in raw:
            raise ContentError(f"{content_dir}: no content for the default locale {default}")
        base = LocaleContent(default, raw[default], own=raw[default])
        locales = {default: base}
        for name, sections in raw.items():
            if name != default:
                parent = raw.get(language_default(name))
                merged = sections if parent is None else overlay_locale(parent, sections)
                locales[name] = LocaleContent(name, merged, fallback=base, own=sections)
        return cls(locales, default)


def item_id(item: Any) -> str | None:
    """The id that names a list item (a question, a game, an exercise...), if it has one."""
    found = item.get("id") if isinstance(item, dict) else getattr(item, "id", None)
    return found if isinstance(found, str) else None


def _depth(kind: str) -> int:
    """How many levels of keys a section's items sit under: a phrase under its key, a
    name-free intent's phrases under "intents"; a screen document is one item, whole."""
    return 1 if kind in LAYOUTS else 2


def overlay_locale(parent: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    """A locale's sections over its language default's, kind by kind (``overlay``)."""
    merged = dict(parent)
    for kind, section in own.items():
        merged[kind] = overlay(parent[kind], section, _depth(kind)) if kind in parent else section
    return merged


def overlay(parent: Any, own: Any, depth: int = 2) -> Any:
    """``own`` content over its language default's ``parent``, item by item.

    Keyed sections (phrases, top-level fields, down to ``depth`` levels of keys) take each
    key from ``own`` when it has it; lists of items with ids keep the parent's order, with
    ``own``'s item in place of the parent's of the same id (whole) and ``own``'s new items
    after; anything else is ``own``'s. So a locale's folder holds only what differs, and
    every item it lacks is still there.
    """
    if depth > 0 and isinstance(parent, dict) and isinstance(own, dict):
        merged = dict(parent)
        for key, value in own.items():
            merged[key] = overlay(parent[key], value, depth - 1) if key in parent else value
        return merged
    if isinstance(parent, list | tuple) and isinstance(own, list | tuple):
        ids = [item_id(item) for item in own]
        if own and all(ids) and all(item_id(item) for item in parent):
            mine = dict(zip(ids, own, strict=True))
            taken = [mine.pop(str(item_id(item)), item) for item in parent]
            items = [*taken, *mine.values()]
            return tuple(items) if isinstance(own, tuple) else items
    return own


def lacking_locale(parent: dict[str, Any], own: dict[str, Any]) -> list[str]:
    """Every item of the language default's sections that a locale has none of its own of
    ("phrases/home.welcome", "questions/dreams-03"): what it takes from the default."""
    found: list[str] = []
    for kind, section in parent.items():
        if kind in own:
            found += lacking(section, own[kind], kind, _depth(kind))
        else:
            found += lacking(section, None, kind, _depth(kind))
    return found


def lacking(parent: Any, own: Any, where: str = "", depth: int = 2) -> list[str]:
    """Where ``own`` (None: nothing) has no item of its own that ``parent`` has, as paths."""
    if depth > 0 and isinstance(parent, dict):
        mine = own if isinstance(own, dict) else {}
        found: list[str] = []
        for key, value in parent.items():
            found += lacking(value, mine.get(key), f"{where}/{key}" if where else key, depth - 1)
        return found
    if isinstance(parent, list | tuple) and parent and all(item_id(item) for item in parent):
        have = {item_id(item) for item in own} if isinstance(own, list | tuple) else set()
        return [f"{where}/{item_id(item)}" for item in parent if item_id(item) not in have]
    return [] if own is not None else [where]


def _load_locale(locale_dir: Path, schemas: Mapping[str, Callable[[Any], Any]]) -> dict[str, Any]:
    """Load one locale's files. ``<kind>-<part>.json`` files (one per capability, such as
    ``phrases-listening.json``) use ``<kind>``'s schema and merge into ``<kind>``, so that
    capabilities can own their sentences without editing one shared file."""
    sections: dict[str, Any] = {}
    owners: dict[str, Path] = {}
    for path in sorted(locale_dir.glob("*.json")):
        kind = path.stem.split("-")[0]
        parsed = _load_file(path, schemas, kind)
        if kind not in sections:
            sections[kind] = parsed
            owners[kind] = path
            continue
        if not isinstance(parsed, dict) or not isinstance(sections[kind], dict):
            raise ContentError(f"{path}: {kind} content can't be split across files")
        clash = sorted(set(parsed) & set(sections[kind]))
        if clash:
            raise ContentError(f"{path}: {clash[0]!r} is already defined in {owners[kind]}")
        sections[kind] = {**sections[kind], **parsed}
    return sections


def _load_schemas(schema_dir: Path) -> dict[str, Callable[[Any], Any]]:
    # Imported here: a catalog read from its snapshot never compiles a schema (5 ms saved).
    import fastjsonschema

    if not schema_dir.is_dir():
        raise ContentError(f"{schema_dir}: the content schema folder is missing")
    compiled: dict[str, Callable[[Any], Any]] = {}
    for path in sorted(schema_dir.glob("*.schema.json")):
        try:
            compiled[path.name.removesuffix(".schema.json")] = _Validator(
                json.loads(path.read_text(encoding="utf-8"))
            )
        except (OSError, ValueError, fastjsonschema.JsonSchemaDefinitionException) as exc:
            raise ContentError(f"{path}: not a usable JSON schema: {exc}") from exc
    return compiled


class _Validator:
    """A schema's validator that is cheap to build and still explains a failure precisely.

    fastjsonschema's detailed exceptions (the path and rule that say where a file breaks its
    schema) embed the schema in the generated code, which made compiling the schemas most of
    the catalog's load time, paid at every cold start. Content that passes needs none of it,
    so it is checked by a lean validator, and the detailed one is built only to explain a
    failure, with exactly the error it always gave.
    """

    def __init__(self, definition: Any) -> None:
        import fastjsonschema

        self._definition = definition
        try:
            self._check = fastjsonschema.compile(
                _const_as_enum(definition), detailed_exceptions=False
            )
        except Exception:  # a lean build this version can't make: the detailed one will do
            self._check = fastjsonschema.compile(definition)

    def __call__(self, data: Any) -> Any:
        import fastjsonschema

        try:
            return self._check(data)
        except fastjsonschema.JsonSchemaValueException as lean:
            fastjsonschema.compile(self._definition)(data)  # raises the detailed error
            raise fastjsonschema.JsonSchemaValueException(
                lean.message, value=data, name="data", definition=self._definition
            ) from lean


#: Keys whose values map names to subschemas (their keys are names, not keywords).
_NAMED_SUBSCHEMAS = frozenset({"properties", "patternProperties", "definitions", "$defs"})
#: Keys whose values are data, not schemas.
_DATA_KEYWORDS = frozenset({"const", "enum", "default", "examples"})


def _const_as_enum(schema: Any, names: bool = False) -> Any:
    """``{"const": x}`` as the equivalent ``{"enum": [x]}``: fastjsonschema 2.x can't build
    ``const`` without detailed exceptions."""
    if isinstance(schema, list):
        return [_const_as_enum(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if names:
        return {name: _const_as_enum(sub) for name, sub in schema.items()}
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "const" and "enum" not in schema:
            out["enum"] = [value]
        elif key in _DATA_KEYWORDS:
            out[key] = value
        else:
            out[key] = _const_as_enum(value, names=key in _NAMED_SUBSCHEMAS)
    return out


def _load_file(path: Path, schemas: Mapping[str, Callable[[Any], Any]], name: str) -> Any:
    """Read, validate and parse one content file, naming the file and item on any failure."""
    import fastjsonschema

    validate = schemas.get(name)
    if validate is None:
        raise ContentError(f"{path}: no schema content/schema/{name}.schema.json for this file")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ContentError(f"{path}: cannot be read: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise ContentError(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno}") from exc
    try:
        validate(data)
    except fastjsonschema.JsonSchemaValueException as exc:
        raise ContentError(f"{path}: {_locate(data, exc.path)}{exc.message}") from exc
    _check_unique_ids(path, data)
    if name not in LAYOUTS:
        _check_templates(path, data)
    parser = PARSERS.get(name)
    try:
        return parser(data) if parser else data
    except ContentError as exc:
        raise ContentError(f"{path}: {exc}") from exc


def _locate(data: Any, schema_path: list[Any]) -> str:
    """Turn a schema error path into "item 'dreams-03': " when the item has an id, naming the
    items around it too when items nest ("item 'step-2' in 'exercise-1': ")."""
    node = data
    located = ""
    outer: list[str] = []
    for part in schema_path[1:]:
        if isinstance(node, list) and isinstance(part, str) and part.isdigit():
            part = int(part)
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            within = "".join(f" in {o!r}" for o in reversed(outer))
            located = f"item {node['id']!r}{within}: "
            outer.append(node["id"])
    return located


def _check_unique_ids(path: Path, data: Any) -> None:
    """Ids must be unique across a file, since state stores them and flows look them up."""
    seen: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            item_id = node.get("id")
            if isinstance(item_id, str):
                if item_id in seen:
                    raise ContentError(f"{path}: item {item_id!r}: the id is used twice")
                seen.add(item_id)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)


def _check_templates(path: Path, data: Any) -> None:
    """Every ``{placeholder}`` must be a plain name, so formatting can't fail at night."""
    formatter = string.Formatter()

    def walk(node: Any, where: str) -> None:
        if isinstance(node, str):
            try:
                fields = [f for _, f, _, _ in formatter.parse(node) if f is not None]
            except ValueError as exc:
                raise ContentError(f"{path}: {where}: broken placeholder: {exc}") from exc
            for f in fields:
                if not f.isidentifier():
                    raise ContentError(f"{path}: {where}: placeholder {{{f}}} is not a name")
        elif isinstance(node, dict):
            label = f"item {node['id']!r}" if isinstance(node.get("id"), str) else where
            for key, value in node.items():
                walk(value, f"{label}" if label != where else f"{where} {key!r}")
        elif isinstance(node, list):
            for value in node:
                walk(value, where)

    walk(data, "top level")
