"""Check an untrusted .xlsx before openpyxl reads it, and note what openpyxl's streaming reader
cannot tell.

A workbook is a zip of XML parts. The zip's declared sizes are checked first (zipfile stops a
member at its declared size and then checks its CRC, so no part can expand past what it
declares); then every XML part is parsed once by defusedxml with DTDs forbidden (no entities:
no XXE, no "billion laughs"), which also finds truncated XML and bad CRCs. Each worksheet is
walked in constant memory: its declared dimension, its rows and cells must stay within the
caps, and the walk keeps its merged ranges and the formulas saved without a value (openpyxl's
read-only mode gives neither). Any problem raises ``Unreadable`` with a short reason.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from openpyxl.utils.cell import column_index_from_string as column_index
from openpyxl.utils.cell import coordinate_from_string, get_column_letter, range_boundaries

MAX_FILE_BYTES = 16 * 2**20
MAX_UNCOMPRESSED = 16 * 2**20  # all parts together; a plan of 5,000 tasks is a few MB
MAX_PARTS = 1000
MAX_ROW = 10_000
MAX_COLUMN = 256
MAX_MERGES = 10_000
READ_COLUMNS = 12  # the plan's columns (A-L): the only ones whose merges and formulas matter
_REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


class Unreadable(Exception):
    """The workbook cannot be read safely; the message says why in a few words."""


@dataclass(frozen=True)
class Shape:
    """What the walk of one worksheet found."""

    merged: tuple[tuple[int, int, int, int], ...] = ()  # (min_col, min_row, max_col, max_row)
    # (row, column) -> the formula's text, for formulas saved without a value
    unsaved_formulas: dict[tuple[int, int], str] = field(default_factory=dict)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _elements(archive: zipfile.ZipFile, name: str) -> Iterator[tuple[str, Element]]:
    """Start and end events of one XML part; each element is detached from its parent once
    ended, so memory stays flat however many elements the part has."""
    stack: list[Element] = []
    try:
        with archive.open(name) as source:
            for event, element in iterparse(source, events=("start", "end"), forbid_dtd=True):
                if event == "start":
                    stack.append(element)
                    yield event, element
                    continue
                yield event, element
                stack.pop()
                if stack:
                    stack[-1].remove(element)
    except DefusedXmlException as exc:
        raise Unreadable(
            f"{name}: {exc.__class__.__name__} (DTDs and entities are refused)"
        ) from exc
    except ParseError as exc:
        raise Unreadable(f"{name}: malformed XML ({exc})") from exc
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise Unreadable(f"{name}: {exc}") from exc
    except KeyError as exc:
        raise Unreadable(f"missing part {name}") from exc


def _relations(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, target part) of ``part``."""
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    if rels not in archive.namelist():
        return {}
    found: dict[str, tuple[str, str]] = {}
    for event, element in _elements(archive, rels):
        if event == "end" and _local(element.tag) == "Relationship":
            target = element.get("Target", "")
            path = target[1:] if target.startswith("/") else posixpath.join(folder, target)
            found[element.get("Id", "")] = (
                element.get("Type", ""),
                posixpath.normpath(path),
            )
    return found


def _worksheets(archive: zipfile.ZipFile) -> tuple[dict[str, str], str | None]:
    """Worksheet part -> sheet title, as the workbook part lists them; the shared strings'
    part."""
    office = [
        target
        for kind, target in _relations(archive, "").values()
        if kind == _REL_TYPE + "officeDocument"
    ]
    if not office:
        raise Unreadable("no workbook part")
    workbook = office[0]
    relations = _relations(archive, workbook)
    sheets: dict[str, str] = {}
    for event, element in _elements(archive, workbook):
        if event == "end" and _local(element.tag) == "sheet":
            kind, target = relations.get(element.get(_R_ID, ""), ("", ""))
            if kind == _REL_TYPE + "worksheet":
                sheets[target] = element.get("name", "")
    strings = [t for kind, t in relations.values() if kind == _REL_TYPE + "sharedStrings"]
    return sheets, strings[0] if strings else None


def _count_strings(archive: zipfile.ZipFile, name: str | None) -> int:
    if name is None or name not in archive.namelist():
        return 0
    depth = count = 0
    for event, element in _elements(archive, name):
        depth += 1 if event == "start" else -1
        if event == "end" and depth == 1 and _local(element.tag) == "si":
            count += 1
    return count


def _check_value(where: str, reference: str, kind: str, text: str, strings: int) -> None:
    """A cell's stored value is what its type says: a number, or a shared string's index."""
    try:
        if kind == "s" and not 0 <= int(text) < strings:
            raise ValueError(text)
        if kind == "n":
            float(text)
    except ValueError as exc:
        what = "a shared string that does not exist" if kind == "s" else "not a number"
        raise Unreadable(f"{where}, cell {reference}: {text[:40]!r} is {what}") from exc


def _walk_sheet(archive: zipfile.ZipFile, name: str, title: str, strings: int) -> Shape:
    where = f"sheet '{title}'"
    merged: list[tuple[int, int, int, int]] = []
    formulas: dict[tuple[int, int], str] = {}
    row = column = cells = 0
    reference: str | None = None
    formula: str | None = None
    saved = False
    kind = ""
    for event, element in _elements(archive, name):
        tag = _local(element.tag)
        if event == "start":
            if tag == "row":
                row = int(element.get("r") or row + 1)
                column = cells = 0
                if row > MAX_ROW:
                    raise Unreadable(f"{where}: row {row} (at most {MAX_ROW} rows are read)")
            elif tag == "c":
                reference = element.get("r")
                column = (
                    column_index(coordinate_from_string(reference)[0]) if reference else column + 1
                )
                cells += 1
                if column > MAX_COLUMN or cells > MAX_COLUMN:
                    raise Unreadable(
                        f"{where}: row {row} has a cell past column {MAX_COLUMN}"
                        f" (at most {MAX_COLUMN} columns are read)"
                    )
                formula, saved, kind = None, False, element.get("t", "n")
                reference = reference or f"{get_column_letter(column)}{row}"
            continue
        if tag == "dimension":
            _check_dimension(where, element.get("ref", "A1"))
        elif tag == "f":
            formula = element.text or ""
        elif tag == "v":
            saved = bool(element.text)
            if element.text and formula is None:
                _check_value(where, reference or "", kind, element.text.strip(), strings)
        elif tag == "c":
            if formula is not None and not saved and kind != "str" and column <= READ_COLUMNS:
                formulas[(row, column)] = formula
        elif tag == "mergeCell":
            if len(merged) >= MAX_MERGES:
                raise Unreadable(f"{where}: more than {MAX_MERGES} merged ranges")
            bounds = range_boundaries(element.get("ref", ""))
            if None in bounds:
                raise Unreadable(f"{where}: merged range {element.get('ref')!r}")
            low_col, low_row, high_col, high_row = (int(b or 0) for b in bounds)
            if low_col <= READ_COLUMNS and low_row <= MAX_ROW:
                merged.append((low_col, low_row, high_col, min(high_row, MAX_ROW)))
    return Shape(tuple(merged), formulas)


def _check_dimension(where: str, reference: str) -> None:
    _, _, high_col, high_row = range_boundaries(reference)
    if (high_row or 0) > MAX_ROW or (high_col or 0) > MAX_COLUMN:
        raise Unreadable(
            f"{where} declares the range {reference}"
            f" (at most {MAX_ROW} rows and {MAX_COLUMN} columns are read)"
        )


def survey(data: bytes) -> dict[str, Shape]:
    """Check the workbook ``data``; return each worksheet's shape by sheet title."""
    if len(data) > MAX_FILE_BYTES:
        raise Unreadable(f"the file is over {MAX_FILE_BYTES // 2**20} MB")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as exc:
        raise Unreadable("not an .xlsx file (not a zip archive)") from exc
    with archive:
        members = archive.infolist()
        if len(members) > MAX_PARTS:
            raise Unreadable(f"{len(members)} parts (at most {MAX_PARTS})")
        total = sum(m.file_size for m in members)
        if total > MAX_UNCOMPRESSED:
            largest = max(members, key=lambda m: m.file_size)
            raise Unreadable(
                f"it expands to {total:,} bytes ({largest.filename}: {largest.file_size:,});"
                f" at most {MAX_UNCOMPRESSED // 2**20} MB are read"
            )
        sheets, shared = _worksheets(archive)
        strings = _count_strings(archive, shared)
        shapes: dict[str, Shape] = {}
        for member in members:
            if member.filename in sheets:
                title = sheets[member.filename]
                shapes[title] = _walk_sheet(archive, member.filename, title, strings)
            elif member.filename.lower().endswith((".xml", ".rels")):
                for _ in _elements(archive, member.filename):
                    pass
        return shapes
