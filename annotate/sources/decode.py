"""Bytes → text: size limit, binary sniffing, UTF-8 (± BOM) / UTF-16 (BOM) / GB18030."""
from __future__ import annotations

import codecs
import os
from pathlib import Path

MB = 1024 * 1024
ENCODINGS = ("utf-8", "gb18030")
_CONTROL_OK = {9, 10, 12, 13, 27}


class DecodeError(Exception):
    """A reason, without the path (the caller wraps it in SourceError)."""


def _looks_binary(data: bytes) -> bool:
    """A NUL byte anywhere (one linear scan, memchr), or many control bytes in the first 64 KiB."""
    if b"\0" in data:
        return True
    head = data[:65536]
    controls = sum(1 for b in head if b < 32 and b not in _CONTROL_OK)
    return controls > max(8, len(head) // 20)


def read_text(path: Path, max_bytes: int) -> str:
    """The file's text with LF line ends. Refuses large files before reading them."""
    size = os.stat(path).st_size
    if size > max_bytes:
        raise DecodeError(f"file too large ({size / MB:.1f} MB > {max_bytes / MB:g} MB)")
    return decode_bytes(path.read_bytes())


def decode_bytes(data: bytes) -> str:
    """Bytes of a text (a file's, or a part of a package's: an EPUB chapter) as text with LF line ends."""
    if not data.strip():
        raise DecodeError("empty file")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # UTF-16 has NUL bytes everywhere; only trust it with a BOM
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise DecodeError(f"cannot decode as utf-16 (BOM present): {e.reason}") from None
        if "\0" in text:  # U+0000 is no text character either
            raise DecodeError("binary file, not text (NUL character)")
    else:
        if _looks_binary(data):
            raise DecodeError("binary file, not text")
        text = _decode(data)
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DecodeError("empty file")
    return text


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    for enc in ENCODINGS:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise DecodeError(f"cannot decode text (tried {', '.join(ENCODINGS)})")
