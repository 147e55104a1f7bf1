"""Atomic file writes: a reader sees the old file or the whole new one, never half.

The content goes to a temporary file in the target's folder, is fsync'ed and
then renamed over the target (os.replace). If anything fails on the way —
an exception, Ctrl-C — the temporary file is removed and a previous file is
left untouched. The path "-" means standard output (no atomicity there).
"""
from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path
from typing import IO, Any, Callable, Iterator, Union

STDOUT = "-"

Content = Union[str, bytes, Callable[[IO[Any]], Any]]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike, binary: bool = False,
                encoding: str = "utf-8") -> Iterator[IO[Any]]:
    """`with atomic_open(path) as fh: fh.write(...)` — renamed into place on a clean exit.

    Text mode (UTF-8, no newline translation) unless binary=True. For "-" the
    handle is sys.stdout (or its buffer), flushed but not closed.
    """
    if str(path) == STDOUT:
        out = sys.stdout.buffer if binary else sys.stdout
        yield out
        out.flush()
        return

    target = Path(path)
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    fh = None
    try:
        # mkstemp makes 0600; give the result the old file's mode or the usual default.
        try:
            mode = os.stat(target).st_mode & 0o7777
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
        os.fchmod(fd, mode)
        if binary:
            fh = os.fdopen(fd, "wb")
        else:
            fh = os.fdopen(fd, "w", encoding=encoding, newline="")
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
    # Make the rename itself durable (best effort: not every filesystem allows it).
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def atomic_write(path: str | os.PathLike, content: Content, encoding: str = "utf-8") -> None:
    """Write `content` to `path` atomically.

    `content` is a str (written as `encoding`), bytes, or a function that is
    given an open text-mode file handle and writes to it.
    """
    if isinstance(content, (bytes, bytearray, memoryview)):
        with atomic_open(path, binary=True) as fh:
            fh.write(content)
    elif isinstance(content, str):
        with atomic_open(path, encoding=encoding) as fh:
            fh.write(content)
    elif callable(content):
        with atomic_open(path, encoding=encoding) as fh:
            content(fh)
    else:
        raise TypeError(f"atomic_write: content must be str, bytes or a callable, not {type(content).__name__}")
