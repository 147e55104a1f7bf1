"""Articles built in memory for the linear-time test and the prelabel benchmark (not a test module)."""
from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def seed_pieces() -> list[tuple[str, str, list[tuple[int, int]]]]:
    """(kind, text, bold runs relative to the block) of every block of the seed corpus."""
    from annotate.sources import read_file

    out = []
    for path in sorted((REPO / "corpus").glob("*.md")):
        for doc in read_file(path):
            for b in doc.blocks:
                out.append((b.kind, doc.text[b.start:b.end], [(s - b.start, e - b.start) for s, e in b.bold]))
    return out


def big_article(mb: float, pieces=None):
    """One Document of about `mb` MB (UTF-8): the seed's headings and paragraphs over and over."""
    from annotate.document import Block, Document

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
