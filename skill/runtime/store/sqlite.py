"""The embedded store: one SQLite file, the default for ``serve`` and ``chat``.

Concurrency model, and why:

* **Across processes** (several gunicorn workers, two ``chat`` sessions) SQLite's own file
  locks serialise writers. WAL mode lets readers run beside a writer, and ``busy_timeout``
  makes a writer wait for the lock instead of failing at once. Every statement runs in
  autocommit mode, so each load or save is one short transaction that takes the lock it needs
  up front (no read-to-write lock upgrade that could fail without waiting).
* **Across threads** the store holds *one* connection (``check_same_thread=False``) behind a
  lock. SQLite runs one writer at a time anyway and a statement here takes microseconds, so
  a connection per thread would buy nothing but bookkeeping at ``close()``.
* **Across fork** a connection must never be shared with a child process (SQLite forbids it),
  so the connection is opened lazily and reopened when the process id changes. That keeps a
  store built before gunicorn forks its workers safe.

The version check lives in the SQL itself (``UPDATE ... WHERE version = ?`` and an insert that
only replaces an expired row), so no interleaving of two writers can lose an update.

**The file going away.** A connection keeps working on a file that was deleted or replaced
under it: its writes succeed, into an unlinked inode nobody will ever read (measured: 19
turns acknowledged as saved, none stored). Before each operation the store compares the
path's device and inode with the ones it opened, and reopens the path when they differ, so a
save lands in the file that is really there, and a household that vanished with the old
file reads as new, never as saved.

**Deadlines.** A writer waits for another process's lock for ``busy_timeout``; with a turn's
``deadline`` the wait is cut to what is left of the turn, so a held lock can't outlast it.

Unreadable rows load as ``Loaded(None, version, unreadable=..., raw=...)`` and ``set_aside``
moves them to the ``quarantine`` table with the reason, for an operator to inspect.
"""

from __future__ import annotations

import logging
import os
import random
import sqlite3
import threading
import time
from pathlib import Path

from skill.runtime.store.port import (
    NEW,
    JsonDict,
    Loaded,
    StoreConflict,
    StoreUnavailable,
    known_text,
    record_from_text,
    record_text,
)

log = logging.getLogger(__name__)

#: How long a writer waits for another process's write lock. Writes take microseconds, so
#: this is only reached when something is badly wrong; it stays well inside Alexa's 8 s.
DEFAULT_BUSY_TIMEOUT_MS = 2000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS households (
    key TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    expires_at INTEGER NULL
)
"""

_QUARANTINE_SCHEMA = """
CREATE TABLE IF NOT EXISTS quarantine (
    key TEXT NOT NULL,
    set_aside_at INTEGER NOT NULL,
    reason TEXT NOT NULL,
    version INTEGER NULL,
    data TEXT NOT NULL
)
"""

# A first save inserts; it may replace a row only if that row has expired (an expired row
# loads as absent, so its caller rightly believes the household is new).
_INSERT_NEW = """
INSERT INTO households (key, version, data, expires_at) VALUES (?, ?, ?, ?)
ON CONFLICT (key) DO UPDATE SET
    version = excluded.version, data = excluded.data, expires_at = excluded.expires_at
WHERE households.expires_at IS NOT NULL AND households.expires_at < ?
"""

_SWEEP = "DELETE FROM households WHERE expires_at IS NOT NULL AND expires_at < ?"

_UPDATE = """
UPDATE households SET version = ?, data = ?, expires_at = ?
WHERE key = ? AND version = ?
"""


class SqliteStore:
    """Households in one SQLite file; the file, its parent directories and schema appear on
    first use, so constructing the store never touches the disk."""

    def __init__(self, path: str | Path, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS):
        self._path = str(path) if str(path) == ":memory:" else str(Path(path))
        self._busy_timeout_ms = busy_timeout_ms
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        #: (st_dev, st_ino) of the file the connection opened.
        self._identity: tuple[int, int] | None = None
        self._busy_ms = busy_timeout_ms

    def __repr__(self) -> str:
        return f"SqliteStore({self._path!r})"

    def load(self, key: str, *, deadline: float | None = None) -> Loaded:
        """Read the household; an expired row reads as absent."""
        try:
            with self._lock:
                row = (
                    self._connection(deadline)
                    .execute(
                        "SELECT version, data, expires_at FROM households WHERE key = ?", (key,)
                    )
                    .fetchone()
                )
        except sqlite3.Error as error:
            raise self._unavailable("load", key, error) from error
        if row is None:
            return Loaded(None, NEW)
        version, text, expires_at = row
        if expires_at is not None and expires_at < int(time.time()):
            return Loaded(None, NEW)
        if not isinstance(version, int) or isinstance(version, bool):
            return Loaded(None, NEW, unreadable="no version", raw=str(text))
        try:
            data = record_from_text(text)
        except (TypeError, ValueError):
            log.warning("sqlite record unreadable for key %s: not JSON", key)
            return Loaded(None, version, unreadable="not JSON", raw=str(text))
        if not isinstance(data, dict):
            return Loaded(None, version, unreadable="not an object", raw=str(text))
        return Loaded(data, version)

    def save(
        self,
        key: str,
        data: JsonDict,
        expected_version: int,
        ttl: int | None = None,
        *,
        deadline: float | None = None,
    ) -> int:
        """Write conditionally on ``expected_version``; return ``expected_version + 1``."""
        _check_version(expected_version)
        text = known_text(data) or record_text(data)
        new_version = expected_version + 1
        try:
            with self._lock:
                conn = self._connection(deadline)
                if expected_version == NEW:
                    params = (key, new_version, text, ttl, int(time.time()))
                    changed = conn.execute(_INSERT_NEW, params).rowcount
                else:
                    params2 = (new_version, text, ttl, key, expected_version)
                    changed = conn.execute(_UPDATE, params2).rowcount
        except sqlite3.Error as error:
            raise self._unavailable("save", key, error) from error
        if changed != 1:
            raise StoreConflict(f"household {key} is not at version {expected_version}")
        return new_version

    def delete(self, key: str, *, deadline: float | None = None) -> None:
        """Erase the household's row; a missing row is fine."""
        try:
            with self._lock:
                self._connection(deadline).execute("DELETE FROM households WHERE key = ?", (key,))
        except sqlite3.Error as error:
            raise self._unavailable("delete", key, error) from error

    def set_aside(
        self, key: str, loaded: Loaded, reason: str, *, deadline: float | None = None
    ) -> None:
        """Copy the row to ``quarantine`` with ``reason`` and remove it, in one transaction,
        if it is still the row ``loaded`` read."""
        try:
            with self._lock:
                conn = self._connection(deadline)
                conn.execute("BEGIN IMMEDIATE")
                try:
                    row = conn.execute(
                        "SELECT version, data FROM households WHERE key = ?", (key,)
                    ).fetchone()
                    if row is None or not _same_row(row, loaded):
                        conn.execute("ROLLBACK")
                        raise StoreConflict(f"household {key} changed before it was set aside")
                    conn.execute(
                        "INSERT INTO quarantine VALUES (?, ?, ?, ?, ?)",
                        (key, int(time.time()), reason, row[0], str(row[1])),
                    )
                    conn.execute("DELETE FROM households WHERE key = ?", (key,))
                    conn.execute("COMMIT")
                except sqlite3.Error:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
        except sqlite3.Error as error:
            raise self._unavailable("set_aside", key, error) from error
        log.warning("sqlite record set aside for key %s: %s", key, reason)

    def quarantined(self, key: str) -> list[tuple[str, str]]:
        """(reason, stored text) of every record set aside for ``key``, oldest first."""
        try:
            with self._lock:
                rows = (
                    self._connection()
                    .execute(
                        "SELECT reason, data FROM quarantine WHERE key = ? ORDER BY rowid", (key,)
                    )
                    .fetchall()
                )
        except sqlite3.Error as error:
            raise self._unavailable("quarantined", key, error) from error
        return [(str(r), str(d)) for r, d in rows]

    def close(self) -> None:
        """Close this process's connection (an inherited one is left to its owner)."""
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                self._conn.close()
            self._conn = None

    def _connection(self, deadline: float | None = None) -> sqlite3.Connection:
        """The process's connection to the file really at the path, opened (with directories
        and schema) on first use and again when the file was deleted or replaced; its lock
        wait cut to ``deadline``.

        Called with ``self._lock`` held.
        """
        left_ms = None if deadline is None else int((deadline - time.monotonic()) * 1000)
        if left_ms is not None and left_ms <= 0:
            raise sqlite3.OperationalError("no time left in the turn")
        conn = self._current()
        if conn is None:
            conn = self._open()
        busy = (
            self._busy_timeout_ms
            if left_ms is None
            else max(1, min(self._busy_timeout_ms, left_ms))
        )
        if busy != self._busy_ms:
            conn.execute(f"PRAGMA busy_timeout = {busy}")
            self._busy_ms = busy
        return conn

    def _current(self) -> sqlite3.Connection | None:
        """The open connection if it belongs to this process and its file is still the one at
        the path; otherwise None (closing a connection to a vanished file)."""
        if self._conn is None or self._pid != os.getpid():
            return None
        if self._identity is None:
            return self._conn
        try:
            info = os.stat(self._path)
            same = (info.st_dev, info.st_ino) == self._identity
        except OSError:
            same = False
        if same:
            return self._conn
        log.warning("sqlite file %s was deleted or replaced: reopening it", self._path)
        self._conn.close()
        self._conn = None
        return None

    def _open(self) -> sqlite3.Connection:
        if self._path != ":memory:":
            try:
                Path(self._path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                message = f"cannot create the store's directory: {error}"
                raise sqlite3.OperationalError(message) from error
        conn = sqlite3.connect(
            self._path,
            timeout=self._busy_timeout_ms / 1000,
            isolation_level=None,
            check_same_thread=False,
        )
        try:
            self._prepare(conn)
        except sqlite3.Error:
            conn.close()
            raise
        self._conn, self._pid = conn, os.getpid()
        self._busy_ms = self._busy_timeout_ms
        self._identity = None
        if self._path != ":memory:":
            info = os.stat(self._path)
            self._identity = (info.st_dev, info.st_ino)
        return conn

    def _prepare(self, conn: sqlite3.Connection) -> None:
        """Set the connection up and create the schema, retrying while another process does.

        Switching a new file to WAL needs an exclusive lock and SQLite reports a contended
        switch as busy *without* waiting in the busy handler, so two processes opening a new
        file together would fail; measured with two workers. WAL mode persists in the file,
        so only the first opener ever switches, and this loop only runs for a new file.
        """
        conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
        # NORMAL is durable across application crashes in WAL mode; only an OS crash or
        # power loss can drop the last few turns, which is an acceptable trade for a skill.
        conn.execute("PRAGMA synchronous = NORMAL")
        deadline = time.monotonic() + self._busy_timeout_ms / 1000
        while True:
            try:
                if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    conn.execute("PRAGMA journal_mode = WAL")
                conn.execute(_SCHEMA)
                conn.execute(_QUARANTINE_SCHEMA)
                break
            except sqlite3.OperationalError as error:
                busy = error.sqlite_errorcode in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
                if not busy or time.monotonic() > deadline:
                    raise
                time.sleep(random.uniform(0.005, 0.05))
        self._sweep(conn)

    @staticmethod
    def _sweep(conn: sqlite3.Connection) -> None:
        """Delete expired households once per opened connection.

        Expired rows already read as absent; deleting them makes the retention promise true
        on disk too (DynamoDB's TTL does the same there). A busy file just skips the sweep.
        """
        try:
            swept = conn.execute(_SWEEP, (int(time.time()),)).rowcount
        except sqlite3.OperationalError as error:
            log.info("sqlite sweep skipped: %s", error.sqlite_errorname)
            return
        if swept:
            log.info("sqlite swept %d expired households", swept)

    def _unavailable(self, operation: str, key: str, error: Exception) -> StoreUnavailable:
        log.warning("sqlite %s failed for key %s: %s", operation, key, error)
        return StoreUnavailable(f"sqlite {operation} failed ({self._path}): {error}")


def _same_row(row: tuple[object, object], loaded: Loaded) -> bool:
    """Whether ``row`` is still the one ``loaded`` read: by version, which every save moves
    on, or by its text when it had no usable version."""
    version, text = row
    if isinstance(version, int) and not isinstance(version, bool) and loaded.version > NEW:
        return version == loaded.version
    return str(text) == loaded.raw


def _check_version(expected_version: int) -> None:
    """Reject a version no load could have returned: that is a caller bug, not a conflict."""
    if isinstance(expected_version, bool) or not isinstance(expected_version, int):
        raise TypeError(f"expected_version must be an int, not {type(expected_version).__name__}")
    if expected_version < NEW:
        raise ValueError(f"expected_version must be >= {NEW}, not {expected_version}")
