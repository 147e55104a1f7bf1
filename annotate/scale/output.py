"""Tables out: a folder of parts, one file per table and partition, on any fsspec path.

    OUT/documents/part-00000.parquet   OUT/spans/part-00000.parquet   OUT/relations/part-00000.parquet
    OUT/documents/part-00001.parquet   …
    OUT/_prelabel.json                 the job's options (checked by --resume); at the end, the
                                       size and mtime of every input file ("files")
    OUT/_done/part-00000.json          part 0 is complete: the digest of its input (see parts.py)
    OUT/_prelabel.lock                 held (flock) by the run writing the folder

One folder per table, so `pd.read_parquet("OUT/spans")` reads every part of a
table (pyarrow skips the `_`/`.` files). Every file is written atomically — to
a hidden temporary name beside it, then renamed (annotate.atomic on local
disks; fs.mv elsewhere, where an object store's single upload is atomic
anyway) — and `relations` last: a part is complete when all three files are
there, so `--resume` redoes a part that a kill cut in half and never leaves a
duplicate row. The parent then writes the part's marker in `_done/` with the
digest of the input it was made from; `--resume` keeps a part only when its
marker holds the digest of the same partition of today's input, so a changed
input redoes exactly the parts it changed (the marker is removed before a part
is rewritten).

One run at a time: `locked(url)` holds an exclusive flock on `_prelabel.lock`
for the whole run (local disks; released by the kernel when the process dies,
so a killed run leaves no stale lock). On other fsspec file systems there is
no lock.
"""
from __future__ import annotations

import contextlib
import json
import os
import posixpath
import re
import uuid
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas and annotate.tables are imported where parts are written or listed,
    import pandas as pd  # not by locked(): the command takes the lock before it starts the fork server


MANIFEST = "_prelabel.json"
LOCK = "_prelabel.lock"
DONE = "_done"
EXTENSIONS = {"parquet": "parquet", "csv": "csv"}
_PART = re.compile(r"^part-(\d+)\.(parquet|csv)$")
_TEMP = re.compile(r"^\.part-\d+\.(parquet|csv|json)\..*\.tmp$")  # left by a killed run (annotate.atomic, _write)
CSV_OPTIONS = {"index": False, "lineterminator": "\n", "date_format": "%Y-%m-%dT%H:%M:%S.%fZ"}  # as export


class OutputError(Exception):
    pass


def _tables() -> tuple:
    from annotate.tables import TABLES

    return TABLES


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
    for table in _tables():
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


def _marker(root: str, index: int) -> str:
    return posixpath.join(root, DONE, f"part-{index:05d}.json")


def mark_done(url: str, index: int, digest: str, inputs: dict) -> None:
    """Part `index` is complete (its three files are written), made from input `digest`."""
    fs, root = filesystem(url)
    fs.makedirs(posixpath.join(root, DONE), exist_ok=True)
    body = json.dumps({"digest": digest, "inputs": inputs}, ensure_ascii=False)
    _write(fs, _marker(root, index), lambda fh: fh.write(body.encode("utf-8", "surrogatepass")))


def unmark(url: str, index: int) -> None:
    fs, root = filesystem(url)
    try:
        fs.rm(_marker(root, index))
    except FileNotFoundError:
        pass


def _markers(fs, root: str) -> dict[int, str]:
    """Part index → the digest its marker holds."""
    try:
        names = fs.ls(posixpath.join(root, DONE), detail=False)
    except FileNotFoundError:
        return {}
    out = {}
    for path in names:
        m = re.match(r"^part-(\d+)\.json$", posixpath.basename(path))
        if not m:
            continue
        try:
            with fs.open(path, "rb") as fh:
                out[int(m.group(1))] = json.loads(fh.read().decode("utf-8", "surrogatepass"))["digest"]
        except (OSError, ValueError, KeyError, TypeError):
            continue  # unreadable: the part is redone
    return out


def complete_parts(url: str, fmt: str) -> dict[int, str]:
    """Part index → input digest, of the parts whose three files and marker are all there."""
    fs, root = filesystem(url)
    done = None
    for table in _tables():
        found = _parts(fs, posixpath.join(root, table), fmt)
        done = found if done is None else done & found
    markers = _markers(fs, root)
    return {i: markers[i] for i in sorted(done or ()) if i in markers}


def _remove_parts(fs, root: str, keep=lambda index: False) -> None:
    for table in _tables():
        folder = posixpath.join(root, table)
        for ext in EXTENSIONS.values():
            for index in _parts(fs, folder, ext):
                if not keep(index):
                    fs.rm(posixpath.join(folder, part_name(index, ext)))
    for index in _markers(fs, root):
        if not keep(index):
            fs.rm(_marker(root, index))


def start(url: str, fmt: str, manifest: dict, resume: bool) -> dict[int, str]:
    """Prepare the output folder; return the parts already complete (resume: index → input
    digest, for the caller to keep those whose input is the same) or none.

    Without resume, the parts of an earlier run are removed first (a shorter input
    must not leave stale parts behind). With resume, the earlier run's options must
    be the same, or its parts would not be the same parts (the inputs may differ:
    the digests decide, part by part)."""
    fs, root = filesystem(url)
    fs.makedirs(root, exist_ok=True)
    man = posixpath.join(root, MANIFEST)
    for table in _tables():
        _remove_temps(fs, posixpath.join(root, table))
    _remove_temps(fs, posixpath.join(root, DONE))
    done: dict[int, str] = {}
    if resume and fs.exists(man):
        with fs.open(man, "rb") as fh:
            try:
                before = json.loads(fh.read().decode("utf-8"))
            except ValueError:
                before = {}
        differ = [k for k in manifest if k != "inputs" and before.get(k) != manifest[k]]
        if differ:
            raise OutputError(f"{url} was written with other options ({', '.join(differ)}); "
                              f"run without --resume to start again")
        done = complete_parts(url, fmt)
    else:
        _remove_parts(fs, root)
    write_manifest(url, manifest)
    return done


def write_manifest(url: str, manifest: dict) -> None:
    fs, root = filesystem(url)
    body = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8", "surrogatepass")
    _write(fs, posixpath.join(root, MANIFEST), lambda fh: fh.write(body))


def finish(url: str, parts: int) -> None:
    """Remove the parts numbered `parts` and up: an earlier, longer input's (after --resume)."""
    fs, root = filesystem(url)
    _remove_parts(fs, root, keep=lambda index: index < parts)


_HELD: dict[str, list] = {}  # lock file → [fd, depth]: locked() is re-entrant within a process


@contextlib.contextmanager
def locked(url: str):
    """Hold the output folder for this run; OutputError when another run holds it."""
    fs, root = filesystem(url)
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        fcntl = None
    if fcntl is None or not _is_local(fs):
        yield
        return
    os.makedirs(root, exist_ok=True)
    path = os.path.realpath(os.path.join(root, LOCK))
    if path in _HELD:
        _HELD[path][1] += 1
        try:
            yield
        finally:
            _HELD[path][1] -= 1
        return
    # never unlinked: removing a lock file others may hold open would let two runs lock two files
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
        os.close(fd)
        raise OutputError(f"{url}: another `annotate prelabel` is writing into this folder"
                          + (f" (pid {holder})" if holder.isdigit() else "")
                          + "; wait for it to finish or choose another -o") from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
    _HELD[path] = [fd, 1]
    try:
        yield
    finally:
        del _HELD[path]
        os.close(fd)  # releases the flock
