"""Atomic file writes: a reader sees the old file or the whole new one, never half.

The content goes to a temporary file in the target's folder, is fsync'ed and
then renamed over the target (os.replace). If anything fails on the way —
an exception, Ctrl-C — the temporary file is removed and a previous file is
left untouched. The path "-" means standard output (no atomicity there).

`atomic_write_files` does the same for a set of files in one folder: all of
them are written to temporary files first and renamed into place only when
every one was written, so a failure leaves all the old files as they were.

`atomic_replace_folder` writes a whole set of files into a temporary folder
beside the target folder and swaps it in, so a failure leaves every old file
byte-identical. `terminate_as_interrupt` turns SIGTERM into KeyboardInterrupt,
so the clean-up above also runs when a process is terminated (kill, a job
scheduler, a container stop). `path_problem` says, before any work is done,
why a path cannot be written.

The new file's permissions: `mode=` if given (e.g. 0o600 for a secret — the
temporary file is never readable by others, not even briefly), else the old
file's mode, else the usual default (0o666 less the umask).
"""
from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import sys
import threading
import tempfile
from pathlib import Path
from typing import IO, Any, Callable, Collection, Iterator, Mapping, Union

STDOUT = "-"

Content = Union[str, bytes, Callable[[IO[Any]], Any]]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _temp_for(target: Path, mode: int | None) -> tuple[int, str]:
    """A temporary file beside `target` (fd, name) with the final permissions already set."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")  # 0600
    try:
        if mode is None:
            try:
                mode = os.stat(target).st_mode & 0o7777
            except FileNotFoundError:
                mode = 0o666 & ~_umask()
        os.fchmod(fd, mode)
    except BaseException:
        os.close(fd)
        os.unlink(tmp_name)
        raise
    return fd, tmp_name


def _fdopen(fd: int, binary: bool, encoding: str) -> IO[Any]:
    if binary:
        return os.fdopen(fd, "wb")
    return os.fdopen(fd, "w", encoding=encoding, newline="")


def _fsync_dir(folder: Path) -> None:
    """Make renames in `folder` durable (best effort: not every filesystem allows it)."""
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike, binary: bool = False,
                encoding: str = "utf-8", mode: int | None = None) -> Iterator[IO[Any]]:
    """`with atomic_open(path) as fh: fh.write(...)` — renamed into place on a clean exit.

    Text mode (UTF-8, no newline translation) unless binary=True. `mode` sets
    the file's permissions (default: the old file's, else 0o666 less the
    umask). For "-" the handle is sys.stdout (or its buffer), flushed but not
    closed.
    """
    if str(path) == STDOUT:
        out = sys.stdout.buffer if binary else sys.stdout
        yield out
        out.flush()
        return

    target = Path(path)
    fd, tmp_name = _temp_for(target, mode)
    fh = None
    try:
        fh = _fdopen(fd, binary, encoding)
        with fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        if fh is None:  # fdopen never took the descriptor over
            with contextlib.suppress(OSError):
                os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(target.parent)


def _write_content(fh: IO[Any], content: Content) -> None:
    if isinstance(content, (str, bytes, bytearray, memoryview)):
        fh.write(content)
    else:
        content(fh)


def _is_binary(content: Content) -> bool:
    if isinstance(content, (bytes, bytearray, memoryview)):
        return True
    if isinstance(content, str) or callable(content):
        return False
    raise TypeError(f"atomic_write: content must be str, bytes or a callable, not {type(content).__name__}")


def atomic_write(path: str | os.PathLike, content: Content, encoding: str = "utf-8",
                 mode: int | None = None) -> None:
    """Write `content` to `path` atomically.

    `content` is a str (written as `encoding`), bytes, or a function that is
    given an open text-mode file handle and writes to it. `mode` as for
    `atomic_open`.
    """
    with atomic_open(path, binary=_is_binary(content), encoding=encoding, mode=mode) as fh:
        _write_content(fh, content)


def atomic_write_files(folder: str | os.PathLike, contents: Mapping[str, Content],
                       binary: Collection[str] = (), encoding: str = "utf-8",
                       mode: int | None = None) -> list[Path]:
    """Write several files in `folder` all-or-nothing; return their paths.

    `contents` maps a file name to its content as for `atomic_write`; a
    function whose name is in `binary` is given a binary handle. Every file
    goes to a temporary file in `folder` first (fsync'ed); only when all were
    written are they renamed into place. On any failure the temporary files
    are removed and the old files stay as they were; a rename that fails (a
    folder in the way) puts the old files back. (The renames themselves are one
    per file: a crash in the middle of them — not an exception — can leave some
    files new and some old, never a half-written one.)
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    temps: list[tuple[str, str]] = []
    try:
        for name, content in contents.items():
            is_binary = name in binary or _is_binary(content)
            fd, tmp = _temp_for(out / name, mode)
            temps.append((name, tmp))
            try:
                fh = _fdopen(fd, is_binary, encoding)
            except BaseException:
                os.close(fd)
                raise
            with fh:
                _write_content(fh, content)
                fh.flush()
                os.fsync(fh.fileno())
        _swap_in([(Path(tmp), out / name) for name, tmp in temps])
    except BaseException:
        for _, tmp in temps:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        raise
    _fsync_dir(out)
    return [out / name for name in contents]


def path_problem(path: str | os.PathLike, folder: bool = False) -> str | None:
    """Why `path` cannot be written as a file (or, with folder=True, used as a
    folder of outputs), or None: a folder where a file is wanted, a file where a
    folder is wanted, or a file in the way of one of its parent folders."""
    if str(path) == STDOUT:
        return None
    target = Path(path)
    if target.is_dir() and not folder:
        return "is a folder; give a file name"
    if target.exists() and not target.is_dir() and folder:
        return "is a file, not a folder; give a folder name"
    for parent in target.parents:
        if parent.exists() or parent.is_symlink():
            if not parent.is_dir():
                return f"{parent} is a file, not a folder"
            break
    return None


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that `finally`/`except BaseException` clean-ups run."""

    def __init__(self, signum: int = signal.SIGTERM):
        super().__init__(f"terminated by signal {signum}")
        self.signum = signum


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """While inside, SIGTERM raises `Terminated` (a KeyboardInterrupt) in the main thread;
    a second SIGTERM during the clean-up is ignored. Only in the main thread (elsewhere
    Python cannot set handlers); the previous handler is restored on exit."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    fired = False

    def handler(signum, frame):
        nonlocal fired
        if not fired:
            fired = True
            raise Terminated(signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _swap_in(pairs: list[tuple[Path, Path]]) -> None:
    """Rename each new file onto its target, all or none: a folder in the way of a target
    fails before anything moves; the old files are moved aside (into a temporary folder
    beside the first target) and put back if a rename fails."""
    for _, target in pairs:
        if target.is_dir() and not target.is_symlink():
            raise IsADirectoryError(errno.EISDIR, "a folder is in the way of the file", str(target))
    if not pairs:
        return
    backup = Path(tempfile.mkdtemp(dir=pairs[0][1].parent, prefix=".old.", suffix=".tmp"))
    moved: list[Path] = []   # targets whose old file is in backup
    placed: list[Path] = []  # targets that hold the new file
    try:
        for i, (new, target) in enumerate(pairs):
            if os.path.lexists(target):
                os.replace(target, backup / str(i))
                moved.append(target)
            os.replace(new, target)
            placed.append(target)
    except BaseException:
        for target in placed:
            with contextlib.suppress(OSError):
                os.unlink(target)
        for i, (_, target) in enumerate(pairs):
            if target in moved:
                with contextlib.suppress(OSError):
                    os.replace(backup / str(i), target)
        raise
    finally:
        shutil.rmtree(backup, ignore_errors=True)


def atomic_replace_folder(folder: str | os.PathLike, contents: Mapping[str, Content],
                          binary: Collection[str] = (), encoding: str = "utf-8",
                          mode: int | None = None) -> list[Path]:
    """Write the files of `contents` into `folder` all-or-nothing; return their paths.

    Everything is written (and fsync'ed) into a temporary folder beside `folder`
    first — any failure there leaves `folder` untouched — and then swapped in
    (`_swap_in`): on any exception the old files stay byte-identical. Other files
    in `folder` are left alone.
    """
    out = Path(folder)
    problem = path_problem(out, folder=True)
    if problem:
        raise NotADirectoryError(errno.ENOTDIR, problem, str(out))
    out.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp"))
    try:
        atomic_write_files(stage, contents, binary, encoding, mode)
        _swap_in([(stage / name, out / name) for name in contents])
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    _fsync_dir(out)
    return [out / name for name in contents]
