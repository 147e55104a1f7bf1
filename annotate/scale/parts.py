"""The input cut into partitions: the unit of work of a worker and of one output part.

    partitions(paths, job, on_error) -> Iterator[Partition]

A partition is about `job.part_mb` MB of text (UTF-8): a run of source files
(Markdown/HTML/text, read by the worker) or a run of rows of one table file
(read here, in bounded chunks, and sent with the partition). The cut depends
only on the input and `part_mb`, never on the number of workers, so part N is
the same with 1 worker, N workers or a Dask cluster, and `--resume` finds the
same parts again.

Rows that cannot be read (no text, malformed line) and table files that
cannot be opened travel with the partition (`Partition.errors`), so they are
reported in input order with the rest.
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

    def empty(self) -> bool:
        return not (self.files or self.rows or self.errors)


def input_files(paths: Iterable[str | os.PathLike], on_error: OnError) -> list[Path]:
    """Files as given and, under folders, the source files and tables (sorted, once each)."""
    from annotate.prelabel import source_files

    files: list[Path] = []
    for path in paths:
        p = Path(path)
        if p.is_dir():
            found = sorted((f for f in p.rglob("*") if f.is_file() and is_table(f)
                            and not any(part.startswith((".", "_")) for part in f.relative_to(p).parts)),
                           key=lambda f: f.relative_to(p).parts)
            found += source_files([p], lambda *_: None)  # a folder of tables only is fine
            if not found:
                on_error(str(p), "no source files or tables found")
            files += found
        elif p.exists() and is_table(p):
            files.append(p)
        else:
            files += source_files([p], on_error)
    seen: set[Path] = set()
    return [f for f in files if not (f.resolve() in seen or seen.add(f.resolve()))]


def partitions(paths: Iterable[str | os.PathLike], part_bytes: int, columns: Columns,
               on_error: OnError) -> Iterator[Partition]:
    """Partitions of everything under `paths`, numbered 0, 1, … in input order.
    `on_error` gets the paths that do not exist or hold nothing (not the bad rows:
    those travel in Partition.errors)."""
    index = 0
    current = Partition(index)
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
                yield current
                index += 1
                current = Partition(index)
            continue
        if not current.empty():  # a table starts its own partitions
            yield current
            index += 1
            current = Partition(index)
        try:
            schema = meta_schema(f, columns)
        except TableError as e:
            current.errors.append((str(f), str(e).split(": ", 1)[-1]))
            continue
        current.table, current.schema = str(f), schema
        bad: list[tuple[str, str]] = []
        try:
            for row in iter_rows(f, columns, lambda where, reason: bad.append((where, reason))):
                current.errors += bad
                bad.clear()
                current.rows.append(row)
                current.size += len(row.text.encode("utf-8", "surrogatepass"))
                if current.size >= part_bytes:
                    yield current
                    index += 1
                    current = Partition(index, table=str(f), schema=schema)
        except TableError as e:
            bad.append((str(f), str(e).split(": ", 1)[-1]))
        current.errors += bad
        if not current.empty():
            yield current
            index += 1
        current = Partition(index)
    if not current.empty():
        yield current
