"""Tables out: a folder of parts, one file per table and partition, on any fsspec path.

    OUT/documents/part-00000.parquet   OUT/spans/part-00000.parquet   OUT/relations/part-00000.parquet
    OUT/documents/part-00001.parquet   …
    OUT/_prelabel.json                 the job's options (checked by --resume)

One folder per table, so `pd.read_parquet("OUT/spans")` reads every part of a
table (pyarrow skips the `_`/`.` files). Every file is written atomically — to
a hidden temporary name beside it, then renamed (annotate.atomic on local
disks; fs.mv elsewhere, where an object store's single upload is atomic
anyway) — and `relations` last: a part is complete when all three files are
there, so `--resume` redoes a part that a kill cut in half and never leaves a
duplicate row.
"""
from __future__ import annotations

import json
import posixpath
import re
import uuid

import pandas as pd

from annotate.tables import TABLES

MANIFEST = "_prelabel.json"
EXTENSIONS = {"parquet": "parquet", "csv": "csv"}
_PART = re.compile(r"^part-(\d+)\.(parquet|csv)$")
_TEMP = re.compile(r"^\.part-\d+\.(parquet|csv)\..*\.tmp$")  # left by a killed run (annotate.atomic, _write)
CSV_OPTIONS = {"index": False, "lineterminator": "\n", "date_format": "%Y-%m-%dT%H:%M:%S.%fZ"}  # as export


class OutputError(Exception):
    pass


def filesystem(url: str):
    """(fsspec filesystem, path inside it) of a local path or a URL (s3://, gs://, memory://, …)."""
    from fsspec.core import url_to_fs

    return url_to_fs(str(url))


def part_name(index: int, fmt: str) -> str:
    return f"part-{index:05d}.{EXTENSIONS[fmt]}"


def _is_local(fs) -> bool:
    return "file" in (fs.protocol if isinstance(fs.protocol, tuple) else (fs.protocol,))


def _write(fs, path: str, write) -> None:
    """write(binary file handle) to `path`, atomically."""
    if _is_local(fs):
        from annotate.atomic import atomic_open

        with atomic_open(path, binary=True) as fh:
            write(fh)
        return
    folder, name = posixpath.split(path)
    tmp = posixpath.join(folder, f".{name}.{uuid.uuid4().hex}.tmp")
    try:
        with fs.open(tmp, "wb") as fh:
            write(fh)
        fs.mv(tmp, path)
    except BaseException:
        try:
            fs.rm(tmp)
        except Exception:  # noqa: BLE001 — best effort; hidden, and ignored by readers
            pass
        raise


def write_part(url: str, index: int, fmt: str, frames: dict[str, pd.DataFrame]) -> None:
    """The part's documents, spans and relations (in that order: relations last marks it done)."""
    fs, root = filesystem(url)
    for table in TABLES:
        df = frames[table]
        folder = posixpath.join(root, table)
        fs.makedirs(folder, exist_ok=True)
        target = posixpath.join(folder, part_name(index, fmt))
        if fmt == "parquet":
            _write(fs, target, lambda fh, df=df: df.to_parquet(fh, index=False))
        else:
            _write(fs, target, lambda fh, df=df: fh.write(df.to_csv(**CSV_OPTIONS).encode("utf-8")))


def _remove_temps(fs, folder: str) -> None:
    try:
        names = fs.ls(folder, detail=False)
    except FileNotFoundError:
        return
    for path in names:
        if _TEMP.match(posixpath.basename(path)):
            fs.rm(path)


def _parts(fs, folder: str, fmt: str) -> set[int]:
    try:
        names = [posixpath.basename(p) for p in fs.ls(folder, detail=False)]
    except FileNotFoundError:
        return set()
    out = set()
    for name in names:
        m = _PART.match(name)
        if m and m.group(2) == EXTENSIONS[fmt]:
            out.add(int(m.group(1)))
    return out


def complete_parts(url: str, fmt: str) -> set[int]:
    """Indexes of the parts whose three files are all there."""
    fs, root = filesystem(url)
    done = None
    for table in TABLES:
        found = _parts(fs, posixpath.join(root, table), fmt)
        done = found if done is None else done & found
    return done or set()


def start(url: str, fmt: str, manifest: dict, resume: bool) -> set[int]:
    """Prepare the output folder; return the parts already complete (resume) or none.

    Without resume, the parts of an earlier run are removed first (a shorter input
    must not leave stale parts behind). With resume, the earlier run's options must
    be the same, or its parts would not be the same parts."""
    fs, root = filesystem(url)
    fs.makedirs(root, exist_ok=True)
    man = posixpath.join(root, MANIFEST)
    for table in TABLES:
        _remove_temps(fs, posixpath.join(root, table))
    if resume and fs.exists(man):
        with fs.open(man, "rb") as fh:
            try:
                before = json.loads(fh.read().decode("utf-8"))
            except ValueError:
                before = {}
        differ = [k for k in manifest if before.get(k) != manifest[k]]
        if differ:
            raise OutputError(f"{url} was written with other options ({', '.join(differ)}); "
                              f"run without --resume to start again")
        return complete_parts(url, fmt)
    for table in TABLES:
        folder = posixpath.join(root, table)
        for ext in EXTENSIONS.values():
            for index in _parts(fs, folder, ext):
                fs.rm(posixpath.join(folder, part_name(index, ext)))
    _write(fs, man, lambda fh: fh.write(json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")))
    return set()
