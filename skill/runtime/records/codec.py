"""A household's in-memory shape <-> its compact stored form (record schema 3).

Flows see ``skill.runtime.state.Household`` as it always was: lists of heard ids, a 14-night
history, a journal of entries. Keeping that record small is this module's job, so that the
item stops growing with the deck (one DynamoDB write unit, 1 KB, after years of nightly use):

* heard questions and gratitude prompts: one threshold per cell (``seen``), because draws
  follow the household's own seeded order;
* a game's "heard lately" list and the questions used in the game in progress: the stretch
  of the household's order that ends at the last one, stored as a count;
* the journal: only the nights the weekly recap and the streak read (``JOURNAL_NIGHTS``),
  each night one string of one-letter kinds and four-character references;
* the history: derived from the journal; only entries the journal doesn't hold are stored,
  and only the two the flows read (tonight's and the latest before it);
* tonight's question: derived from the history unless it differs;
* nights as day numbers, ids as references (``refs``), short keys (``stored``).

Anything unknown to the content (a removed question, a game no longer offered) is left out:
it can't be drawn or named again anyway. Records saved in the full shape (schema 1, before
this module) are read as they are and written compactly on their next save; what they had
heard is kept exactly (out-of-order items are listed until later draws fold them in).
Records of schema 2 have the same shape, with heard sets in an older order
(``seen.decode``'s ``legacy``): they are read in it, and their next save lists what they had
heard in the new order, as a migrated record's does.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

import msgspec

from skill.runtime.records import seen, stored
from skill.runtime.records.index import ContentIndex
from skill.runtime.records.memos import remember, remembered
from skill.runtime.records.refs import ESCAPE, take_token
from skill.runtime.state import (
    SCHEMA_VERSION,
    GameProgress,
    GameRecord,
    GratitudeProgress,
    Household,
    JournalEntry,
    ListeningProgress,
    NightEntry,
    NightlyReminder,
    QuestionPrefs,
    Together,
    Tonight,
    household_from_json,
)

#: Nights of journal kept: the weekly recap and the streak look at seven, tonight included
#: (``skill.runtime.flows.kit.journal.WEEK_NIGHTS``; a unit test holds the two together).
JOURNAL_NIGHTS = 7
#: Journal entries kept at most (as ``journal.MAX_ENTRIES``).
MAX_JOURNAL_ENTRIES = 60
#: History entries stored beyond the journal's: the flows read tonight's and the one before.
HISTORY_KEPT = 2
#: Favourites kept (as ``state.MAX_FAVOURITES``).
MAX_FAVOURITES = 50
#: Recent exercises kept (as the listening flow's ``MAX_DONE``).
MAX_DONE = 20
#: Journal kinds by their one-letter code; other kinds are written out in full.
KIND_CODES = {"question": "q", "gratitude": "p", "listening": "l", "game": "g"}
_KINDS_BY_CODE = {code: kind for kind, code in KIND_CODES.items()}
_OTHER_KIND = "*"
_EPOCH = date(2000, 1, 1).toordinal()
#: What a journal entry is, for remembering a week's encoding by its entries.
_ENTRY_FIELDS = operator.attrgetter("night", "kind", "item")
#: Journal nights whose expansion each content's index remembers (the oldest forgotten first).
JOURNAL_MEMO = 512
#: Game records each content's index remembers, encoded and decoded (the oldest forgotten first).
RECORD_MEMO = 256


class Week(msgspec.Struct, frozen=True):
    """A journal's encoding as ``_journal`` makes it: each night kept (its day number and its
    entries' tokens), the question entries kept, and what growing it by one entry needs (the
    newest night's day and each kept night's date)."""

    nights: tuple[tuple[int, str], ...]
    held: frozenset[tuple[str, str]]
    newest: int | None
    #: Each kept night's date as its entries have it (the last one is where an entry joins).
    dates: tuple[str, ...]
    #: Whether reading ``nights`` back gives exactly the entries the week was made from
    #: (none left out, each dated as written): the save then registers what the next turn
    #: reads (``_journal_of``), which it would otherwise work out from the text again.
    exact: bool = False


class NewerRecord(ValueError):
    """The record was written by a newer release (its schema is above ``RECORD_SCHEMA``)."""


def record_schema(data: dict[str, Any]) -> int:
    """The schema of stored data: 1 for the full shape, else its ``s``."""
    version = data["s"] if "s" in data else 1 if data.get("schema", 1) == 1 else data.get("schema")
    if isinstance(version, bool) or not isinstance(version, int):
        raise ValueError(f"a record schema of {version!r}")
    return version


#: The stored form's JSON writer (``encode_text``), and the schema member it appends last.
_TEXT = msgspec.json.Encoder().encode
_SCHEMA_MEMBER = f'"s":{stored.RECORD_SCHEMA}'


class HouseholdCodec:
    """Encodes and decodes households against one locale's content."""

    def __init__(self, index: ContentIndex) -> None:
        self.index = index

    def decode(self, data: dict[str, Any] | None, seed: int, *, newer: bool = False) -> Household:
        """The household for stored data (a fresh one for none). Raises ``NewerRecord`` for a
        record from a newer release unless ``newer`` (then reads what it understands) and
        ValueError for anything unreadable."""
        if data is None:
            return Household(seed=seed)
        if not isinstance(data, dict):
            raise ValueError("a household record must be an object")
        version = record_schema(data)
        if version > stored.RECORD_SCHEMA and not newer:
            raise NewerRecord(f"record schema {version} is newer than {stored.RECORD_SCHEMA}")
        if version == 1:
            legacy = household_from_json(data)
            return _replace_seed(legacy, seed)
        try:
            if version == stored.RECORD_SCHEMA:
                return self._read(data, seed)
            record = msgspec.convert(data, type=stored.StoredHousehold, strict=True)
            return self._expand(record, seed, legacy=version < stored.CELL_RANK_SCHEMA)
        except msgspec.ValidationError as error:
            raise ValueError(f"household record: {error}") from error
        except (KeyError, IndexError, TypeError) as error:
            raise ValueError(f"household record: {type(error).__name__}: {error}") from error

    def encode(self, household: Household) -> dict[str, Any]:
        """The compact stored form of ``household``."""
        return self.encode_text(household)[0]

    def encode_text(self, household: Household) -> tuple[dict[str, Any], str | None]:
        """``encode``, and the record's JSON text as the stores write it
        (``store.port.record_text``), written from the stored form itself (None for one
        msgspec can't write, a lone surrogate in a name, say: the caller's writer decides).

        Why: the turn sizes every save by its text, and the general writer reads its text
        back twice to catch where msgspec and ``json`` differ (a float written shorter, a
        NaN), 20 us of the 26 a save's text cost. The stored form has no float anywhere
        (``stored``: every number is an int), so for it the two texts are one (a test holds
        this over any household, names and kept lists in any characters)."""
        compact = self._compact(household)
        data: dict[str, Any] = msgspec.to_builtins(compact)
        data["s"] = stored.RECORD_SCHEMA
        try:
            body = _TEXT(compact).decode()
        except (TypeError, ValueError, OverflowError):
            return data, None
        return data, f"{body[:-1]}{',' if len(body) > 2 else ''}{_SCHEMA_MEMBER}}}"

    # --- encoding -------------------------------------------------------------------------

    def _compact(self, h: Household) -> stored.StoredHousehold:
        """The stored form of ``h``, worked out again only for the fields that differ from
        the household this process last encoded for the same seed (``_WRITES``): a turn
        changes a few of a household's twenty-odd fields, and encoding each of them again
        (a journal, a game, gratitude) was most of a save's cost. Each part of the stored
        form is a function of its fields alone (with the seed and the content), so a part
        whose fields are equal is the one encoded before."""
        key = (id(self.index), h.seed)
        before = _WRITES.get(key)
        if before is None or before.index is not self.index:
            compact = stored.StoredHousehold(**self._compact_parts(h, _ALL_WRITE_PARTS))
        else:
            new, was = _FIELD_VALUES(h), _FIELD_VALUES(before.household)
            compact = before.record
            if not all(map(operator.is_, new, was)):
                parts = dict.fromkeys(
                    part
                    for name, value, old in zip(_FIELDS, new, was, strict=True)
                    if value is not old and (value != old or isinstance(value, dict))
                    for part in _WRITE_BY_FIELD[name]
                )
                if parts:
                    compact = msgspec.structs.replace(compact, **self._compact_parts(h, parts))
        remember(_WRITES, key, _Encoded(self.index, h, compact), HOUSEHOLDS_KEPT)
        return compact

    def _compact_parts(self, h: Household, parts: Iterable[_WritePart]) -> dict[str, Any]:
        """The stored keys ``parts`` of ``_WRITE_PARTS`` write from ``h``."""
        base = _day(h.last_night)
        origin = base if base is not None else 0

        def rel(night: str) -> int | None:
            day = _day(night)
            return None if day is None else origin - day

        keys: dict[str, Any] = {}
        for part in parts:
            keys.update(part(self, h, origin, rel))
        return keys

    def _compact_nights(self, h: Household, origin: int, rel: Any) -> dict[str, Any]:
        ix = self.index
        journal, held = self._journal_of(h.journal, origin)
        extras = [
            e
            for e in h.history[-HISTORY_KEPT:]
            if (e.night, e.question_id) not in held
            and rel(e.night) is not None
            and ix.questions.ref(e.question_id) is not None
        ]
        history = _merged(held, [(e.night, e.question_id) for e in extras])
        latest = history[-1] if history else None
        tonight: list[int | str] | None = None
        if (h.tonight.night, h.tonight.question_id) != latest:
            when, ref = rel(h.tonight.night), ix.questions.ref(h.tonight.question_id)
            tonight = [] if when is None or ref is None else [when, ref]
        return {
            "l": _day(h.last_night),
            "j": journal,
            "t": tonight,
            "y": [(rel(e.night) or 0, ix.questions.ref(e.question_id) or "") for e in extras],
        }

    def _compact_prefs(self, h: Household, origin: int, rel: Any) -> dict[str, Any]:
        prefs = h.prefs
        return {"d": prefs.depth, "q": prefs.theme, "p": prefs.talk, "i": _day(prefs.deeper_night)}

    def _journal_of(
        self, entries: list[JournalEntry], origin: int
    ) -> tuple[list[tuple[int, str]], set[tuple[str, str]]]:
        """``_journal``, remembered per content and entries: a turn that adds nothing to the
        journal encodes the same week again, and a turn that adds one entry (most that add
        any) extends the week its last save encoded (``_journal_grown``). Remembered by day
        numbers, not by offsets from the household's last night, so the first turn of a
        night (whose offsets all move by one) finds the week its last save encoded; the
        offsets from ``origin`` are applied after.

        A week that reads back as exactly these entries (``Week.exact``, the usual case) is
        also registered as the stored journal the next turn decodes (``_expand_journal``):
        the first turn of a night and the turn after one that adds an entry read a stored
        journal no turn read before, and worked its week out from the text again."""
        key = tuple(map(_ENTRY_FIELDS, entries))
        memo = self.index.journal_weeks
        found = memo.get(key)
        if found is None:
            before = memo.get(key[:-1]) if len(entries) <= MAX_JOURNAL_ENTRIES else None
            if before is not None:
                found = self._journal_grown(before, entries[-1])
            else:
                found = self._journal(entries)
            remember(memo, key, found, JOURNAL_MEMO)
        nights = [(origin - day, tokens) for day, tokens in found.nights]
        if found.exact:
            stored_key = (origin, tuple(nights))
            if stored_key not in self.index.journal_stored:
                kept = (tuple(entries), key, found)
                remember(self.index.journal_stored, stored_key, kept, JOURNAL_MEMO)
        return nights, set(found.held)

    def _journal(self, entries: list[JournalEntry]) -> Week:
        """The nights the recap reads, one string each, by day number; and the question
        entries kept."""
        days = [d for d in (_day(e.night) for e in entries) if d is not None]
        if not days:
            return Week((), frozenset(), None, (), exact=not entries)
        newest = max(days)
        kept = [
            e
            for e in entries[-MAX_JOURNAL_ENTRIES:]
            if (d := _day(e.night)) is not None and 0 <= newest - d < JOURNAL_NIGHTS
        ]
        nights: list[tuple[int, str]] = []
        dates: list[str] = []
        held: set[tuple[str, str]] = set()
        last_night = None
        exact = len(kept) == len(entries)
        for entry in kept:
            token = self._entry_token(entry)
            if token is None:
                exact = False
                continue
            exact = exact and _night(_day(entry.night) or 0) == entry.night
            if entry.kind == "question":
                held.add((entry.night, entry.item))
            if entry.night != last_night:
                nights.append((_day(entry.night) or 0, token))
                dates.append(entry.night)
                last_night = entry.night
            else:
                nights[-1] = (nights[-1][0], nights[-1][1] + token)
        return Week(tuple(nights), frozenset(held), newest, tuple(dates), exact)

    def _journal_grown(self, week: Week, entry: JournalEntry) -> Week:
        """``_journal`` of a journal one ``entry`` longer than the one ``week`` encodes (a
        test holds the two equal on random journals): the window moves on to the entry's
        night if it is the newest, and the entry joins the last night or starts its own."""
        day = _day(entry.night)
        if day is None:
            return msgspec.structs.replace(week, exact=False)
        newest = day if week.newest is None else max(week.newest, day)
        nights, held, dates = week.nights, week.held, week.dates
        if newest != week.newest:
            nights, dates = _within(nights, dates, newest)
            held = frozenset(h for h in held if newest - (_day(h[0]) or 0) < JOURNAL_NIGHTS)
        if newest - day >= JOURNAL_NIGHTS:
            return Week(nights, held, newest, dates)
        token = self._entry_token(entry)
        if token is None:
            return Week(nights, held, newest, dates)
        # Every entry still reads back when none fell out of the window with this one.
        exact = week.exact and len(dates) == len(week.dates) and _night(day) == entry.night
        if entry.kind == "question":
            held = held | {(entry.night, entry.item)}
        if dates and entry.night == dates[-1]:
            nights = (*nights[:-1], (nights[-1][0], nights[-1][1] + token))
        else:
            nights, dates = (*nights, (day, token)), (*dates, entry.night)
        return Week(nights, held, newest, dates, exact)

    def _entry_token(self, entry: JournalEntry) -> str | None:
        """An entry's token, remembered per content (a week's entries are encoded again
        whenever the journal gains one)."""
        key = (entry.kind, entry.item)
        tokens = self.index.journal_tokens
        if key in tokens:
            return tokens[key]
        return remembered(tokens, key, JOURNAL_MEMO, functools.partial(self._token, entry))

    def _token(self, entry: JournalEntry) -> str | None:
        code = KIND_CODES.get(entry.kind)
        refs = self._kind_refs(entry.kind)
        if code is not None and refs is not None:
            ref = refs.ref(entry.item)
            return None if ref is None else code + ref
        if any(c in entry.kind + entry.item for c in (ESCAPE, "|")):
            return None
        return f"{_OTHER_KIND}{ESCAPE}{entry.kind}|{entry.item}{ESCAPE}"

    def _kind_refs(self, kind: str) -> Any:
        return self.index.refs_by_kind.get(kind)

    def _listening(self, progress: ListeningProgress) -> stored.Listening | None:
        if progress == ListeningProgress():
            return None
        return stored.Listening(
            exercise=self.index.exercises.ref(progress.exercise) or "",
            step=progress.step,
            part=progress.part,
            first=progress.first,
            paused=progress.paused,
            started=progress.started,
            updated=progress.updated - progress.started if progress.updated else None,
            turn_ends=progress.turn_ends - progress.updated if progress.turn_ends else None,
        )

    def _game(self, progress: GameProgress, seed: int) -> stored.Game | None:
        if progress == GameProgress():
            return None
        ix = self.index
        order = ix.bank_order(seed, progress.game)
        used = _stretch(order, progress.used)
        return stored.Game(
            game=ix.games.ref(progress.game) or "",
            rounds=progress.rounds,
            step=progress.step,
            first=progress.first,
            scores=list(progress.scores),
            together=progress.together,
            question=ix.game_questions.ref(progress.question) or "",
            used=used if used is not None else ix.game_questions.pack(progress.used),
            strikes=progress.strikes,
            done=progress.done,
        )

    def _record(self, record: GameRecord, seed: int) -> stored.GameRecord | None:
        """A game's record, remembered per content and its fields (a bank's stretch is found
        by scanning the bank; most turns save records that didn't change)."""
        key = (
            "record",
            seed,
            record.game,
            record.played,
            record.best_short,
            record.best_long,
            tuple(record.heard),
        )
        make = functools.partial(self._encode_record, record, seed)
        found: stored.GameRecord | None = remembered(
            self.index.game_records, key, RECORD_MEMO, make
        )
        return found

    def _encode_record(self, record: GameRecord, seed: int) -> stored.GameRecord | None:
        ix = self.index
        game = ix.games.ref(record.game)
        if game is None:
            return None
        heard = list(filter(ix.game_questions.referable.__contains__, record.heard))
        count = _stretch(ix.bank_order(seed, record.game), heard)
        return stored.GameRecord(
            game=game,
            played=record.played,
            best_short=record.best_short,
            best_long=record.best_long,
            last=ix.game_questions.ref(heard[-1]) or "" if heard else "",
            heard=count if count is not None else ix.game_questions.pack(heard),
        )

    def _gratitude(
        self, progress: GratitudeProgress, rel: Any, seed: int
    ) -> stored.Gratitude | None:
        if progress == GratitudeProgress():
            return None
        ix = self.index
        return stored.Gratitude(
            cycle=progress.cycle,
            heard=seen.encode(progress.heard, ix.gratitude_cells, seed),
            night=rel(progress.night),
            prompt=ix.gratitude.ref(progress.prompt) or "",
        )

    # --- decoding -------------------------------------------------------------------------

    def _expand(self, r: stored.StoredHousehold, seed: int, *, legacy: bool) -> Household:
        return Household(
            schema=SCHEMA_VERSION,
            seed=seed,
            **self._expand_parts(r, seed, _ALL_READ_PARTS, legacy=legacy),
        )

    def _read(self, data: dict[str, Any], seed: int) -> Household:
        """A record of this schema, read again only in the keys that differ from the record
        this process last read for the same seed (``_READS``): each turn's record is the
        last one with what that turn changed, a few of its twenty-odd keys, and reading
        every part again (a journal, a game, gratitude, their Structs) was most of a
        read's cost. Each part of a household is a function of its keys alone (with the
        seed and the content), so a part whose keys are equal is the one read before; the
        keys that differ are checked as the whole record is."""
        key = (id(self.index), seed)
        before = _READS.get(key)
        if before is None or before.index is not self.index:
            record = msgspec.convert(data, type=stored.StoredHousehold, strict=True)
            household = self._expand(record, seed, legacy=False)
        else:
            old = before.data
            # A mapping is read again whenever there is one: equal in another order is
            # another text.
            changed = _MAPPINGS.intersection(data)
            if data != old:
                changed |= {k for k, value in data.items() if old.get(k, _ABSENT) != value}
                changed |= old.keys() - data.keys()
            if not changed:
                return before.household
            given = {k: data[k] for k in changed if k in data}
            checked = msgspec.convert(given, type=stored.StoredHousehold, strict=True)
            record = msgspec.structs.replace(
                before.record, **{k: getattr(checked, k) for k in changed if k in _STORED_KEYS}
            )
            parts = dict.fromkeys(part for k in changed for part in _READ_BY_KEY.get(k, ()))
            fields = self._expand_parts(record, seed, parts, legacy=False)
            household = msgspec.structs.replace(before.household, **fields)
        remember(_READS, key, _Read(self.index, dict(data), record, household), HOUSEHOLDS_KEPT)
        return household

    def _expand_parts(
        self,
        r: stored.StoredHousehold,
        seed: int,
        parts: Iterable[_ReadPart],
        *,
        legacy: bool,
    ) -> dict[str, Any]:
        """The household's fields ``parts`` of ``_READ_PARTS`` read from ``r``."""
        origin = r.l if r.l is not None else 0

        def night(offset: int | None) -> str:
            return "" if offset is None else _night(origin - offset)

        fields: dict[str, Any] = {}
        for part in parts:
            fields.update(part(self, r, seed, night, legacy))
        return fields

    def _expand_nights(self, r: stored.StoredHousehold, night: Any) -> dict[str, Any]:
        """The last night, the journal, the history and tonight's question: the history is
        the journal's questions and the entries stored beside them, tonight the latest
        unless stored apart."""
        ix = self.index
        origin = r.l if r.l is not None else 0
        journal = self._expand_journal(r.j, origin, night)
        held = {(e.night, e.item) for e in journal if e.kind == "question"}
        extras = [(night(off), ix.questions.resolve(ref) or "") for off, ref in r.y]
        history = [NightEntry(n, q) for n, q in _merged(held, [(n, q) for n, q in extras if q])]
        if r.t is None:
            tonight = Tonight(history[-1].night, history[-1].question_id) if history else Tonight()
        elif len(r.t) == 2 and isinstance(r.t[0], int) and isinstance(r.t[1], str):
            question = ix.questions.resolve(r.t[1])
            tonight = Tonight(night(r.t[0]), question) if question else Tonight()
        else:
            tonight = Tonight()
        return {
            "last_night": "" if r.l is None else _night(r.l),
            "journal": journal,
            "history": [NightEntry(e.night, e.question_id) for e in history],
            "tonight": tonight,
        }

    def _expand_journal(
        self, nights: list[tuple[int, str]], origin: int, night: Any
    ) -> list[JournalEntry]:
        """The stored nights' entries, remembered per last night and stored nights: every
        turn of an evening reads the same journal (its saves add an entry at most once).
        When each night's entries encode back to its very string, the week the stored
        nights are is remembered as these entries' encoding too, so the turn's save (which
        usually adds one entry) extends it (``_journal_grown``) instead of encoding the week
        again; a remembered journal registers its week again if that memo started afresh."""
        stored_key = (origin, tuple(nights))
        found = self.index.journal_stored.get(stored_key)
        if found is not None:
            entries_kept, week_key, week = found
            if week_key is not None and week_key not in self.index.journal_weeks:
                remembered(self.index.journal_weeks, week_key, JOURNAL_MEMO, lambda: week)
            return list(entries_kept)
        entries, week_key, week = self._expand_week(nights, night)
        remember(
            self.index.journal_stored, stored_key, (tuple(entries), week_key, week), JOURNAL_MEMO
        )
        return entries

    def _expand_week(
        self, nights: list[tuple[int, str]], night: Any
    ) -> tuple[list[JournalEntry], tuple[Any, ...] | None, Week | None]:
        """``_expand_journal`` without its memo of whole journals: the entries, and the week
        they registered (its key and encoding) when every night encodes back exactly."""
        entries: list[JournalEntry] = []
        memo = self.index.journal_nights
        exact = True
        days: list[tuple[int, str]] = []
        dates: list[str] = []
        for offset, text in nights:
            when = night(offset)
            make = functools.partial(self._night_entries, when, text)
            found, same = remembered(memo, (when, text), JOURNAL_MEMO, make)
            # Entries are never changed in place (flows build new ones), so a night's are shared.
            entries.extend(found)
            exact = exact and same and bool(found)
            day = _day(when)
            exact = exact and day is not None
            days.append((day or 0, text))
            dates.append(when)
        if not exact:
            return entries, None, None
        key = tuple(map(_ENTRY_FIELDS, entries))
        weeks = self.index.journal_weeks
        week = weeks.get(key)
        if week is None:
            held = frozenset((e.night, e.item) for e in entries if e.kind == "question")
            newest = max((d for d, _ in days), default=None)
            made = Week(tuple(days), held, newest, tuple(dates), exact=True)
            week = remembered(weeks, key, JOURNAL_MEMO, lambda: made)
        return entries, key, week

    def _night_entries(self, when: str, text: str) -> tuple[tuple[JournalEntry, ...], bool]:
        """One stored night's entries, dated ``when``, and whether they encode back to
        ``text`` exactly (not when an entry names content that is gone)."""
        entries = tuple(JournalEntry(when, kind, item) for kind, item in self._journal_night(text))
        return entries, "".join(self._entry_token(e) or "" for e in entries) == text

    def _journal_night(self, text: str) -> tuple[tuple[str, str], ...]:
        """One night's journal string as (kind, id) pairs (remembered per content by
        ``_expand_journal``: a week's nights are read again on every turn)."""
        pairs: list[tuple[str, str]] = []
        at = 0
        while at < len(text):
            code = text[at]
            token, at = take_token(text, at + 1)
            if code == _OTHER_KIND:
                kind, _, item = token[1:-1].partition("|")
                pairs.append((kind, item))
                continue
            known = _KINDS_BY_CODE.get(code)
            if known is None:
                raise ValueError(f"a journal entry of kind {code!r}")
            found = self._kind_refs(known).resolve(token)
            if found is not None:
                pairs.append((known, found))
        return tuple(pairs)

    def _expand_listening(self, x: stored.Listening | None) -> ListeningProgress:
        if x is None:
            return ListeningProgress()
        updated = 0 if x.updated is None else x.started + x.updated
        return ListeningProgress(
            exercise=self.index.exercises.resolve(x.exercise) or "" if x.exercise else "",
            step=x.step,
            part=x.part,
            first=x.first,
            paused=x.paused,
            started=x.started,
            updated=updated,
            turn_ends=0 if x.turn_ends is None else updated + x.turn_ends,
        )

    def _expand_game(self, g: stored.Game | None, seed: int) -> GameProgress:
        if g is None:
            return GameProgress()
        ix = self.index
        game = ix.games.resolve(g.game) if g.game else None
        question = ix.game_questions.resolve(g.question) if g.question else None
        if isinstance(g.used, int):
            used = _unstretch(ix.bank_order(seed, game or ""), question, g.used)
        else:
            used = ix.game_questions.unpack(g.used)
        return GameProgress(
            game=game or "",
            rounds=g.rounds,
            step=g.step,
            first=g.first,
            scores=list(g.scores),
            together=g.together,
            question=question or "",
            used=used,
            strikes=g.strikes,
            done=g.done,
        )

    def _expand_record(self, g: stored.GameRecord, seed: int) -> GameRecord | None:
        """A stored game record as the flows see it (its game and heard ids remembered per
        content and stored fields; each caller gets its own record and list)."""
        key = ("expand", seed, g.game, g.last, g.heard)
        make = functools.partial(self._expand_heard, g, seed)
        game, heard = remembered(self.index.game_records, key, RECORD_MEMO, make)
        if game is None:
            return None
        return GameRecord(
            game=game,
            played=g.played,
            best_short=g.best_short,
            best_long=g.best_long,
            heard=list(heard),
        )

    def _expand_heard(self, g: stored.GameRecord, seed: int) -> tuple[str | None, tuple[str, ...]]:
        ix = self.index
        game = ix.games.resolve(g.game)
        if game is None:
            return None, ()
        if isinstance(g.heard, int):
            last = ix.game_questions.resolve(g.last) if g.last else None
            heard = _unstretch(ix.bank_order(seed, game), last, g.heard)
        else:
            heard = ix.game_questions.unpack(g.heard)
        return game, tuple(heard)

    def _expand_gratitude(
        self, a: stored.Gratitude | None, night: Any, seed: int, *, legacy: bool
    ) -> GratitudeProgress:
        if a is None:
            return GratitudeProgress()
        ix = self.index
        return GratitudeProgress(
            cycle=a.cycle,
            heard=seen.decode(a.heard, ix.gratitude_cells, seed, legacy=legacy),
            night=night(a.night),
            prompt=ix.gratitude.resolve(a.prompt) or "" if a.prompt else "",
        )


def _within(
    nights: tuple[tuple[int, str], ...], dates: tuple[str, ...], newest: int
) -> tuple[tuple[tuple[int, str], ...], tuple[str, ...]]:
    """A week's nights still inside the window ending at ``newest``: the ones that fell out
    removed, and the same night on both sides of one that fell out joined again, as
    encoding the entries kept would group them."""
    kept: list[tuple[int, str]] = []
    kept_dates: list[str] = []
    for (day, tokens), when in zip(nights, dates, strict=True):
        if newest - day >= JOURNAL_NIGHTS:
            continue
        if kept_dates and kept_dates[-1] == when:
            kept[-1] = (day, kept[-1][1] + tokens)
        else:
            kept.append((day, tokens))
            kept_dates.append(when)
    return tuple(kept), tuple(kept_dates)


def _replace_seed(household: Household, seed: int) -> Household:
    household.seed = seed
    return household


@functools.lru_cache(maxsize=4096)
def _day(night: str) -> int | None:
    """A night ("YYYY-MM-DD") as a day number; None for an empty or malformed one."""
    if len(night) != 10:
        return None
    try:
        return date.fromisoformat(night).toordinal() - _EPOCH
    except ValueError:
        return None


@functools.lru_cache(maxsize=4096)
def _night(day: int) -> str:
    return date.fromordinal(day + _EPOCH).isoformat()


def _together(together: Together, rel: Any) -> tuple[int, int, int]:
    when = rel(together.last_night)
    return (0 if when is None else when, together.run, together.total)


def _merged(held: set[tuple[str, str]], extras: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """History entries by night (one per night, an explicit entry winning), oldest first."""
    by_night = dict(sorted(held))
    by_night.update(extras)
    return sorted(by_night.items())


def _stretch(order: tuple[str, ...], items: list[str]) -> int | None:
    """``len(items)`` when ``items`` are the stretch of ``order`` (going round) that ends
    with the last of them, oldest first; None otherwise. Compared as slices of ``order``
    (a game turn saves its game's stretch: a bank's length in Python steps otherwise)."""
    if not items:
        return 0
    if len(items) > len(order):
        return None
    try:
        end = order.index(items[-1])
    except ValueError:
        return None
    return len(items) if _ending_at(order, end, len(items)) == items else None


def _ending_at(order: tuple[str, ...], end: int, count: int) -> list[str]:
    """The ``count`` items of ``order`` (going round) that end at ``end``, oldest first;
    ``count`` at most the order's length."""
    start = end - count + 1
    if start >= 0:
        return list(order[start : end + 1])
    return [*order[start:], *order[: end + 1]]


def _unstretch(order: tuple[str, ...], last: str | None, count: int) -> list[str]:
    if not count or last is None or last not in order:
        return []
    return _ending_at(order, order.index(last), min(count, len(order)))


class _Read(msgspec.Struct, frozen=True):
    """A record this process read (its data as stored), and the household it read."""

    index: ContentIndex
    data: dict[str, Any]
    record: stored.StoredHousehold
    household: Household


class _Encoded(msgspec.Struct, frozen=True):
    """A household this process encoded, and its stored form."""

    index: ContentIndex
    household: Household
    record: stored.StoredHousehold


#: Households whose last record read and last encoding are remembered, per content index and
#: seed (the oldest forgotten first): one turn's read and save follow the one before.
HOUSEHOLDS_KEPT = 256
_READS: dict[tuple[int, int], _Read] = {}
_WRITES: dict[tuple[int, int], _Encoded] = {}
_ABSENT = object()

_ReadPart = Callable[[HouseholdCodec, stored.StoredHousehold, int, Any, bool], dict[str, Any]]
#: A household's fields by the stored keys they are read from (``HouseholdCodec._read``).
_READ_PARTS: tuple[tuple[frozenset[str], _ReadPart], ...] = (
    (frozenset("ljyt"), lambda c, r, seed, night, legacy: c._expand_nights(r, night)),
    (frozenset("n"), lambda c, r, seed, night, legacy: {"visits": r.n}),
    (
        frozenset("f"),
        lambda c, r, seed, night, legacy: {"first_night": "" if r.f is None else _night(r.f)},
    ),
    (frozenset("c"), lambda c, r, seed, night, legacy: {"cycle": r.c}),
    (
        frozenset("h"),
        lambda c, r, seed, night, legacy: {
            "heard": seen.decode(r.h, c.index.question_cells, seed, legacy=legacy)
        },
    ),
    (
        frozenset("v"),
        lambda c, r, seed, night, legacy: {"favourites": c.index.questions.unpack(r.v)},
    ),
    (
        frozenset("dqpi"),
        lambda c, r, seed, night, legacy: {
            "prefs": QuestionPrefs(
                depth=r.d,
                theme=r.q,
                talk=r.p,
                deeper_night="" if r.i is None else _night(r.i),
            )
        },
    ),
    (frozenset("m"), lambda c, r, seed, night, legacy: {"names": list(r.m)}),
    (frozenset("o"), lambda c, r, seed, night, legacy: {"voices": list(r.o)}),
    (
        frozenset("x"),
        lambda c, r, seed, night, legacy: {"listening": c._expand_listening(r.x)},
    ),
    (
        frozenset("e"),
        lambda c, r, seed, night, legacy: {"exercises_done": c.index.exercises.unpack(r.e)},
    ),
    (frozenset("g"), lambda c, r, seed, night, legacy: {"game": c._expand_game(r.g, seed)}),
    (
        frozenset("r"),
        lambda c, r, seed, night, legacy: {
            "game_records": [g for g in (c._expand_record(g, seed) for g in r.r) if g]
        },
    ),
    (
        frozenset("lw"),
        lambda c, r, seed, night, legacy: {
            "together": Together()
            if r.w is None
            else Together(last_night=night(r.w[0]), run=r.w[1], total=r.w[2])
        },
    ),
    (
        frozenset("la"),
        lambda c, r, seed, night, legacy: {
            "gratitude": c._expand_gratitude(r.a, night, seed, legacy=legacy)
        },
    ),
    (
        frozenset("z"),
        lambda c, r, seed, night, legacy: {
            "reminder": NightlyReminder() if r.z is None else NightlyReminder(*r.z)
        },
    ),
    (frozenset("b"), lambda c, r, seed, night, legacy: {"names_offered": r.b}),
    (frozenset("u"), lambda c, r, seed, night, legacy: {"voice_names": dict(r.u)}),
    (
        frozenset("k"),
        lambda c, r, seed, night, legacy: {
            "kept": {name: list(values) for name, values in r.k.items()}
        },
    ),
)
#: The stored form's keys (``s`` included: a record of another schema is read whole).
_STORED_KEYS = frozenset(stored.StoredHousehold.__struct_fields__)
_ALL_READ_PARTS = tuple(part for _, part in _READ_PARTS)
#: The parts that read each key.
_READ_BY_KEY = {
    key: tuple(part for keys, part in _READ_PARTS if key in keys) for key in _STORED_KEYS
}
#: The stored keys whose values are mappings.
_MAPPINGS = frozenset("uk")

_WritePart = Callable[[HouseholdCodec, Household, int, Any], dict[str, Any]]
#: The stored keys by the household's fields they are written from (``HouseholdCodec._compact``).
_WRITE_PARTS: tuple[tuple[frozenset[str], _WritePart], ...] = (
    (
        frozenset({"last_night", "journal", "history", "tonight"}),
        lambda c, h, origin, rel: c._compact_nights(h, origin, rel),
    ),
    (frozenset({"visits"}), lambda c, h, origin, rel: {"n": h.visits}),
    (frozenset({"first_night"}), lambda c, h, origin, rel: {"f": _day(h.first_night)}),
    (frozenset({"cycle"}), lambda c, h, origin, rel: {"c": h.cycle}),
    (
        frozenset({"heard"}),
        lambda c, h, origin, rel: {"h": seen.encode(h.heard, c.index.question_cells, h.seed)},
    ),
    (
        frozenset({"favourites"}),
        lambda c, h, origin, rel: {"v": c.index.questions.pack(h.favourites[-MAX_FAVOURITES:])},
    ),
    (frozenset({"prefs"}), lambda c, h, origin, rel: c._compact_prefs(h, origin, rel)),
    (frozenset({"names"}), lambda c, h, origin, rel: {"m": list(h.names[:2])}),
    (frozenset({"voices"}), lambda c, h, origin, rel: {"o": list(h.voices[:2])}),
    (frozenset({"listening"}), lambda c, h, origin, rel: {"x": c._listening(h.listening)}),
    (
        frozenset({"exercises_done"}),
        lambda c, h, origin, rel: {"e": c.index.exercises.pack(h.exercises_done[-MAX_DONE:])},
    ),
    (frozenset({"game"}), lambda c, h, origin, rel: {"g": c._game(h.game, h.seed)}),
    (
        frozenset({"game_records"}),
        lambda c, h, origin, rel: {
            "r": [r for r in (c._record(r, h.seed) for r in h.game_records) if r is not None]
        },
    ),
    (
        frozenset({"together", "last_night"}),
        lambda c, h, origin, rel: {
            "w": None if h.together == Together() else _together(h.together, rel)
        },
    ),
    (
        frozenset({"gratitude", "last_night"}),
        lambda c, h, origin, rel: {"a": c._gratitude(h.gratitude, rel, h.seed)},
    ),
    (
        frozenset({"reminder"}),
        lambda c, h, origin, rel: {
            "z": None
            if h.reminder == NightlyReminder()
            else (h.reminder.alert_token, h.reminder.time)
        },
    ),
    (frozenset({"names_offered"}), lambda c, h, origin, rel: {"b": h.names_offered}),
    (frozenset({"voice_names"}), lambda c, h, origin, rel: {"u": dict(h.voice_names)}),
    (
        frozenset({"kept"}),
        lambda c, h, origin, rel: {"k": {name: list(values) for name, values in h.kept.items()}},
    ),
)
#: The household's fields a stored form is written from (``seed`` is the record's key's, and
#: ``schema`` the in-memory shape's version: neither is stored).
_FIELDS = tuple(sorted(frozenset().union(*(fields for fields, _ in _WRITE_PARTS))))
_FIELD_VALUES = operator.attrgetter(*_FIELDS)
_ALL_WRITE_PARTS = tuple(part for _, part in _WRITE_PARTS)
#: The parts that write from each field.
_WRITE_BY_FIELD = {
    name: tuple(part for fields, part in _WRITE_PARTS if name in fields) for name in _FIELDS
}


def forget_household(seed: int) -> None:
    """Forget what was read and encoded for the households seeded ``seed`` (a household
    that asked to be forgotten leaves nothing of its record in this process's memory)."""
    for memo in (_READS, _WRITES):
        for key in [key for key in list(memo) if key[1] == seed]:
            memo.pop(key, None)


def forget_households() -> None:
    """Forget every household read and encoded (``_READS``, ``_WRITES``): the next read and
    encoding of each work out every part, as a new process's would."""
    _READS.clear()
    _WRITES.clear()
