"""Clean text → source text: where each character of a Document's text stands in the
text it was read from (annotate.sources.read_string).

A reader drops lines (a byline, a page number), collapses whitespace and removes
markup, but keeps every other character in order and records the source line of
each run of text (Document.line_map). So each clean character is looked for in
its own source line, left to right, never before the one found last: one pass,
linear in both texts. A character that the reader made up or changed (an HTML
entity decoded) is not found; a few such are left unmapped, more give up.
"""
from __future__ import annotations

import re

from ..document import Document

# A reader that changed more characters than this did not copy its text: give up on it.
MAX_MISSES = 32
_BREAK = re.compile(r"\r\n|\r|\n")


def _lines(source: str) -> list[tuple[int, int]]:
    """(start, end) of each line of `source`, line breaks as read_text counts them."""
    out, pos = [], 0
    for m in _BREAK.finditer(source):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(source)))
    return out


def source_offsets(document: Document, source: str) -> list[int | None] | None:
    """For each offset of document.text, the offset of the same character in `source`
    (None for whitespace the reader put in, or a character it changed); None when the
    text cannot be found there."""
    text, lines = document.text, _lines(source)
    line_map = sorted(document.line_map) or [(0, 1)]
    out: list[int | None] = []
    k, j, misses = 0, 0, 0
    for i, ch in enumerate(text):
        while k + 1 < len(line_map) and line_map[k + 1][0] <= i:
            k += 1
        line = line_map[k][1]
        if not 1 <= line <= len(lines):
            return None
        lo, hi = lines[line - 1]
        j = max(j, lo)
        if ch.isspace():
            if j < hi and source[j] == ch:
                out.append(j)
                j += 1
            else:
                out.append(None)
            continue
        found = source.find(ch, j, hi)
        if found < 0:
            misses += 1
            if misses > MAX_MISSES:
                return None
            out.append(None)
            continue
        out.append(found)
        j = found + 1
    return out


def source_span(offsets: list[int | None], text: str, start: int, end: int) -> tuple[int, int] | None:
    """(start, end) in the source of text[start:end], or None when a character of it
    (other than whitespace) has no place there. Markup between its characters (`**`,
    a tag) is inside the source span, as the source shows it."""
    if not 0 <= start < end <= len(offsets):
        return None
    if any(offsets[i] is None and not text[i].isspace() for i in range(start, end)):
        return None
    s, e = offsets[start], offsets[end - 1]
    if s is None or e is None:
        return None
    return s, e + 1
