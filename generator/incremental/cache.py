"""The persistent build cache of a site (`.footfall-cache/`): an optimisation, never a source of truth.

It holds plain data only (JSON and text in an SQLite file): a record per source file (its fields as
JSON, its body and each audience's render HTML as text, so that a build reads only its own audience's
render, without parsing the long texts as JSON) and, per audience, the manifest of the last good
output ({output path: what it was made from}, each page's read paths kept once per distinct list
in their own table). Everything is keyed on
one cache key (Footfall's version, the configuration, the theme, the shape of the models); a
different key, a missing file or a broken one all mean an empty cache, the last two with a warning.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

from generator.errors import Problem, warning

FORMAT = "footfall-cache 3"
FILE_NAME = "cache.sqlite"
TABLES = {  # name -> how it is made
    "meta": "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "records": """CREATE TABLE IF NOT EXISTS records (rel TEXT PRIMARY KEY, digest TEXT NOT NULL, data TEXT NOT NULL,
        body TEXT NOT NULL, journal TEXT, journal_html TEXT, public TEXT, public_html TEXT)""",
    "outputs": """CREATE TABLE IF NOT EXISTS outputs (audience TEXT NOT NULL, path TEXT NOT NULL, digest TEXT NOT NULL,
        hash TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, reads INTEGER NOT NULL,
        PRIMARY KEY (audience, path))""",
    # the read paths of pages, each list once: thousands of pages share a handful of them
    "reads": "CREATE TABLE IF NOT EXISTS reads (id INTEGER PRIMARY KEY, paths TEXT NOT NULL UNIQUE)",
}
AUDIENCES = ("journal", "public")  # each has its own render columns in records


class OutputRow(NamedTuple):
    """What one output file was made from, and how it looked on disk after the build wrote it.

    A named tuple: a manifest has a row per output file, and tuples are made many times quicker.
    """

    digest: str  # digest of everything the file was made from
    hash: str  # digest of its bytes
    size: int  # bytes on disk
    mtime_ns: int  # modification time on disk
    reads: tuple[str, ...] = ()  # site attributes its template read


class Cache:
    """An open cache folder; every failure becomes a warning in `problems` and an empty or unsaved cache."""

    def __init__(self, folder: Path, key: str) -> None:
        self.folder = folder  # .footfall-cache/ of the site
        self.key = key  # what the stored data was made with
        self.problems: list[Problem] = []  # warnings not yet reported
        self._db: sqlite3.Connection | None = None
        try:
            self._connect()
        except (sqlite3.Error, OSError, ValueError) as exc:
            self._reset(f"the build cache could not be read ({exc}); starting from empty")

    @property
    def path(self) -> Path:
        """Return the cache file."""
        return self.folder / FILE_NAME

    def _connect(self) -> None:
        """Open the database, make the tables, and empty them when the key or format differ."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
        self._db.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
        for table in TABLES.values():
            self._db.execute(table)
        stored = dict(self._db.execute("SELECT name, value FROM meta").fetchall())
        if stored.get("format") != FORMAT or stored.get("key") != self.key:
            with self._transaction() as db:
                if stored.get("format") != FORMAT:  # tables of another shape: make them anew
                    for name in ("records", "outputs", "reads"):
                        db.execute(f"DROP TABLE {name}")
                        db.execute(TABLES[name])
                db.execute("DELETE FROM records")
                db.execute("DELETE FROM outputs")
                db.execute("DELETE FROM reads")
                db.execute("DELETE FROM meta")
                db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", [("format", FORMAT), ("key", self.key)])

    def _reset(self, message: str) -> None:
        """Report a broken cache, delete it and start an empty one (or go on without a cache)."""
        self.close()
        self.problems.append(warning(self.path, None, message, "nothing to do: this build makes a new cache"))
        shutil.rmtree(self.folder, ignore_errors=True)
        try:
            self._connect()
        except (sqlite3.Error, OSError, ValueError) as exc:
            self.close()
            self.problems.append(warning(self.path, None, f"the build cache cannot be written ({exc}); building without it"))

    def close(self) -> None:
        """Close the database."""
        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error:
                pass
            self._db = None

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """Run a block in one transaction: commit on success, roll back on error."""
        if self._db is None:
            raise sqlite3.OperationalError("the cache is not open")
        self._db.execute("BEGIN")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def records(self, audience: str) -> dict[str, tuple[Any, str, Any, str]]:
        """Return every stored record as plain data with one audience's render, by source path.

        Each is (fields, body, render fields or None, render HTML); the fields of all records are
        parsed as one JSON text (much faster than one parse per record), the long texts are read as text.
        """
        render = _render_column(audience)
        try:
            texts = self._db.execute(f"SELECT rel, body, ifnull({render}_html, '') FROM records ORDER BY rowid"
                                     ).fetchall() if self._db else []
            row = self._db.execute(
                f"SELECT '[' || group_concat('[' || data || ',' || ifnull({render}, 'null') || ']', ',') || ']' "
                f"FROM (SELECT data, {render} FROM records ORDER BY rowid)").fetchone() if texts and self._db else None
            data = json.loads(row[0]) if row and row[0] else []
            if len(data) != len(texts) or any(d[0][0] != rel for d, (rel, _, _) in zip(data, texts)):
                raise ValueError("records and their paths do not match")
            return {rel: (fields, body, made, html) for (rel, body, html), (fields, made) in zip(texts, data)}
        except (sqlite3.Error, ValueError, TypeError, IndexError, KeyError) as exc:
            self._reset(f"the build cache is damaged ({exc}); starting from empty")
            return {}

    def outputs(self, audience: str) -> dict[str, OutputRow]:
        """Return the manifest of one audience's last good build."""
        query = "SELECT path, digest, hash, size, mtime_ns, reads FROM outputs WHERE audience = ?"
        try:
            if self._db is None:
                return {}
            rows = self._db.execute(query, (audience,)).fetchall()
            lists = {number: tuple(map(sys.intern, paths.split(","))) if paths else ()
                     for number, paths in self._db.execute("SELECT id, paths FROM reads")}
            return {path: OutputRow(digest, hash_, int(size), int(mtime), lists[reads])
                    for path, digest, hash_, size, mtime, reads in rows}
        except (sqlite3.Error, ValueError, TypeError, KeyError) as exc:
            self._reset(f"the build cache is damaged ({exc}); starting from empty")
            return {}

    def note(self, name: str) -> Any:
        """Return a stored note (plain data), or None."""
        try:
            row = self._db.execute("SELECT value FROM meta WHERE name = ?", (f"note:{name}",)).fetchone() if self._db else None
            return json.loads(row[0]) if row else None
        except (sqlite3.Error, ValueError) as exc:
            self._reset(f"the build cache is damaged ({exc}); starting from empty")
            return None

    def set_note(self, name: str, value: Any) -> None:
        """Store a note (plain data); None removes it."""
        self.set_notes({name: value})

    def set_notes(self, notes: Mapping[str, Any]) -> None:
        """Store and remove (None) several notes in one transaction."""
        stored = [(f"note:{name}", json.dumps(value)) for name, value in notes.items() if value is not None]
        removed = [(f"note:{name}",) for name, value in notes.items() if value is None]
        self._write("INSERT OR REPLACE INTO meta VALUES (?, ?)", stored, "DELETE FROM meta WHERE name = ?", removed)

    def save(self, audience: str, records: Mapping[str, tuple[str, Any, str, Any, str]], removed: Iterable[str]) -> None:
        """Store changed records (digest, fields, body, render fields or None, render HTML) and forget removed sources.

        A record keeps the other audience's render only while its digest is the same.
        """
        render = _render_column(audience)
        other = _render_column("public" if audience == "journal" else "journal")
        rows = [(rel, digest, _json(fields), body, None if made is None else _json(made), None if made is None else html)
                for rel, (digest, fields, body, made, html) in records.items()]
        gone = [(rel,) for rel in removed]
        keep = "CASE WHEN digest = excluded.digest THEN {0} END"
        upsert = (f"INSERT INTO records (rel, digest, data, body, {render}, {render}_html) VALUES (?, ?, ?, ?, ?, ?) "
                  f"ON CONFLICT (rel) DO UPDATE SET {other} = {keep.format(other)}, "
                  f"{other}_html = {keep.format(other + '_html')}, digest = excluded.digest, data = excluded.data, "
                  f"body = excluded.body, {render} = excluded.{render}, {render}_html = excluded.{render}_html")
        if rows or gone:
            self._write(upsert, rows, "DELETE FROM records WHERE rel = ?", gone)

    def save_outputs(self, audience: str, changed: Mapping[str, OutputRow], removed: Iterable[str]) -> None:
        """Store the manifest rows that changed in this build and forget removed files."""
        texts = {r.reads: ",".join(r.reads) for r in changed.values()}
        rows = [(audience, path, r.digest, r.hash, r.size, r.mtime_ns, texts[r.reads]) for path, r in changed.items()]
        gone = [(audience, path) for path in removed]
        if rows or gone:
            self._write("INSERT OR REPLACE INTO outputs VALUES (?, ?, ?, ?, ?, ?, "
                        "(SELECT id FROM reads WHERE paths = ?))", rows,
                        "DELETE FROM outputs WHERE audience = ? AND path = ?", gone,
                        before=("INSERT OR IGNORE INTO reads (paths) VALUES (?)", [(t,) for t in set(texts.values())]),
                        after="DELETE FROM reads WHERE id NOT IN (SELECT reads FROM outputs)")

    def _write(self, upsert: str, rows: list[tuple[Any, ...]], delete: str, gone: list[tuple[Any, ...]],
               before: tuple[str, list[tuple[Any, ...]]] | None = None, after: str | None = None) -> None:
        """Upsert and delete rows in one transaction; a failure is a warning and closes the cache.

        `before` is a statement run first for each of its rows; `after`, one run last.
        """
        if self._db is None:
            return
        try:
            with self._transaction() as db:
                if before is not None:
                    db.executemany(*before)
                db.executemany(upsert, rows)
                if gone:
                    db.executemany(delete, gone)
                if after is not None:
                    db.execute(after)
        except (sqlite3.Error, OSError) as exc:
            self.close()
            self.problems.append(warning(self.path, None, f"the build cache could not be saved ({exc})",
                                         "delete .footfall-cache/ if this repeats"))


def _render_column(audience: str) -> str:
    """Return the column of an audience's render (never text from outside: it goes into SQL)."""
    if audience not in AUDIENCES:
        raise ValueError(f"no such audience: {audience!r}")
    return audience


def _json(value: Any) -> str:
    """Return plain data as compact JSON text."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
