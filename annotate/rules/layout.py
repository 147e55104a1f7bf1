"""The outline the rules read: the reader's blocks (annotate.document.Block) and their sentences.

There is one outline model, the reader's `Document.blocks`; this module adds
what the rules need beside it (each block's sentences, the article's kind) and,
for a bare string handed to a spaCy pipeline, guesses blocks from the text itself
(blank-line paragraphs, short unpunctuated lines as headings).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from annotate.document import HEADING, PARAGRAPH, SUBHEADING, TITLE, Block, Document
from annotate.punctuation import GUESSED_SUBHEADING_NUMBER
from annotate.rules.text import FINAL_PUNCT, split_sentences, strip_span, trim_markers


def claim_span(block: Block) -> tuple[int, int]:
    """The part of a block that can be a span: a title without its column tag, else the block."""
    return block.claim if (block.kind == TITLE and block.claim) else (block.start, block.end)


def block_sentences(text: str, block: Block) -> list[tuple[int, int]]:
    if block.kind == PARAGRAPH:
        return split_sentences(text, block.start, block.end)
    s, e = trim_markers(text, *claim_span(block))   # (a title's footnote marker is no part of it)
    return [(s, e)] if e > s else [claim_span(block)]


@dataclass
class Layout:
    text: str
    blocks: list[Block]
    kind: str = "article"  # or "fragment": its spans support nothing
    sentences: list[list[tuple[int, int]]] = field(default_factory=list)  # per block, same order

    def __post_init__(self):
        if len(self.sentences) != len(self.blocks):
            self.sentences = [block_sentences(self.text, b) for b in self.blocks]

    def paragraphs(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == PARAGRAPH]

    def to_data(self) -> list:
        """Plain lists (msgpack-safe, so a Doc carrying it still serialises)."""
        return [self.kind, [[b.kind, b.start, b.end, b.line, [list(x) for x in b.bold],
                             list(b.claim) if b.claim else None, [list(x) for x in sents]]
                            for b, sents in zip(self.blocks, self.sentences)]]

    @classmethod
    def from_data(cls, text: str, data: list) -> "Layout":
        kind, rows = data
        blocks, sentences = [], []
        for k, s, e, line, bold, claim, sents in rows:
            blocks.append(Block(k, s, e, line, [tuple(x) for x in bold], tuple(claim) if claim else None))
            sentences.append([tuple(x) for x in sents])
        return cls(text, blocks, kind, sentences)


def layout_from_document(document: Document) -> Layout:
    return Layout(document.text, list(document.blocks), document.kind)


_SUBHEADING = re.compile("^" + GUESSED_SUBHEADING_NUMBER)


def layout_from_text(text: str) -> Layout:
    """Guess the outline of plain text: one block per blank-line-separated chunk."""
    blocks = []
    line, counted = 1, 0
    for m in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text):
        start, end = strip_span(text, m.start(), m.end())
        if end <= start:
            continue
        chunk = text[start:end]
        # (a line closed by a colon announces what follows: a paragraph, no heading)
        if "\n" not in chunk and len(chunk) <= 40 and chunk[-1] not in FINAL_PUNCT + "”：:":
            if _SUBHEADING.match(chunk):
                kind = SUBHEADING
            elif not blocks:
                kind = TITLE
            else:
                kind = HEADING
        else:
            kind = PARAGRAPH
        line += text.count("\n", counted, start)  # counted incrementally: linear in the text
        counted = start
        blocks.append(Block(kind, start, end, line))
    return Layout(text, blocks)
