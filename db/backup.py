"""A consistent copy of the SQLite database, safe while the service runs (SQLite's online
backup API copies pages under its own locks; WAL readers and the writer carry on).

The copy is one self-contained file in rollback-journal mode: nothing beside it (no -wal or
-shm) is needed to read it, move it or restore it. The service puts a restored file back into
WAL mode when it opens it."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

# Files SQLite keeps beside a database; a stale one beside a new file would be read with it.
SIDECARS = ("-wal", "-shm", "-journal")


class SameFileError(ValueError):
    """The backup would overwrite the database it copies."""


def _remove_with_sidecars(path: Path) -> None:
    for name in (path.name, *(path.name + suffix for suffix in SIDECARS)):
        path.with_name(name).unlink(missing_ok=True)


def _copy(source: Path, partial: Path) -> tuple[int, str]:
    """Copy into ``partial`` and check it; both connections are closed on return, so SQLite
    removes the files it made beside ``partial``."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(partial)) as dst:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # the source's WAL mode came with its pages
        pages = int(dst.execute("PRAGMA page_count").fetchone()[0])
        ok = str(dst.execute("PRAGMA integrity_check").fetchone()[0])
    return pages, ok


def backup_sqlite(source: Path, target: Path) -> int:
    """Copy ``source`` to ``target`` (replaced if present, with any -wal/-shm/-journal file
    beside it); return the number of pages."""
    if not source.exists():
        raise FileNotFoundError(source)
    if target.exists() and target.resolve() == source.resolve():
        raise SameFileError(f"{target} is the database itself: choose another file")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    _remove_with_sidecars(partial)
    try:
        pages, ok = _copy(source, partial)
    except BaseException:
        _remove_with_sidecars(partial)
        raise
    if ok != "ok":
        _remove_with_sidecars(partial)
        raise RuntimeError(f"backup failed its integrity check: {ok}")
    for suffix in SIDECARS:  # an older copy's journal must not be read with the new file
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    partial.replace(target)
    return pages
