"""Untrusted workbooks: each malformed or hostile .xlsx, built here with zipfile, ends the real
``python -m bot import`` in one line, quickly, in little memory, with nothing written."""

from __future__ import annotations

import io
import resource
import shutil
import sqlite3
import struct
import subprocess
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pytest

from chat import texts
from tests.processes import environment, run_bot

pytestmark = pytest.mark.sqlite_only  # the command line on its own SQLite file

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
MEMORY_LIMIT = 1 << 30  # address space of the import process: the bomb below expands to 2 GiB
BOMB_SIZE = 1 << 31

ROWS = [
    ["Kế hoạch thử nghiệm năm 2025"],
    ["Kế hoạch 09/KH-BCĐ năm 2025"],
    list(texts.XLSX_HEADERS),
    ["I", "Mục một"],
    ["1", "Nhiem vu mot", "", "Sở Nội vụ", "", "Quý I/2025", ""],
]


def parts(body: str = "", *, dimension: str = "A1:K5", strings_head: str = "") -> dict[str, bytes]:
    """A small plan workbook written by hand: shared strings for rows 1-4, inline strings in
    row 5, ``body`` added as row 6."""
    strings = [str(v) for row in ROWS[:4] for v in row]
    index = {s: i for i, s in enumerate(dict.fromkeys(strings))}
    xml_rows = []
    for number, row in enumerate(ROWS, start=1):
        cells = []
        for column, value in enumerate(row):
            ref = f"{chr(65 + column)}{number}"
            if not value:
                continue
            if number <= 4:
                cells.append(f'<c r="{ref}" t="s"><v>{index[str(value)]}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>')
        xml_rows.append(f'<row r="{number}">{"".join(cells)}</row>')
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
        f'<dimension ref="{dimension}"/><sheetData>{"".join(xml_rows)}{body}</sheetData>'
        "</worksheet>"
    )
    shared = "".join(f"<si><t>{escape(s)}</t></si>" for s in index)
    return {
        "[Content_Types].xml": (
            b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            b'officedocument.spreadsheetml.sheet.main+xml"/>'
            b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            b'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
            b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}">'
            f'<Relationship Id="rId1" Type="{DOC}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ).encode(),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{DOC}">'
            '<sheets><sheet name="Kế hoạch" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}">'
            f'<Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ).encode(),
        SHEET: sheet.encode(),
        STRINGS: (
            f'<?xml version="1.0" encoding="UTF-8"?>{strings_head}'
            f'<sst xmlns="{MAIN}" count="{len(index)}" uniqueCount="{len(index)}">{shared}</sst>'
        ).encode(),
    }


def archive(members: dict[str, bytes], *, stored: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name, data in members.items():
            kind = zipfile.ZIP_STORED if name == stored else zipfile.ZIP_DEFLATED
            target.writestr(name, data, compress_type=kind)
    return buffer.getvalue()


# --- the cases (each a function so that docs/RELIABILITY.md can name it) ---------------------


def truncated_xml() -> bytes:
    members = parts()
    members[SHEET] = members[SHEET][: members[SHEET].index(b"Nhiem vu mot") + 5]
    return archive(members)


def bad_crc() -> bytes:
    data = archive(parts(), stored=SHEET)
    assert data.count(b"Nhiem vu mot") == 1
    return data.replace(b"Nhiem vu mot", b"Nhiem vu mat")


def xxe() -> bytes:
    head = '<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>'
    members = parts(strings_head=head)
    members[STRINGS] = members[STRINGS].replace(b"<t>I</t>", b"<t>&xxe;</t>")
    return archive(members)


def billion_laughs() -> bytes:
    entities = ['<!ENTITY lol0 "lollollollollollollollollollol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    members = parts(strings_head=f"<!DOCTYPE sst [{''.join(entities)}]>")
    members[STRINGS] = members[STRINGS].replace(b"<t>I</t>", b"<t>&lol9;</t>")
    return archive(members)


def bad_shared_string() -> bytes:
    return archive(parts('<row r="6"><c r="A6" t="s"><v>9999</v></c></row>'))


def not_a_number() -> bytes:
    return archive(parts('<row r="6"><c r="A6"><v>not-a-number</v></c></row>'))


def huge_dimension() -> bytes:
    return archive(parts(dimension="A1:XFD1048576"))


def zip_bomb() -> bytes:
    """Row 6 holds one text of 2 GiB: a 2 MB file. Deflate blocks ended by a full flush are
    independent, so one compressed block of 16 MiB is repeated (zipfile would take minutes)."""
    members = parts('<row r="6"><c r="B6" t="inlineStr"><is><t>BOMB</t></is></c></row>')
    head, tail = members[SHEET].split(b"BOMB")
    chunk = b"A" * (1 << 24)
    repeats = (BOMB_SIZE - len(head) - len(tail)) // len(chunk)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    flushed = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    stream = flushed + block * repeats + compressor.compress(tail) + compressor.flush()
    crc = zlib.crc32(head)
    for _ in range(repeats):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + repeats * len(chunk) + len(tail)
    # zipfile writes every other member; the bomb's member is appended by hand before the
    # central directory, which is then written again with it.
    del members[SHEET]
    small = zipfile.ZipFile(io.BytesIO(archive(members)))
    out = io.BytesIO()
    entries: list[tuple[zipfile.ZipInfo, bytes, int, int, int, int]] = []
    for info in small.infolist():
        body = small.read(info.filename)
        packed = zlib.compressobj(9, zlib.DEFLATED, -15)
        data = packed.compress(body) + packed.flush()
        entries.append((info, data, zlib.crc32(body), len(body), out.tell(), 8))
        _local(out, info.filename, data, zlib.crc32(body), len(body))
    bomb = zipfile.ZipInfo(SHEET)
    entries.append((bomb, stream, crc, size, out.tell(), 8))
    _local(out, SHEET, stream, crc, size)
    start = out.tell()
    for info, data, member_crc, member_size, offset, method in entries:
        name = info.filename.encode()
        out.write(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                method,
                0,
                0x21,
                member_crc,
                len(data),
                member_size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
    end = out.tell()
    count = len(entries)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, end - start, start, 0))
    return out.getvalue()


def _local(out: io.BytesIO, name: str, data: bytes, crc: int, size: int) -> None:
    encoded = name.encode()
    header = struct.pack(
        "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0
    )
    out.write(header + encoded + data)


CASES: list[Callable[[], bytes]] = [
    truncated_xml,
    bad_crc,
    xxe,
    billion_laughs,
    bad_shared_string,
    not_a_number,
    zip_bomb,
    huge_dimension,
]


# --- the real command line ------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("malformed")
    result = run(folder, "seed")
    assert result.returncode == 0, result.stderr
    return folder / "cli.db"


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run(folder: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    # MALLOC_ARENA_MAX: glibc arenas reserve address space per thread.
    env = environment(folder / "cli.db", MALLOC_ARENA_MAX="2")
    return run_bot(folder, *args, env=env, timeout=timeout, preexec_fn=_limit_memory)


def _import(seeded_db: Path, tmp_path: Path, data: bytes) -> tuple[float, str, int]:
    shutil.copy(seeded_db, tmp_path / "cli.db")
    (tmp_path / "plan.xlsx").write_bytes(data)
    started = time.monotonic()
    result = run(tmp_path, "import", "plan.xlsx", "--plan", "2025")
    return time.monotonic() - started, result.stderr, result.returncode


def test_openpyxl_parses_with_defusedxml() -> None:
    assert openpyxl.DEFUSEDXML is True


def test_the_hand_built_workbook_imports(seeded_db: Path, tmp_path: Path) -> None:
    """The cases below differ from this good workbook only in what breaks it."""
    _, stderr, code = _import(seeded_db, tmp_path, archive(parts()))
    assert code == 0, stderr
    with sqlite3.connect(tmp_path / "cli.db") as connection:
        (count,) = connection.execute(
            "SELECT count(*) FROM tasks t JOIN plans p ON p.id = t.plan_id WHERE p.year = 2025"
        ).fetchone()
    assert count == 1


@pytest.mark.parametrize("case", CASES, ids=[c.__name__ for c in CASES])
def test_a_malformed_workbook_is_one_line_and_writes_nothing(
    seeded_db: Path, tmp_path: Path, case: Callable[[], bytes]
) -> None:
    data = case()
    elapsed, stderr, code = _import(seeded_db, tmp_path, data)
    assert code == 1, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("import failed, nothing written: not a readable plan workbook: ")
    assert "Traceback" not in stderr
    assert elapsed < 20, elapsed
    with sqlite3.connect(tmp_path / "cli.db") as connection:
        assert connection.execute("SELECT count(*) FROM plans").fetchone() == (1,)
