"""The input cut into partitions: the unit of work of a worker and of one output part.

    partitions(paths, job, on_error) -> Iterator[Partition]

A partition is about `job.part_mb` MB of text (UTF-8): a run of source files
(Markdown/HTML/text, read by the worker) or a run of rows of one table file
(read here, in bounded chunks, and sent with the partition). Without
`part_mb`, the size follows the input (`auto_part_bytes`: about a sixteenth of
it, between 0.5 and 4 MB), so that workers finish together (a 20 MB table
cut in 4 MB parts kept one of two workers busy alone for the last part). The
cut depends only on the input and `part_mb`, never on the number of workers, so
part N is the same with 1 worker, N workers or a Dask cluster, and `--resume`
finds the same parts again.

Rows that cannot be read (no text, malformed line) and table files that
cannot be opened travel with the partition (`Partition.errors`), so they are
reported in input order with the rest. So do rows whose id was seen before
in the run (any table): the id is the document's source, so a second row with
it would be a second document under the same name (the same doc_id when the
text is the same too); it is reported and skipped, the first one kept.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from annotate.scale.rows import Columns, Row, TableError, is_table, iter_rows, meta_schema

OnError = Callable[[str, str], object]


@dataclass
class Partition:
    index: int
    files: list[str] = field(default_factory=list)   # source files (read by the worker)
    table: str | None = None                          # or: the table file of `rows`
    rows: list[Row] = field(default_factory=list)
    schema: object = None                             # pyarrow schema of the rows' metadata
    errors: list[tuple[str, str]] = field(default_factory=list)  # (where, reason), found while reading
    size: int = 0                                     # bytes of text
    digest: str = ""                                  # of what the part is made from (--resume compares it)
    inputs: dict = field(default_factory=dict)        # path → [size, mtime_ns] of its files
    skip: bool = False                                # done before (--resume): only its errors are reported

    def empty(self) -> bool:
        return not (self.files or self.rows or self.errors)


def _stat(path: str) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def _seal(part: Partition) -> Partition:
    """Set the part's digest: its rows' content (id, title, text, metadata, position) for a
    table, the size and modification time of each of its files for source files."""
    import hashlib
    import json

    h = hashlib.blake2b(digest_size=16)

    def add(*values) -> None:
        h.update(json.dumps(values, ensure_ascii=False, default=str, sort_keys=True).encode("utf-8", "surrogatepass"))
        h.update(b"\n")

    for f in part.files:
        part.inputs[f] = _stat(f)
        add("file", f, part.inputs[f])
    if part.table is not None:
        part.inputs[part.table] = _stat(part.table)
        add("table", part.table, str(part.schema))
        for row in part.rows:
            add(row.number, row.id, row.title, row.text, row.meta)
    part.digest = h.hexdigest()
    return part


def input_files(paths: Iterable[str | os.PathLike], on_error: OnError) -> list[Path]:
    """Files as given and, under folders, the tables then the source files (each sorted,
    once each). What cannot be used — a missing path, an unreadable folder, a broken
    link, a link loop — goes to on_error as annotate.sources reports it; the rest goes on."""
    from annotate.prelabel import source_files
    from annotate.sources import display_path, iter_source_files

    files: list[Path] = []
    for path in paths:
        p = Path(path)
        if p.is_dir():
            reported: list[str] = []

            def report(where: str, reason: str) -> None:
                reported.append(where)
                on_error(where, reason)

            found = list(iter_source_files([p], report, also=is_table))
            # tables under a `_`-folder are a dataset's own parts (as pyarrow reads them): not inputs
            tables = [f for f in found if is_table(f)
                      and not any(part.startswith("_") for part in f.relative_to(p).parts)]
            sources = [f for f in found if not is_table(f)]
            if not tables and not sources and not reported:
                on_error(display_path(p), "no source files or tables found")
            files += tables + sources
        elif p.exists() and is_table(p):
            files.append(p)
        else:
            files += source_files([p], on_error)
    seen: set[tuple[int, int]] = set()  # (device, inode): a file under two paths counts once
    out = []
    for f in files:
        try:
            st = f.stat()
        except OSError:
            out.append(f)  # reported where it is read
            continue
        if (st.st_dev, st.st_ino) not in seen:
            seen.add((st.st_dev, st.st_ino))
            out.append(f)
    return out


AUTO_PARTS = 16                         # parts of an input, when its size decides
AUTO_MIN_BYTES, AUTO_MAX_BYTES = 500_000, 4_000_000


def input_bytes(files: Iterable[Path]) -> int:
    """About the bytes of text in these inputs, cheaply: a Parquet table's uncompressed size
    (its footer), any other file's size."""
    total = 0
    for f in files:
        try:
            if f.suffix.lower() == ".parquet":
                import pyarrow.parquet as pq

                meta = pq.ParquetFile(f).metadata
                total += sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
            else:
                total += f.stat().st_size
        except Exception:  # noqa: BLE001 — unreadable: reported where it is read
            continue
    return total


def auto_part_bytes(paths: Iterable[str | os.PathLike]) -> int:
    """The partition size for this input: about 1/AUTO_PARTS of it, within the bounds."""
    total = input_bytes(input_files(paths, lambda *_: None))
    return int(min(AUTO_MAX_BYTES, max(AUTO_MIN_BYTES, total / AUTO_PARTS)))


def partitions(paths: Iterable[str | os.PathLike], part_bytes: int, columns: Columns,
               on_error: OnError) -> Iterator[Partition]:
    """Partitions of everything under `paths`, numbered 0, 1, … in input order.
    `on_error` gets the paths that do not exist or hold nothing (not the bad rows:
    those travel in Partition.errors)."""
    index = 0
    current = Partition(index)
    first_seen: dict[str, tuple[int, int]] = {}  # row id → (table, row number) where it was first seen
    tables: list[str] = []
    for f in input_files(paths, on_error):
        if not is_table(f):
            if current.table is not None:
                raise AssertionError("a table partition is always closed")  # pragma: no cover
            current.files.append(str(f))
            try:
                current.size += f.stat().st_size
            except OSError:
                pass  # the worker reports it
            if current.size >= part_bytes:
                yield _seal(current)
                index += 1
                current = Partition(index)
            continue
        if not current.empty():  # a table starts its own partitions
            yield _seal(current)
            index += 1
            current = Partition(index)
        try:
            schema = meta_schema(f, columns)
        except TableError as e:
            current.errors.append((str(f), str(e).split(": ", 1)[-1]))
            continue
        current.table, current.schema = str(f), schema
        tables.append(str(f))
        bad: list[tuple[str, str]] = []
        try:
            for row in iter_rows(f, columns, lambda where, reason: bad.append((where, reason))):
                current.errors += bad
                bad.clear()
                if row.id is not None:
                    first = first_seen.setdefault(row.id, (len(tables) - 1, row.number))
                    if first != (len(tables) - 1, row.number):
                        at = f"row {first[1]}" if tables[first[0]] == str(f) else f"{tables[first[0]]}:row {first[1]}"
                        current.errors.append((f"{f}:row {row.number}",
                                               f"duplicate id {row.id!r} (first at {at}); the row is skipped"))
                        continue
                current.rows.append(row)
                current.size += len(row.text.encode("utf-8", "surrogatepass"))
                if current.size >= part_bytes:
                    yield _seal(current)
                    index += 1
                    current = Partition(index, table=str(f), schema=schema)
        except TableError as e:
            bad.append((str(f), str(e).split(": ", 1)[-1]))
        current.errors += bad
        if not current.empty():
            yield _seal(current)
            index += 1
        current = Partition(index)
    if not current.empty():
        yield _seal(current)
