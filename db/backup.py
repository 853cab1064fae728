"""A consistent copy of the SQLite database, safe while the service runs (SQLite's online
backup API copies pages under its own locks; WAL readers and the writer carry on)."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def backup_sqlite(source: Path, target: Path) -> int:
    """Copy ``source`` to ``target`` (replaced if present); return the number of pages."""
    if not source.exists():
        raise FileNotFoundError(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(partial) as dst:
        src.backup(dst)
        pages = int(dst.execute("PRAGMA page_count").fetchone()[0])
        ok = dst.execute("PRAGMA integrity_check").fetchone()[0]
    if ok != "ok":
        partial.unlink(missing_ok=True)
        raise RuntimeError(f"backup failed its integrity check: {ok}")
    partial.replace(target)
    return pages
