"""A pre-validated catalog, pickled at build time and trusted only while the content matches.

Loading the catalog from JSON compiles every schema, validates every file and builds every
item, which is most of a cold start's own cost and grows with the content. The Lambda zip
therefore carries ``content/catalog.snapshot``: the catalog as ``Catalog.load`` built it from
exactly the files beside it, with the sha256 of each of those files. A load reads the file
list and hashes first; the pickled catalog is used only when every file (schemas included, of
every content kind, whatever kinds exist) hashes as recorded, no file was added or removed,
and the classes in the pickle still have the fields they had. Anything else (an edited file,
a new kind, a snapshot from other code, a truncated or unreadable snapshot) answers ``None``
and the caller loads and validates in full, so a broken file still fails with its precise
error from the normal path.

The Lambda zip ships the snapshot *sealed*: without the JSON it was made from (every item would
otherwise ship twice, and with German and Spanish the zip would pass its 3 MB). A folder that
holds a snapshot and no content files at all is trusted as the zip's own, the class shapes
still checked; there is nothing to fall back to there, so ``Catalog.load`` then fails naming
the snapshot rather than quietly loading nothing.

Inside, after a small header and the default language's skeleton (its locales, and each
one's kinds by name), come *parts*: one pickle per content kind (``catalog.Locales``; kinds
that share an object are pickled together) and one per other language. A load reads the
header and skeleton (crc32-checked) and checks that the file is exactly as long as the parts
it lists, so a truncated snapshot still fails the load; each part is read, and its crc32
checked, the first time a turn needs it, and a damaged one fails there with a
``ContentError`` naming the snapshot, never as a wrong sentence. Beside the content files,
where every file is read and hashed anyway, every part's crc32 is checked at load too.

The snapshot is written by the zip builder from files it has just validated, into a read-only
task root; it is not a cache that a running skill writes. Pickle executes what it reads, so a
snapshot is only ever read from the content folder shipped with the code.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import importlib
import io
import os
import pickle
import struct
import sys
import zlib
from pathlib import Path
from typing import Any

#: The snapshot's file name inside the content folder (a file, so no locale is taken for it).
SNAPSHOT_NAME = "catalog.snapshot"
#: Raised when the snapshot's layout changes, so an older snapshot is never misread.
FORMAT = 3
_MAGIC = b"heart-to-heart catalog snapshot\n"
#: After the magic: the length of the header and skeleton pickles, and their crc32.
_PREAMBLE = struct.Struct("<QI")


class DamagedPart(ValueError):
    """A part of the snapshot is not what was written (its length or crc32 differ)."""


class Part:
    """Bytes that a snapshot keeps outside its pickles, after them in the file (a content
    kind's pickle, another language's), read from the file the first time they are needed.

    Why: reading the whole snapshot at every load grew faster than the content (at 100x, 190
    MB read and copied before the first answer, though a turn reads a few kinds). A load now
    reads the header and skeleton, and checks that the file is as long as the parts it lists;
    each part is read, its crc32 checked, when first asked for. Pickled without the snapshot
    (``pickle.dumps``), a part carries its bytes as usual."""

    __slots__ = ("_crc", "_data", "_length", "_offset", "_path")

    def __init__(self, data: bytes) -> None:
        self._data: bytes | None = data
        self._path: Path | None = None
        self._offset = self._length = self._crc = 0

    @classmethod
    def at(cls, path: Path, offset: int, length: int, crc: int) -> Part:
        """The part at ``offset`` in the snapshot ``path``, not read yet."""
        part = cls.__new__(cls)
        part._data, part._path = None, path
        part._offset, part._length, part._crc = offset, length, crc
        return part

    def read(self) -> bytes:
        """The part's bytes; ``DamagedPart`` when the file no longer holds what was written."""
        if self._data is not None or self._path is None:
            return self._data or b""
        with self._path.open("rb") as file:
            file.seek(self._offset)
            data = file.read(self._length)
        if len(data) != self._length or zlib.crc32(data) != self._crc:
            raise DamagedPart(f"{self._path}: a part at byte {self._offset} is damaged")
        return data

    def __reduce__(self) -> tuple[Any, ...]:
        return (Part, (self.read(),))


def content_files(content_dir: Path) -> list[str]:
    """Every file a full load reads, relative and sorted: each schema, each locale's JSON."""
    names: list[str] = []
    with os.scandir(content_dir) as entries:
        folders = sorted(e.name for e in entries if e.is_dir())
    for folder in folders:
        pattern = "*.schema.json" if folder == "schema" else "*.json"
        names.extend(f"{folder}/{p.name}" for p in sorted((content_dir / folder).glob(pattern)))
    return names


def fingerprint(content_dir: Path, names: list[str]) -> tuple[tuple[str, str], ...]:
    """(relative name, sha256) of each file, in order."""
    return tuple(
        (name, hashlib.sha256((content_dir / name).read_bytes()).hexdigest()) for name in names
    )


def noted(kind: type) -> bool:
    """Whether a snapshot checks ``kind``'s fields: the skill's own classes, and any
    dataclass (the standard library's types are pickled by their own stable reducers, and
    their internals differ between versions)."""
    return kind.__module__.startswith("skill.") or dataclasses.is_dataclass(kind)


class NotingPickler(pickle.Pickler):
    """Pickles as usual, noting each of the skill's classes it meets, as instances or named
    (a part pickled on its own, such as a content kind's blob, names the classes it holds
    so that the snapshot's header checks them too)."""

    def __init__(self, file: Any, *, parts: bool = False) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.classes: set[type] = set()
        #: With ``parts``, each ``Part`` met is kept out of the pickle, here, in order.
        self.parts: list[bytes] | None = [] if parts else None

    def persistent_id(self, obj: Any) -> Any:
        if self.parts is not None and isinstance(obj, Part):
            self.parts.append(obj.read())
            return ("part", len(self.parts) - 1)
        return None

    def reducer_override(self, obj: Any) -> Any:
        kind = type(obj)
        if noted(kind):
            self.classes.add(kind)
        elif isinstance(obj, type) and noted(obj):
            self.classes.add(obj)
        return NotImplemented


def dumps_noting(obj: Any, classes: set[type]) -> bytes:
    """``obj`` pickled (and optimised), adding the skill's classes it holds to ``classes``."""
    import pickletools  # only ever at build time: a cold start doesn't import it (0.5 ms)

    buffer = io.BytesIO()
    pickler = NotingPickler(buffer)
    pickler.dump(obj)
    classes |= pickler.classes
    return pickletools.optimize(buffer.getvalue())


def _shape(kind: type) -> tuple[str, ...]:
    struct_fields: tuple[str, ...] | None = getattr(kind, "__struct_fields__", None)
    if struct_fields is not None:
        return struct_fields
    if dataclasses.is_dataclass(kind):
        return tuple(f.name for f in dataclasses.fields(kind))
    return tuple(sorted(getattr(kind, "__slots__", ()) or ()))


def _shapes(classes: set[type]) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    return tuple(sorted((c.__module__, c.__qualname__, _shape(c)) for c in classes))


def _shapes_hold(shapes: tuple[tuple[str, str, tuple[str, ...]], ...]) -> bool:
    """Every pickled class still exists with the same fields (its module imported as unpickling
    would import it)."""
    for module_name, qualname, fields in shapes:
        kind: Any = sys.modules.get(module_name) or importlib.import_module(module_name)
        for part in qualname.split("."):
            kind = getattr(kind, part, None)
        if not isinstance(kind, type) or _shape(kind) != fields:
            return False
    return True


def write(content_dir: Path, catalog: Any, destination: Path | None = None) -> Path:
    """Snapshot ``catalog``, which was just loaded from ``content_dir``; return the file.

    Raises ``pickle.PicklingError`` (or ``TypeError``) when a content kind parses to
    something that can't be pickled: the builder says so rather than ship a slower zip.
    """
    import pickletools  # only ever at build time: a cold start doesn't import it (0.5 ms)

    names = content_files(content_dir)
    body = io.BytesIO()
    pickler = NotingPickler(body, parts=True)
    pickler.dump(catalog)
    parts = pickler.parts or []
    header = {
        "format": FORMAT,
        "files": fingerprint(content_dir, names),
        "shapes": _shapes(pickler.classes),
        "parts": tuple((len(part), zlib.crc32(part)) for part in parts),
    }
    out = destination or content_dir / SNAPSHOT_NAME
    # pickletools.optimize drops the memo writes nothing reads back: a smaller file (and zip)
    # that unpickles to the same catalog, a little faster.
    head = pickle.dumps(header, protocol=pickle.HIGHEST_PROTOCOL) + pickletools.optimize(
        body.getvalue()
    )
    out.write_bytes(_MAGIC + _PREAMBLE.pack(len(head), zlib.crc32(head)) + head + b"".join(parts))
    return out


def read(content_dir: Path) -> Any | None:
    """The snapshotted catalog when it matches the content exactly (or the folder is sealed:
    the snapshot alone, as the Lambda zip ships it), else None.

    Reads the header and the skeleton only (checked by their crc32), and checks that the file
    holds every part it lists, by length; the parts are read when first needed. Beside the
    content files (a checkout, where every file is read and hashed anyway), every part's
    crc32 is checked now too, so a damaged part there loads in full rather than failing."""
    path = content_dir / SNAPSHOT_NAME
    try:
        with path.open("rb") as file:
            prefix = file.read(len(_MAGIC) + _PREAMBLE.size)
            if not prefix.startswith(_MAGIC) or len(prefix) < len(_MAGIC) + _PREAMBLE.size:
                return None
            length, crc = _PREAMBLE.unpack_from(prefix, len(_MAGIC))
            head = file.read(length)
            size = os.fstat(file.fileno()).st_size
    except OSError:
        return None
    if len(head) != length or zlib.crc32(head) != crc:
        return None
    stream = io.BytesIO(head)
    try:
        header = pickle.load(stream)
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            return None
        files = header["files"]
        names = content_files(content_dir)
        sealed = not names and bool(files)
        if not sealed and (
            [name for name, _ in files] != names or fingerprint(content_dir, names) != files
        ):
            return None
        if not _shapes_hold(header["shapes"]):
            return None
        offset = len(prefix) + length
        parts = []
        for part_length, part_crc in header["parts"]:
            parts.append(Part.at(path.absolute(), offset, part_length, part_crc))
            offset += part_length
        if offset != size:
            return None
        if not sealed:
            for part in parts:
                part.read()
        return _unpickle(stream, parts)
    except Exception:  # truncated, unreadable or from other code: the full load decides
        return None


def seal(content_dir: Path) -> list[str]:
    """Remove the content files a snapshot was made from, leaving the snapshot alone (what
    the Lambda zip ships); return what was removed. Refuses when the snapshot doesn't match
    them, so a sealed folder is always a snapshot of exactly its own content."""
    if read(content_dir) is None:
        raise ValueError(f"{content_dir}: no snapshot of exactly these files to seal")
    names = content_files(content_dir)
    for name in names:
        (content_dir / name).unlink()
    for folder in {name.split("/")[0] for name in names}:
        (content_dir / folder).rmdir()
    return names


class _SnapshotUnpickler(pickle.Unpickler):
    """Unpickles the skeleton, giving each part it names as the ``Part`` in the file."""

    def __init__(self, file: io.BytesIO, parts: list[Part]) -> None:
        super().__init__(file)
        self._parts = parts

    def persistent_load(self, pid: Any) -> Part:
        if not (isinstance(pid, tuple) and len(pid) == 2 and pid[0] == "part"):
            raise pickle.UnpicklingError(f"unknown reference {pid!r}")
        return self._parts[pid[1]]


def _unpickle(stream: io.BytesIO, parts: list[Part]) -> Any:
    """Unpickle with the cyclic collector paused: the catalog is acyclic and lives as long as
    the process, but each of its objects counts toward a collection, so at 100x the content
    the collector would run hundreds of times over a growing heap (load time grew 65x from
    10x to 100x with it on; linearly with it off)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _SnapshotUnpickler(stream, parts).load()
    finally:
        if enabled:
            gc.enable()
