"""Linear time in the rules, the outline and the Doc builder (issue 7: a paragraph repeated
32k times took 169 s, quadratic in find_directives).

One generous check, not a benchmark: a ≈9.5 MB article may take at most 12x a ≈1 MB one
(linear is ≈9.5x; a quadratic step gives ≈90x). tests/bench_prelabel.py --scaling prints
the figures for 1, 2, 4, 8 MB.
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from annotate.document import Block, Document
from annotate.pipeline import annotate_document
from annotate.sources import read_file
from annotate.tasks import to_task

REPO = Path(__file__).resolve().parents[1]


def seed_pieces() -> list[tuple[str, str, list[tuple[int, int]]]]:
    """(kind, text, bold runs relative to the block) of every block of the seed corpus."""
    out = []
    for path in sorted((REPO / "corpus").glob("*.md")):
        for doc in read_file(path):
            for b in doc.blocks:
                out.append((b.kind, doc.text[b.start:b.end], [(s - b.start, e - b.start) for s, e in b.bold]))
    return out


def big_article(mb: float, pieces=None) -> Document:
    """One article of about `mb` MB (UTF-8): the seed's headings and paragraphs over and over."""
    pieces = pieces or seed_pieces()
    title = "发展新质生产力是推动高质量发展的内在要求和重要着力点"
    parts, blocks, pos, size, i = [title], [Block("title", 0, len(title), 1)], len(title), 0, 0
    target = int(mb * 1_000_000)
    while size < target:
        kind, text, bold = pieces[i % len(pieces)]
        i += 1
        kind = "heading" if kind == "title" else kind
        parts.append("\n\n" + text)
        start = pos + 2
        blocks.append(Block(kind, start, start + len(text), i + 1, [(start + s, start + e) for s, e in bold]))
        pos = start + len(text)
        size += len(text.encode("utf-8")) + 2
    text = "".join(parts)
    return Document(text=text, source="big.md", path="big.md", title=title, blocks=blocks,
                    line_map=[(b.start, b.line) for b in blocks])


def seconds(nlp, document: Document) -> float:
    t0 = time.perf_counter()
    task = to_task(document, annotate_document(nlp, document))
    elapsed = time.perf_counter() - t0
    assert task["predictions"][0]["result"]  # it did annotate
    return elapsed


@pytest.mark.model
def test_a_ten_times_longer_article_takes_at_most_twelve_times_as_long(nlp):
    pieces = seed_pieces()
    small, large = big_article(0.95, pieces), big_article(9.5, pieces)
    seconds(nlp, big_article(0.05, pieces))  # warm-up
    t_small = seconds(nlp, small)
    t_large = seconds(nlp, large)
    ratio = t_large / t_small
    assert ratio <= 12, f"1 MB: {t_small:.1f} s, 9.5 MB: {t_large:.1f} s, ratio {ratio:.1f} (linear ≈ 10)"
