"""A backup holds every committed write, including those still only in the WAL file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from db.backup import backup_sqlite


def test_a_backup_includes_commits_not_yet_checkpointed(tmp_path: Path) -> None:
    source = tmp_path / "bot.db"
    writer = sqlite3.connect(source, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")  # the service's recent writes: in the WAL
    writer.execute("CREATE TABLE status_changes (id INTEGER PRIMARY KEY, note TEXT)")
    writer.executemany("INSERT INTO status_changes (note) VALUES (?)", [("xong",)] * 50)
    try:
        backup_sqlite(source, tmp_path / "copy.db")
    finally:
        writer.close()
    with sqlite3.connect(tmp_path / "copy.db") as copy:
        assert copy.execute("SELECT count(*) FROM status_changes").fetchone()[0] == 50
