"""Step 1: bytes + file name -> a table of strings, with what was detected (docs/architecture.md "Ingestion").

CSV: UTF-8 (with or without BOM), else GB18030/GBK, Windows-1252 or UTF-16 as charset-normalizer
detects them; LF/CRLF/CR; comma/semicolon/tab.
XLSX (read with fastexcel/calamine): any sheet (the one whose header matches the kind best, unless
the caller picks one); row numbers are the sheet's own.
In both, the header row is the first of the first rows that names at least half of the required
fields; a second header row right below it is combined with it (two-row headers).
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

import polars as pl

from data_access.ingest.headers import header_threshold, match_cell
from data_access.ingest.problems import FileProblem

MAX_BYTES = 50 * 1024 * 1024
HEADER_SCAN_ROWS = 20
SNIFF_LINES = 200
DELIMITERS = (",", ";", "\t")


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
# The encodings a plant's files come in (docs/architecture.md "Ingestion", issue 14): charset-normalizer chooses among
# these only, so that Latin text (Müller) is not read as GB18030 (M黮ler) and UTF-16 is text.
CANDIDATE_ENCODINGS = ("utf_8", "gb18030", "cp1252", "utf_16", "utf_16_le", "utf_16_be")
ENCODING_NAMES = {"utf_8": "UTF-8", "gb18030": "GB18030", "cp1252": "Windows-1252 (Latin)",
                  "utf_16": "UTF-16 with BOM", "utf_16_le": "UTF-16 LE", "utf_16_be": "UTF-16 BE"}
DETECT_BYTES = 1_000_000  # what the detector looks at; the whole file must then decode


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding's name: UTF-8 (with or without BOM) when the bytes are UTF-8, else
    what charset-normalizer finds most plausible among CANDIDATE_ENCODINGS."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "UTF-8 with BOM"
        except UnicodeDecodeError:
            pass
    if b"\x00" not in data[:4096]:  # ASCII in UTF-16 is valid UTF-8 too, but text never holds NUL
        try:
            return data.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    sample = data[:DETECT_BYTES]
    if len(data) > DETECT_BYTES and sample[-1:] >= b"\x80":  # do not cut a character in two
        sample = sample[:sample.rfind(b"\n") + 1] or sample
    best = from_bytes(sample, cp_isolation=list(CANDIDATE_ENCODINGS)).best()
    if best is not None:
        try:
            text = data.decode(best.encoding)
        except (UnicodeDecodeError, LookupError):
            raise FileProblem("ingest.err.binary") from None
        return text.removeprefix("\ufeff"), ENCODING_NAMES.get(best.encoding, best.encoding)
    raise FileProblem("ingest.err.binary")


def _looks_binary(text: str) -> bool:
    head = text[:8192]
    if "\x00" in head:
        return True
    controls = sum(1 for ch in head if ord(ch) < 32 and ch not in "\t\r\n") + head.count("\ufffd")
    return controls > max(2, len(head) // 100)


# Cells of any size up to the file limit (Python's default is 128 KiB); a cell longer than its
# field allows is refused by the validator, with its row.
csv.field_size_limit(MAX_BYTES)


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
    if not text or text.isspace():
        raise FileProblem("ingest.err.empty")
    head_lines = text[:200_000].splitlines()[:SNIFF_LINES]
    delimiter, width = _sniff(head_lines)
    schema = {f"c{i}": pl.String for i in range(width)}
    try:
        # UTF-8 bytes as they came need no re-encoding (a 50 MB file is not copied again)
        source = data[3:] if encoding == "UTF-8 with BOM" else data
        if encoding not in ("UTF-8", "UTF-8 with BOM") or line_ending == "CR":
            source = text.encode("utf-8")
        frame = pl.read_csv(source, has_header=False, schema=schema, separator=delimiter,
                            quote_char='"', truncate_ragged_lines=True, infer_schema=False,
                            missing_columns="insert")
    except Exception as exc:  # malformed quoting and the like: say so, no traceback
        raise FileProblem("ingest.err.csv_unreadable", detail=str(exc).splitlines()[0][:200]) from None
    info = ReadInfo(file_name, "csv", len(data), encoding=encoding, delimiter=delimiter, line_ending=line_ending)
    return _split_header(frame, pl.Series("row", range(1, frame.height + 1), dtype=pl.Int64), info,
                         kind_name, mapping)


# ----------------------------------------------------------------------------------- XLSX
# Read with fastexcel (calamine, in Rust): every cell as text, the sheet from its row 1, so the
# frame's row i is the row number i+1 the clerk sees in Excel (leading empty rows included).


def _cell_text(s: pl.Expr) -> pl.Expr:
    """calamine writes a date cell as 'YYYY-MM-DD 00:00:00' and a time cell as '1899-12-31 hh:mm:ss'
    (Excel's day 0): keep the date, or the time, as the clerk typed it (literal tests, no regex)."""
    stamp = s.str.len_bytes() == 19
    return (pl.when(stamp & s.str.ends_with(" 00:00:00")).then(s.str.slice(0, 10))
            .when(stamp & (s.str.starts_with("1899-12-31 ") | s.str.starts_with("1899-12-30 "))).then(s.str.slice(11))
            .otherwise(s))


def _open_workbook(data: bytes):
    import fastexcel

    try:
        return fastexcel.read_excel(data)
    except Exception as exc:  # calamine reports damaged files in several ways
        raise FileProblem("ingest.err.bad_xlsx") from exc


def _load_sheet(workbook, name: str, n_rows: int | None = None) -> tuple[pl.DataFrame, int]:
    """The sheet as strings c0..cN from row 1 on, and the sheet column (0-based) of c0."""
    try:
        sheet = workbook.load_sheet(name, header_row=None, skip_rows=0, n_rows=n_rows, dtypes="string")
        batch, errors = sheet.to_arrow_with_errors()
        frame = pl.from_arrow(batch)
        columns = sheet.available_columns()
    except Exception as exc:
        raise FileProblem("ingest.err.bad_xlsx") from exc
    first_column = columns[0].absolute_index if columns else 0
    frame = frame.rename({c: f"c{i}" for i, c in enumerate(frame.columns)})
    if errors is not None and errors.errors:
        frame = _with_error_cells(frame, errors.errors)
    return frame.with_columns([_cell_text(pl.col(c)) for c in frame.columns]), first_column


# Excel's own text for an error cell (a formula that failed): shown to the clerk as the value.
EXCEL_ERRORS = {"Div0": "#DIV/0!", "NA": "#N/A", "Name": "#NAME?", "Null": "#NULL!", "Num": "#NUM!",
                "Ref": "#REF!", "Value": "#VALUE!", "GettingData": "#GETTING_DATA"}


def _with_error_cells(frame: pl.DataFrame, errors) -> pl.DataFrame:
    """calamine leaves an error cell empty; put Excel's text back, so that the clerk is told
    "value '#DIV/0!': not a number" rather than "required value is empty"."""
    cells: dict[int, list] = {}
    for error in errors:
        row, col = error.position
        kind = re.search(r"Error\((\w+)\)", error.detail)
        if kind is None or not (0 <= row < frame.height and 0 <= col < frame.width):
            continue
        column = cells.setdefault(col, frame.get_column(f"c{col}").to_list())
        column[row] = EXCEL_ERRORS.get(kind.group(1), f"#{kind.group(1).upper()}")
    return frame.with_columns([pl.Series(f"c{c}", values, dtype=pl.String) for c, values in cells.items()])


_CELL = re.compile(r"^([A-Z]+)(\d+)$")


def _cell_position(ref: str) -> tuple[int, int]:
    """'B3' -> (row 3, column 2), both 1-based."""
    letters, digits = _CELL.match(ref).groups()
    column = 0
    for ch in letters:
        column = column * 26 + ord(ch) - 64
    return int(digits), column


def _from_last(z: zipfile.ZipFile, part: str, marker: bytes) -> bytearray | None:
    """The member's bytes from the last `marker` on (None without one), read as a stream: the
    merged cells come after the cells, and a 200,000-row sheet is 90 MB of XML, not kept whole."""
    found, carry = None, b""
    with z.open(part) as stream:
        while chunk := stream.read(1 << 20):
            window = carry + chunk
            at = window.rfind(marker)
            if at >= 0:
                found = bytearray(window[at:])
            elif found is not None:
                found += chunk
            carry = window[-(len(marker) - 1):]
    return found


def merged_ranges(data: bytes, sheet: str) -> list[tuple[str, int, int, int, int]]:
    """The merged cells of one sheet as (coordinates, first row, first column, last row, last
    column), 1-based, read from the sheet's XML (calamine does not report them)."""
    from xml.etree import ElementTree

    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
          "p": "http://schemas.openxmlformats.org/package/2006/relationships"}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            book = ElementTree.fromstring(z.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
            rel_id = next(e.get(f"{{{ns['r']}}}id") for e in book.iterfind("m:sheets/m:sheet", ns)
                          if e.get("name") == sheet)
            target = next(e.get("Target") for e in rels.iterfind("p:Relationship", ns) if e.get("Id") == rel_id)
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            xml = _from_last(z, part, b"<mergeCells")
    except (KeyError, StopIteration, zipfile.BadZipFile, ElementTree.ParseError):
        return []
    if xml is None:
        return []
    out = []
    for ref in re.findall(rb'<mergeCell[^>]*\sref="([A-Z]+\d+:[A-Z]+\d+)"', xml):
        first, last = ref.decode().split(":")
        (r1, c1), (r2, c2) = _cell_position(first), _cell_position(last)
        out.append((ref.decode(), r1, c1, r2, c2))
    return out


def _header_score(frame: pl.DataFrame, kind_name: str, mapping) -> tuple[int, int]:
    """(best number of fields named by one row, that row's index) among the first rows."""
    best = (0, 0)
    for i, row in enumerate(frame.head(HEADER_SCAN_ROWS).iter_rows()):
        named = len({f for f in (match_cell(kind_name, c, mapping) for c in row) if f})
        if named > best[0]:
            best = (named, i)
    return best


def _fill_merged(frame: pl.DataFrame, ranges, first_column: int, header_row: int,
                 info: ReadInfo) -> pl.DataFrame:
    """Merged cells in the header rows are reported; below, each is filled with its value (a date
    merged down over a shift's rows is common in hand-made reports)."""
    columns: dict[int, list] = {}
    for coord, r1, c1, r2, c2 in ranges:
        if r1 <= header_row:
            info.merged_header_cells.append(coord)
            continue
        top_left = c1 - 1 - first_column
        if not 0 <= top_left < frame.width or r1 > frame.height:
            continue
        value = frame.item(r1 - 1, top_left)
        for c in range(c1 - 1 - first_column, c2 - first_column):
            if not 0 <= c < frame.width:
                continue
            cells = columns.setdefault(c, frame.get_column(f"c{c}").to_list())
            for r in range(r1 - 1, min(r2, frame.height)):
                if (r, c) != (r1 - 1, top_left):
                    cells[r] = value
                    info.merged_cells_filled += 1
    if not columns:
        return frame
    return frame.with_columns([pl.Series(f"c{c}", cells, dtype=pl.String) for c, cells in columns.items()])


def _read_xlsx(data: bytes, file_name: str, kind_name: str, sheet: str | None, mapping) -> RawTable:
    workbook = _open_workbook(data)
    names = list(workbook.sheet_names)
    if sheet is not None and sheet not in names:
        raise FileProblem("ingest.err.no_sheet", sheet=sheet, sheets=", ".join(names))
    candidates = [sheet] if sheet else names
    if not candidates:
        raise FileProblem("ingest.err.bad_xlsx")
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as background:
        # One sheet: its merged cells (from the XML) are read while calamine reads the cells.
        merged = background.submit(merged_ranges, data, candidates[0]) if len(candidates) == 1 else None
        # Each sheet is read once; the one whose first rows name most fields of the kind is used
        # (the first one on a tie).
        loaded = {n: _load_sheet(workbook, n) for n in candidates}
        scores = {n: _header_score(loaded[n][0], kind_name, mapping)[0] for n in candidates}
        chosen = max(candidates, key=lambda n: (scores[n], -candidates.index(n)))
        frame, first_column = loaded.pop(chosen)
        loaded.clear()
        ranges = merged.result() if merged else merged_ranges(data, chosen)
    if frame.height == 0 or frame.width == 0 or frame.select(
            pl.all_horizontal(pl.all().is_null())).to_series().all():
        raise FileProblem("ingest.err.empty_sheet", sheet=chosen)
    info = ReadInfo(file_name, "xlsx", len(data), sheet=chosen, sheets=names)
    header_row = _header_score(frame, kind_name, mapping)[1] + 1
    if header_row < frame.height:
        below = frame.row(header_row)
        if len({f for f in (match_cell(kind_name, c, mapping) for c in below) if f}) >= 2:
            header_row += 1  # a second header row (see _split_header)
    frame = _fill_merged(frame, ranges, first_column, header_row, info)
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
        if not keep.all():
            data, numbers = data.filter(keep), numbers.filter(keep)
    return RawTable(headers=headers, frame=data, row_numbers=numbers, info=info)
