"""The document model shared by the readers (annotate.sources) and the rules.

A `Document` is one article (or one fragment between articles) in clean text:
headings on their own lines, paragraphs separated by one blank line, markup
removed. Everything downstream (spaCy Doc, Label Studio task, exports) uses
Python code-point offsets into `Document.text`.
"""
from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass, field
from typing import Callable

# Block kinds, in the order of the outline.
TITLE = "title"          # an article title line (a title set on two lines = two blocks)
HEADING = "heading"      # a top-level section heading (一、…, ## …, bold/bare heading line)
SUBHEADING = "subheading"  # a second-level heading ((一)…, 1. …)
PARAGRAPH = "paragraph"
# Editorial matter kept in the text so the reader sees the article as printed (an editor's
# note signed ——编者, a pull-quote line, an editor's box that copies a body paragraph);
# no rule annotates it.
NOTE = "note"
BLOCK_KINDS = (TITLE, HEADING, SUBHEADING, PARAGRAPH, NOTE)


@dataclass
class Block:
    """One heading line or paragraph of the clean text."""

    kind: str                 # one of BLOCK_KINDS
    start: int                # offsets into Document.text of the block's content
    end: int
    line: int                 # 1-based line in the source file where the block starts
    bold: list[tuple[int, int]] = field(default_factory=list)  # bold runs, absolute offsets
    # A title's column tag (【学思践悟】, （人民要论）) is kept in the text but is not part of
    # the CLAIM: (start, end) of the part of the heading that is the claim itself.
    claim: tuple[int, int] | None = None


@dataclass
class Document:
    text: str
    source: str               # the source's name as scored and shown (file base name or front-matter `source`)
    path: str                 # the file as given on the command line
    index: int = 0            # ordinal of this article within its file
    kind: str = "article"     # "article" or "fragment" (text between an author note and the next title)
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    author_note: str | None = None
    column: str | None = None
    blocks: list[Block] = field(default_factory=list)
    # Sorted (clean offset, source line) pairs: the source line of offset o is the
    # line of the last pair whose offset is <= o.
    line_map: list[tuple[int, int]] = field(default_factory=list)
    meta: dict = field(default_factory=dict)  # anything else a reader found (front matter, …)

    @property
    def doc_id(self) -> str:
        """Stable across runs and machines: the source name and the exact text."""
        h = hashlib.sha256(f"{self.source}\0{self.text}".encode("utf-8")).hexdigest()
        return h[:16]

    def source_line(self, offset: int) -> int | None:
        return line_lookup(self.line_map)(offset)


def line_lookup(line_map) -> "Callable[[int], int | None]":
    """offset -> source line for a line map of sorted (clean offset, line) pairs (the
    line of the last pair whose offset is <= the offset). The map is parsed once; a
    missing or malformed map (e.g. from a hand-edited task) gives None everywhere."""
    try:
        pairs = [(int(a), int(b)) for a, b in line_map or ()]
    except (TypeError, ValueError):
        pairs = []
    if not pairs:
        return lambda offset: None
    keys = [a for a, _ in pairs]

    def line(offset: int) -> int | None:
        return pairs[max(bisect.bisect_right(keys, offset) - 1, 0)][1]

    return line
