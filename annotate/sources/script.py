"""Traditional script in the readers: read the shadow, give back the text as written.

The readers' patterns (bylines and their surnames, 来源/责任编辑 lines, 编者按, photo
captions, headings that open with 第…) are written for simplified script, as are the rules.
A source in traditional script is read as its shadow (annotate.shadow: one character for one,
「」 as “”), and each Document the readers make of it gets its characters back from the source:
every character of its text is found in its own source line (annotate.sources.align, the
same search the ML backend uses), so the Document's text is the source's own characters
with the reader's cuts, and every offset, block and line stays as the shadow's reading made
it (the shadow has the source's length and lines). Its title, authors and other metadata are
given back alike: found in the Document's text, else character by character with the pairs
the source shows (its 劉 read as 刘: 刘 → 劉; back_map).

When a Document's characters cannot be placed in the source (a reader that made up more than
a few of them), the caller reads the source as it is instead.
"""
from __future__ import annotations

from collections import Counter

from ..document import Document
from .align import source_offsets

MAX_META_DEPTH = 4


def back_map(source: str, shadow_source: str) -> dict[str, str]:
    """shadow character → the source character it stands for most often."""
    pairs: dict[str, Counter] = {}
    for orig, ch in zip(source, shadow_source):
        if orig != ch:
            pairs.setdefault(ch, Counter())[orig] += 1
    return {ch: c.most_common(1)[0][0] for ch, c in pairs.items()}


def restore(doc: Document, source: str, shadow_source: str, back: dict[str, str]) -> Document | None:
    """`doc`, read from `shadow_source`, with the characters of `source` (same length) put
    back (`back`: back_map of the two); None when its text cannot be placed in the source."""
    offsets = source_offsets(doc, shadow_source)
    if offsets is None:
        return None
    read = doc.text
    text = "".join(source[o] if o is not None else ch for ch, o in zip(read, offsets))

    def as_written(value, depth: int = 0):
        if isinstance(value, str):
            at = read.find(value) if value else -1
            if at >= 0:
                return text[at:at + len(value)]
            return "".join(back.get(c, c) for c in value)
        if depth >= MAX_META_DEPTH:
            return value
        if isinstance(value, list):
            return [as_written(v, depth + 1) for v in value]
        if isinstance(value, dict):
            return {k: as_written(v, depth + 1) for k, v in value.items()}
        return value

    doc.text = text
    doc.title = as_written(doc.title) if doc.title else doc.title
    doc.authors = [as_written(a) for a in doc.authors]
    doc.author_note = as_written(doc.author_note) if doc.author_note else doc.author_note
    doc.column = as_written(doc.column) if doc.column else doc.column
    doc.meta = as_written(doc.meta)
    return doc
