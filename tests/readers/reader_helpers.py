"""Shared checks for the reader tests (a helpers module, not a test module)."""
from __future__ import annotations

from pathlib import Path

from annotate.document import BLOCK_KINDS, Document
from annotate.sources import read_file


def read(tmp_path: Path, text: str, name: str = "a.md") -> list[Document]:
    """The Documents of `text` written to tmp_path/name, each checked for the invariants."""
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    docs = read_file(p)
    for d in docs:
        check_invariants(d)
    return docs


def outline(doc: Document) -> list[tuple[str, str]]:
    return [(b.kind, doc.text[b.start:b.end]) for b in doc.blocks]


def check_invariants(doc: Document) -> None:
    """What every Document from annotate.sources promises."""
    text = doc.text
    assert text and text == text.strip()
    assert "\n\n\n" not in text
    for line in text.split("\n"):
        assert line == line.strip()
    assert doc.blocks
    # blocks tile the text, in order, separated by exactly one blank line
    assert "\n\n".join(text[b.start:b.end] for b in doc.blocks) == text
    for b in doc.blocks:
        assert b.kind in BLOCK_KINDS
        assert "\n" not in text[b.start:b.end]
        assert doc.source_line(b.start) == b.line
        for s, e in b.bold:
            assert b.start <= s < e <= b.end
        if b.claim is not None:
            assert b.kind == "title" and b.start <= b.claim[0] < b.claim[1] <= b.end
    offsets = [o for o, _ in doc.line_map]
    assert offsets == sorted(offsets) and offsets[0] == 0
    assert all(line >= 1 for _, line in doc.line_map)
    if doc.kind == "fragment":
        assert doc.title is None and not any(b.kind == "title" for b in doc.blocks)
