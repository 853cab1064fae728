"""A backup holds every committed write, including those still only in the WAL file, in one
file that needs nothing beside it."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from db.backup import SameFileError, backup_sqlite


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


def _wal_database(path: Path, notes: list[str]) -> sqlite3.Connection:
    """A database in WAL mode whose rows are still only in its -wal file (left open)."""
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("CREATE TABLE status_changes (id INTEGER PRIMARY KEY, note TEXT)")
    writer.executemany("INSERT INTO status_changes (note) VALUES (?)", [(n,) for n in notes])
    return writer


def test_a_backup_is_one_file_that_needs_nothing_beside_it(tmp_path: Path) -> None:
    writer = _wal_database(tmp_path / "bot.db", ["xong"] * 3)
    try:
        backup_sqlite(tmp_path / "bot.db", tmp_path / "copies" / "copy.db")
    finally:
        writer.close()
    assert [p.name for p in (tmp_path / "copies").iterdir()] == ["copy.db"]
    with closing(sqlite3.connect(tmp_path / "copies" / "copy.db")) as copy:
        # rollback-journal mode: the file is whole on its own, to move, read or restore
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert copy.execute("SELECT count(*) FROM status_changes").fetchone()[0] == 3
    assert [p.name for p in (tmp_path / "copies").iterdir()] == ["copy.db"]


def test_a_new_backup_is_not_read_with_an_older_copys_wal(tmp_path: Path) -> None:
    """Yesterday's copy was opened and written in WAL mode and its -wal file stayed beside it:
    today's copy replaces both, or SQLite would replay yesterday's pages over today's."""
    target = tmp_path / "copy.db"
    old = _wal_database(target, ["hôm qua"] * 200)
    stale_wal = (tmp_path / "copy.db-wal").read_bytes()
    old.close()  # checkpoints and removes its -wal ...
    (tmp_path / "copy.db-wal").write_bytes(stale_wal)  # ... which a crash would have left
    writer = _wal_database(tmp_path / "bot.db", ["hôm nay"] * 2)
    try:
        backup_sqlite(tmp_path / "bot.db", target)
    finally:
        writer.close()
    # Read in another process, as a restore would: this one shares SQLite's state of the file.
    read = "SELECT note || ':' || count(*) FROM status_changes GROUP BY note"
    script = f"import sqlite3; print(sqlite3.connect({str(target)!r}).execute({read!r}).fetchall())"
    rows = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=30
    )
    assert rows.stdout.strip() == "[('hôm nay:2',)]"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bot.db", "copy.db"]


def test_a_backup_onto_the_database_itself_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "bot.db"
    _wal_database(source, ["xong"]).close()
    with pytest.raises(SameFileError):
        backup_sqlite(source, tmp_path / "." / "bot.db")
    with closing(sqlite3.connect(source)) as still:
        assert still.execute("SELECT note FROM status_changes").fetchall() == [("xong",)]
