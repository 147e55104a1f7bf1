"""Tables in: rows of .parquet, .jsonl and .csv files, read in bounded chunks.

    iter_rows(path, columns, on_error) -> Iterator[Row]   one table file, row by row
    read_row(row, markup, path) -> list[Document]          the reader's documents of one row

Each row is one article: its text column read as plain text (or Markdown/HTML,
`markup`), its id column as the source name (so doc_ids differ between rows),
its title column as the title. Every other column passes through as document
metadata (`Row.meta`, column → value).

Parquet is streamed by record batch (pyarrow ParquetFile.iter_batches), JSON
Lines and CSV line by line (json, csv from the standard library): memory holds
one batch, not the file. The line readers name the exact bad row — pandas'
chunked readers fail a whole chunk on one malformed line — and CSV carries no
column types, so its metadata stays text. A byte that is not UTF-8 costs its
row only (the file is decoded with surrogateescape and each row checked); a
CSV quote that never closes costs the row it opened, and the lines after it
are read again as rows (csv's strict mode finds it; a record that spans lines
and has the wrong number of fields is the same mistake).

Dictionary (pandas categorical) columns of Parquet pass through as their value
type: pandas cannot read back an ArrowDtype of a dictionary.

Row numbers are 0-based positions in the file (`df.iloc[N]` after reading the
whole table with pandas): the CSV header and blank JSONL lines do not count.
"""
from __future__ import annotations

import csv
import html
import json
import re
import sys
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from annotate.document import Document
from annotate.sources import MAX_BYTES
from annotate.sources import html as _html
from annotate.sources import markdown as _markdown
from annotate.sources import plaintext as _plaintext
from annotate.sources.articles import build

TABLE_SUFFIXES = (".parquet", ".pq", ".jsonl", ".ndjson", ".csv")
MARKUPS = {"txt": _plaintext, "md": _markdown, "html": _html}
BATCH_ROWS = 1024  # Parquet rows per record batch read
RECORD_LIMIT = 4 * MAX_BYTES  # characters of one CSV record: beyond it, a quote was left open
_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # a byte that is not UTF-8, as surrogateescape keeps it

OnError = Callable[[str, str], object]  # (FILE:row N, reason)


class TableError(Exception):
    """A table file that cannot be read at all (its rows are not even reached)."""


@dataclass
class Columns:
    text: str = "text"
    id: str = "id"
    title: str = "title"
    explicit: frozenset = frozenset()  # the options the user set: a missing one is an error, a default is not


@dataclass
class Row:
    number: int                    # 0-based position in the file
    text: str
    id: str | None = None
    title: str | None = None
    meta: dict = field(default_factory=dict)


def is_table(path: str | Path) -> bool:
    return str(path).lower().endswith(TABLE_SUFFIXES)


def _cell(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN
        return None
    text = str(value).strip()
    return text or None


def _check_columns(names: list[str], columns: Columns, path: Path) -> None:
    if columns.text not in names:
        raise TableError(f"{path}: no text column {columns.text!r} (columns: {', '.join(names[:12])}"
                         f"{' …' if len(names) > 12 else ''}); choose one with --text-column")
    for option, name in (("--id-column", columns.id), ("--title-column", columns.title)):
        if option in columns.explicit and name not in names:
            raise TableError(f"{path}: no column {name!r} ({option})")


def _as_text(value):
    """A JSON value as CSV would have it: strings as they are, anything else as JSON."""
    return value if value is None or isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _not_utf8(text: str) -> str | None:
    m = _NOT_UTF8.search(text)
    return None if m is None else f"not valid UTF-8 (byte 0x{ord(m.group()) - 0xDC00:02x})"


def plain_type(t):
    """`t` with every dictionary type replaced by its value type (recursively)."""
    import pyarrow as pa

    if pa.types.is_dictionary(t):
        return plain_type(t.value_type)
    if pa.types.is_large_list(t):
        return pa.large_list(t.value_field.with_type(plain_type(t.value_type)))
    if pa.types.is_fixed_size_list(t):
        return pa.list_(t.value_field.with_type(plain_type(t.value_type)), t.list_size)
    if pa.types.is_list(t):
        return pa.list_(t.value_field.with_type(plain_type(t.value_type)))
    if pa.types.is_map(t):
        return pa.map_(plain_type(t.key_type), t.item_field.with_type(plain_type(t.item_type)))
    if pa.types.is_struct(t):
        return pa.struct([f.with_type(plain_type(f.type)) for f in t])
    return t


def meta_schema(path: str | Path, columns: Columns):
    """The pyarrow schema of the pass-through columns: Parquet's own types; text for
    CSV and JSON Lines (the columns of the header / the first JSON object). Every part
    of one file gets this schema, so the parts' metadata columns never differ in type."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    p = Path(path)
    skip = (columns.text, columns.id, columns.title)
    try:
        if p.suffix.lower() in (".parquet", ".pq"):
            schema = pq.ParquetFile(p).schema_arrow
            return pa.schema([f.with_type(plain_type(f.type)) for f in schema if f.name not in skip])
        names: list[str] = []
        with open(p, encoding="utf-8-sig", errors="surrogateescape", newline="") as fh:
            if p.suffix.lower() == ".csv":
                names = next(csv.reader(fh), None) or []
            else:
                for line in fh:
                    try:
                        record = json.loads(line)
                    except ValueError:
                        continue
                    if isinstance(record, dict):
                        names = list(record)
                        break
    except (OSError, ValueError, csv.Error) as e:
        raise TableError(f"{p}: {' '.join(str(e).split())[:200] or type(e).__name__}") from None
    return pa.schema([pa.field(n, pa.string()) for n in dict.fromkeys(names) if n not in skip])


def _row(number: int, record: dict, columns: Columns, where: str, on_error: OnError) -> Row | None:
    text = record.get(columns.text)
    if isinstance(text, (list, tuple)) and text and all(isinstance(p, str) for p in text):
        text = "\n\n".join(p.strip("\n") for p in text)   # a list of paragraphs, as data records keep a body
    if not isinstance(text, str) or not text.strip():
        on_error(where, "no text" if text is None or isinstance(text, str)
                 else f"text is not a string ({type(text).__name__})")
        return None
    if len(text) > MAX_BYTES:
        on_error(where, f"text too large ({len(text):,} characters; limit {MAX_BYTES:,})")
        return None
    meta = {k: v for k, v in record.items() if k not in (columns.text, columns.id, columns.title)}
    return Row(number, text, _cell(record.get(columns.id)), _cell(record.get(columns.title)), meta)


def iter_rows(path: str | Path, columns: Columns, on_error: OnError) -> Iterator[Row]:
    """The good rows of one table file, in order; each bad row → on_error("FILE:row N", reason).
    Raises TableError when the file as a whole cannot be read."""
    p = Path(path)
    suffix = p.suffix.lower()
    try:
        if suffix in (".parquet", ".pq"):
            yield from _parquet_rows(p, columns, on_error)
        elif suffix in (".jsonl", ".ndjson"):
            yield from _jsonl_rows(p, columns, on_error)
        else:
            yield from _csv_rows(p, columns, on_error)
    except TableError:
        raise
    except (OSError, ValueError, csv.Error) as e:  # pyarrow's errors are OSError/ValueError subclasses
        raise TableError(f"{p}: {' '.join(str(e).split())[:200] or type(e).__name__}") from None


def _parquet_rows(p: Path, columns: Columns, on_error: OnError) -> Iterator[Row]:
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(p)
    names = pf.schema_arrow.names
    _check_columns(names, columns, p)
    n = 0
    for batch in pf.iter_batches(batch_size=BATCH_ROWS):
        for record in batch.to_pylist():
            row = _row(n, record, columns, f"{p}:row {n}", on_error)
            if row is not None:
                yield row
            n += 1


def _jsonl_rows(p: Path, columns: Columns, on_error: OnError) -> Iterator[Row]:
    checked = False
    n = 0
    with open(p, encoding="utf-8-sig", errors="surrogateescape") as fh:
        for line in fh:
            if not line.strip():
                continue
            where = f"{p}:row {n}"
            n += 1
            bad = _not_utf8(line)
            if bad:
                on_error(where, bad)
                continue
            try:
                record = json.loads(line)
            except ValueError as e:
                on_error(where, f"not JSON ({e})")
                continue
            if not isinstance(record, dict):
                on_error(where, f"not a JSON object ({type(record).__name__})")
                continue
            if not checked:  # JSON Lines has no header: the first object names the columns
                _check_columns(list(record), columns, p)
                checked = True
            row = _row(n - 1, {k: _as_text(v) if k != columns.text else v for k, v in record.items()},
                       columns, where, on_error)
            if row is not None:
                yield row


class _Lines:
    """The physical lines of a CSV file for csv.reader, remembering those of the record
    being read, so that a bad record can be read again from its second line."""

    def __init__(self, fh):
        self.fh = fh
        self.pending: deque = deque()  # (line number, text) to read again
        self.record: list = []         # the lines of the record being read
        self.size = 0
        self.number = 0                # of the last line read from the file

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self.pending:
            item = self.pending.popleft()
        else:
            text = self.fh.readline()
            if not text:
                raise StopIteration
            self.number += 1
            item = (self.number, text)
        self.record.append(item)
        self.size += len(item[1])
        if self.size > RECORD_LIMIT and len(self.record) > 1:
            raise csv.Error(f"a record longer than {RECORD_LIMIT:,} characters")
        return item[1]

    def start(self) -> None:
        self.record, self.size = [], 0

    def again(self) -> None:
        """Read the current record's lines again, but its first."""
        self.pending.extendleft(reversed(self.record[1:]))
        self.start()


def _csv_rows(p: Path, columns: Columns, on_error: OnError) -> Iterator[Row]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # articles are longer than csv's 128 KiB default
    with open(p, encoding="utf-8-sig", errors="surrogateescape", newline="") as fh:
        lines = _Lines(fh)
        reader = csv.reader(lines, strict=True)
        try:
            header = next(reader, None)
        except csv.Error as e:
            raise TableError(f"{p}: header: {e}") from None
        if header is None:
            raise TableError(f"{p}: empty file")
        _check_columns(header, columns, p)
        n = 0
        while True:
            lines.start()
            try:
                values = next(reader)
            except StopIteration:
                break
            except csv.Error as e:
                values, broken = None, str(e)
                if len(lines.record) == 1 and "end of data" not in broken:
                    # text after a closing quote, on one line: read as pandas does
                    reader = csv.reader(lines, strict=True)
                    try:
                        values, broken = next(csv.reader([lines.record[0][1]])), None
                    except csv.Error:
                        pass
            else:
                broken = None
                if not values:
                    continue
                if len(values) != len(header) and len(lines.record) > 1:
                    broken = f"{len(values)} fields, the header has {len(header)}"
            where = f"{p}:row {n}"
            n += 1
            if broken is not None:
                first = lines.record[0][0] if lines.record else lines.number
                if len(lines.record) > 1 or "end of data" in broken:  # a quote opened here, never closed
                    on_error(where, f"unterminated quote (the row starts on line {first}; {broken})"
                                    + ("; the lines after it are read again as rows" if len(lines.record) > 1
                                       else ""))
                else:
                    on_error(where, f"malformed CSV on line {first} ({broken})")
                lines.again()
                reader = csv.reader(lines, strict=True)
                continue
            if len(values) != len(header):
                on_error(where, f"{len(values)} fields, the header has {len(header)}")
                continue
            bad = next(filter(None, map(_not_utf8, values)), None)
            if bad:
                on_error(where, bad)
                continue
            row = _row(n - 1, dict(zip(header, values)), columns, where, on_error)
            if row is not None:
                yield row


# -- one row → documents ------------------------------------------------------

def _with_title(text: str, title: str | None, markup: str) -> str:
    """The row's text with its title as the first line (the readers take the title from
    there), unless the text already starts with it."""
    if not title or text.lstrip().startswith(title):
        return text
    if markup == "md":
        return f"# {title}\n\n{text}"
    if markup == "html":
        return f"<h1>{html.escape(title)}</h1>\n{text}"
    return f"{title}\n\n{text}"


def read_row(row: Row, markup: str, path: str) -> list[Document]:
    """The documents of one row (usually one article), as the file readers would read
    the row's text: same parser, same article builder. Raises ValueError if none."""
    parser = MARKUPS[markup]
    source = row.id or f"{Path(path).name}#{row.number}"
    meta, blocks = parser.parse(_with_title(row.text, row.title, markup))
    meta.pop("source", None)
    docs = build(blocks, source=source, path=str(path), meta=meta)
    if not docs:
        raise ValueError("no article text found")
    for d in docs:
        d.index = row.number
        if row.title and len(docs) == 1:
            d.title = row.title
    return docs
