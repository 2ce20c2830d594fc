"""Step 1: bytes + file name -> a table of strings, with what was detected (docs/architecture.md "Ingestion").

CSV: UTF-8 (with or without BOM) or GB18030/GBK, LF/CRLF/CR, comma/semicolon/tab.
XLSX: any sheet (the one whose header matches the kind best, unless the caller picks one).
In both, the header row is the first of the first rows that names at least half of the required
fields; a second header row right below it is combined with it (two-row headers).
"""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

import polars as pl

from data_access.ingest.headers import header_threshold, match_cell
from data_access.ingest.problems import FileProblem

MAX_BYTES = 50 * 1024 * 1024
HEADER_SCAN_ROWS = 20
SNIFF_LINES = 200
DELIMITERS = (",", ";", "\t")
_XLSX_FULL_LOAD_BYTES = 5 * 1024 * 1024  # above this, openpyxl read-only mode (no merged-cell info)


@dataclass
class ReadInfo:
    file_name: str
    format: str  # csv | xlsx
    size: int
    encoding: str | None = None  # "UTF-8", "UTF-8 with BOM", "GB18030"
    delimiter: str | None = None
    line_ending: str | None = None  # LF | CRLF | CR
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    header_row: int = 1
    extra_header_rows: list[int] = field(default_factory=list)  # second header row combined
    merged_header_cells: list[str] = field(default_factory=list)  # e.g. ["B1:C1"]
    merged_cells_filled: int = 0
    date_formats: dict[str, str] = field(default_factory=dict)  # field -> detected format (set by parse)


@dataclass
class RawTable:
    """The data rows as strings: columns c0..cN in file order, headers as written."""

    headers: list[str]
    frame: pl.DataFrame
    row_numbers: pl.Series  # the file row number of each frame row
    info: ReadInfo


def column_names(headers: list[str | None], blank: str, repeat: str) -> list[str]:
    """The file's headers as unique column names (a frame cannot hold two columns of one name):
    an empty header becomes blank.format(position), a repeated one gets `repeat` appended."""
    names, seen = [], set()
    for i, header in enumerate(headers):
        name = header or blank.format(i + 1)
        while name in seen:
            name += repeat
        seen.add(name)
        names.append(name)
    return names


def read_upload(data: bytes, file_name: str, kind_name: str, *, sheet: str | None = None,
                mapping: dict[str, str] | None = None) -> RawTable:
    """Read an uploaded file. Raises FileProblem with a translatable message when it cannot."""
    size = len(data)
    if size > MAX_BYTES:
        raise FileProblem("ingest.err.too_big", size_mb=f"{size / 1024 / 1024:.1f}",
                          limit_mb=f"{MAX_BYTES / 1024 / 1024:.0f}")
    if size == 0 or not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise FileProblem("ingest.err.empty")
    name = file_name.lower()
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileProblem("ingest.err.old_xls")
    if data[:4] == b"PK\x03\x04" or name.endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data, file_name, kind_name, sheet, mapping)
    return _read_csv(data, file_name, kind_name, mapping)


# ------------------------------------------------------------------------------------ CSV
def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding's name: UTF-8 first (with BOM), then GB18030 (a superset of GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "UTF-8 with BOM"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" not in data[:65536]:
        try:
            return data.decode("gb18030"), "GB18030"
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1_000_000]).best()
    if best is not None and best.encoding not in ("utf_16", "utf_32") and b"\x00" not in data[:65536]:
        try:
            return data.decode(best.encoding), best.encoding
        except (UnicodeDecodeError, LookupError):
            pass
    raise FileProblem("ingest.err.binary")


def _looks_binary(text: str) -> bool:
    head = text[:8192]
    if "\x00" in head:
        return True
    controls = sum(1 for ch in head if ord(ch) < 32 and ch not in "\t\r\n") + head.count("\ufffd")
    return controls > max(2, len(head) // 100)


def _sniff(lines: list[str]) -> tuple[str, int]:
    """The delimiter that splits the first lines into the most consistent number (> 1) of fields,
    and the widest row seen."""
    best, best_score, best_width = ",", -1, 1
    for delimiter in DELIMITERS:
        counts = [len(r) for r in csv.reader(lines, delimiter=delimiter) if any(c.strip() for c in r)]
        if not counts:
            continue
        common = max(set(counts), key=counts.count)
        score = counts.count(common) * (common > 1) * common
        if score > best_score:
            best, best_score, best_width = delimiter, score, max(counts)
    return best, best_width


def _read_csv(data: bytes, file_name: str, kind_name: str, mapping) -> RawTable:
    text, encoding = decode(data)
    if _looks_binary(text):
        raise FileProblem("ingest.err.binary")
    if "\r\n" in text:
        line_ending = "CRLF"
    elif "\r" in text:
        line_ending = "CR"
        text = text.replace("\r", "\n")
    else:
        line_ending = "LF"
    if not text.strip():
        raise FileProblem("ingest.err.empty")
    head_lines = text[:200_000].splitlines()[:SNIFF_LINES]
    delimiter, width = _sniff(head_lines)
    schema = {f"c{i}": pl.String for i in range(width)}
    try:
        frame = pl.read_csv(text.encode("utf-8"), has_header=False, schema=schema, separator=delimiter,
                            quote_char='"', truncate_ragged_lines=True, infer_schema=False,
                            missing_columns="insert")
    except Exception as exc:  # malformed quoting and the like: say so, no traceback
        raise FileProblem("ingest.err.csv_unreadable", detail=str(exc).splitlines()[0][:200]) from None
    info = ReadInfo(file_name, "csv", len(data), encoding=encoding, delimiter=delimiter, line_ending=line_ending)
    return _split_header(frame, pl.Series("row", range(1, frame.height + 1), dtype=pl.Int64), info,
                         kind_name, mapping)


# ----------------------------------------------------------------------------------- XLSX
def cell_text(value) -> str | None:
    """An XLSX cell as the string the parser understands (dates ISO, whole floats without .0)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (date, time)):
        return value.isoformat()
    text = str(value)
    return text if text.strip() else None


def _open_workbook(data: bytes):
    import openpyxl

    try:
        return openpyxl.load_workbook(io.BytesIO(data), data_only=True,
                                      read_only=len(data) > _XLSX_FULL_LOAD_BYTES)
    except (zipfile.BadZipFile, KeyError, EOFError, OSError, ValueError) as exc:
        raise FileProblem("ingest.err.bad_xlsx") from exc
    except Exception as exc:  # openpyxl raises several kinds for damaged files
        raise FileProblem("ingest.err.bad_xlsx") from exc


def _sheet_rows(ws) -> list[list[str | None]]:
    rows = [[cell_text(v) for v in row] for row in ws.iter_rows(min_row=1, min_col=1, values_only=True)]
    merged = getattr(ws, "merged_cells", None)
    return rows, (list(merged.ranges) if merged is not None else [])


def _header_score(rows: list[list], kind_name: str, mapping) -> tuple[int, int]:
    """(best number of fields named by one row, that row's index) among the first rows."""
    best = (0, 0)
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        named = len({f for f in (match_cell(kind_name, c, mapping) for c in row) if f})
        if named > best[0]:
            best = (named, i)
    return best


def _read_xlsx(data: bytes, file_name: str, kind_name: str, sheet: str | None, mapping) -> RawTable:
    wb = _open_workbook(data)
    try:
        names = list(wb.sheetnames)
        if sheet is not None and sheet not in names:
            raise FileProblem("ingest.err.no_sheet", sheet=sheet, sheets=", ".join(names))
        candidates = [sheet] if sheet else names
        loaded = {}
        for name in candidates:
            try:
                loaded[name] = _sheet_rows(wb[name])
            except (zipfile.BadZipFile, KeyError, EOFError, OSError, ValueError) as exc:
                raise FileProblem("ingest.err.bad_xlsx") from exc
    finally:
        if hasattr(wb, "close"):
            wb.close()
    chosen = max(candidates, key=lambda n: (_header_score(loaded[n][0], kind_name, mapping)[0], -candidates.index(n)))
    rows, merged_ranges = loaded[chosen]
    if not any(any(c is not None for c in r) for r in rows):
        raise FileProblem("ingest.err.empty_sheet", sheet=chosen)
    width = max(len(r) for r in rows)
    info = ReadInfo(file_name, "xlsx", len(data), sheet=chosen, sheets=names)
    # Merged cells: remember those in the header rows (reported), fill those below with their value
    # (a date merged down over a shift's rows is common in hand-made reports).
    header_row = _header_score(rows, kind_name, mapping)[1] + 1
    below = rows[header_row] if header_row < len(rows) else []
    if len({f for f in (match_cell(kind_name, c, mapping) for c in below) if f}) >= 2:
        header_row += 1  # a second header row (see _split_header)
    for rng in merged_ranges:
        if rng.min_row <= header_row:
            info.merged_header_cells.append(rng.coord)
            continue
        value = rows[rng.min_row - 1][rng.min_col - 1] if rng.min_col - 1 < len(rows[rng.min_row - 1]) else None
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if (r, c) != (rng.min_row, rng.min_col) and r - 1 < len(rows):
                    row = rows[r - 1]
                    row.extend([None] * (c - len(row)))
                    row[c - 1] = value
                    info.merged_cells_filled += 1
    columns = list(zip(*[r + [None] * (width - len(r)) for r in rows]))
    frame = pl.DataFrame({f"c{i}": pl.Series(col, dtype=pl.String) for i, col in enumerate(columns)})
    return _split_header(frame, pl.Series("row", range(1, frame.height + 1), dtype=pl.Int64), info,
                         kind_name, mapping)


# ------------------------------------------------------------------------- header detection
def _split_header(frame: pl.DataFrame, row_numbers: pl.Series, info: ReadInfo, kind_name: str,
                  mapping) -> RawTable:
    """Find the header row (and a second header row under it), return the rows below it."""
    head = [list(r) for r in frame.head(HEADER_SCAN_ROWS).iter_rows()]
    threshold = header_threshold(kind_name)
    named = [len({f for f in (match_cell(kind_name, c, mapping) for c in row) if f}) for row in head]
    header_at = next((i for i, n in enumerate(named) if n >= threshold), None)
    if header_at is None:  # no row looks like a header: take the first non-empty one, report what is missing
        header_at = next((i for i, row in enumerate(head) if any(c is not None for c in row)), 0)
    headers = [(c or "").strip() for c in head[header_at]]
    data_from = header_at + 1
    if data_from < len(head):
        below = head[data_from]
        fields_above = {match_cell(kind_name, c, mapping) for c in headers} - {None}
        fields_below = [match_cell(kind_name, c, mapping) for c in below]
        if len({f for f in fields_below if f}) >= 2:  # a second header row: combine column by column
            for i, f in enumerate(fields_below):
                if f and (match_cell(kind_name, headers[i], mapping) is None) and f not in fields_above:
                    headers[i] = below[i].strip()
                elif not headers[i] and below[i]:
                    headers[i] = below[i].strip()
            info.extra_header_rows.append(int(row_numbers[data_from]))
            data_from += 1
    info.header_row = int(row_numbers[header_at]) if frame.height else 1
    data = frame.slice(data_from)
    numbers = row_numbers.slice(data_from)
    # Rows with no value at all are not data (but keep the numbering of those that are).
    non_empty = ~pl.all_horizontal(pl.all().is_null() | (pl.all().str.strip_chars() == "")) if data.width else None
    if non_empty is not None and data.height:
        keep = data.select(non_empty.alias("keep")).to_series()
        data, numbers = data.filter(keep), numbers.filter(keep)
    return RawTable(headers=headers, frame=data, row_numbers=numbers, info=info)
