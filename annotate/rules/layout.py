"""The outline the rules read: blocks (headings, paragraphs), bold runs, sentences.

Built from a reader's Document, or, for a bare string handed to a spaCy
pipeline, guessed from the text itself (blank-line paragraphs, short
unpunctuated lines as headings).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from annotate.document import HEADING, PARAGRAPH, SUBHEADING, TITLE, Document
from annotate.rules.text import FINAL_PUNCT, split_sentences, strip_span


@dataclass
class Block:
    kind: str
    start: int
    end: int
    bold: list[tuple[int, int]] = field(default_factory=list)
    sentences: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Layout:
    text: str
    blocks: list[Block]
    kind: str = "article"  # or "fragment": its spans support nothing

    def paragraphs(self):
        return [b for b in self.blocks if b.kind == PARAGRAPH]

    def to_data(self) -> list:
        """Plain lists (msgpack-safe, so a Doc carrying it still serialises)."""
        return [self.kind, [[b.kind, b.start, b.end, [list(x) for x in b.bold], [list(x) for x in b.sentences]]
                            for b in self.blocks]]

    @classmethod
    def from_data(cls, text: str, data: list) -> "Layout":
        kind, blocks = data
        return cls(text, [Block(k, s, e, [tuple(x) for x in bold], [tuple(x) for x in sents])
                          for k, s, e, bold, sents in blocks], kind)


def with_sentences(text: str, block: Block) -> Block:
    if block.kind == PARAGRAPH:
        block.sentences = split_sentences(text, block.start, block.end)
    else:
        block.sentences = [(block.start, block.end)]
    return block


def layout_from_document(document: Document) -> Layout:
    blocks = []
    for b in document.blocks:
        start, end = b.claim if (b.kind == TITLE and b.claim) else (b.start, b.end)
        blocks.append(with_sentences(document.text, Block(b.kind, start, end, list(b.bold))))
    return Layout(document.text, blocks, document.kind)


_SUBHEADING = re.compile(r"^(?:[（(][一二三四五六七八九十]+[）)]|\d{1,2}[.．、]\s*\S)")


def layout_from_text(text: str) -> Layout:
    """Guess the outline of plain text: one block per blank-line-separated chunk."""
    blocks = []
    for m in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text):
        start, end = strip_span(text, m.start(), m.end())
        if end <= start:
            continue
        chunk = text[start:end]
        if "\n" not in chunk and len(chunk) <= 40 and chunk[-1] not in FINAL_PUNCT + "”":
            if _SUBHEADING.match(chunk):
                kind = SUBHEADING
            elif not blocks:
                kind = TITLE
            else:
                kind = HEADING
        else:
            kind = PARAGRAPH
        blocks.append(with_sentences(text, Block(kind, start, end)))
    return Layout(text, blocks)
