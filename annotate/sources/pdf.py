"""PDF files → plain text for the plain-text reader.

pypdf (a maintained, pure-Python PDF library) extracts each page's text layer; the pages are
joined by a blank line, as a PDF's text is usually saved. What a PDF's text looks like is what the
plain-text reader already reads: lines hard-wrapped at the column's width (a paragraph ends at a
narrower line), a blank line at a page break inside a paragraph, page numbers and running heads
between pages (the seed article was extracted from a magazine's PDF). A PDF with no text layer (a
scan) or one that cannot be opened fails with one line saying so; it is never read as empty.
"""
from __future__ import annotations

import logging
import re
import warnings
from collections import Counter
from pathlib import Path

# pypdf logs what it repairs or cannot read ("EOF marker not found", odd xrefs) on its own logger:
# a bad file gets one line from the readers (SourceError), not a trail of library messages.
logging.getLogger("pypdf").setLevel(logging.CRITICAL + 1)

MAX_PAGES = 2000   # a longer PDF is a book, not an article: refused rather than read for minutes


class PdfError(Exception):
    """A .pdf file that cannot be read as text; the message says why."""


_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–·]\s*)?(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[-—–·])?\s*$")
FURNITURE_MIN_PAGES = 3   # a first or last line on this many pages at least is a running head or foot


def _without_furniture(pages: list[str]) -> list[str]:
    """Each page's text without its page number and the running head or foot that recurs on
    several pages: what sits between the pages of a paragraph, so that the plain-text reader sees
    the paragraph's lines run on across the page break (a blank line after a full-width line)."""
    split = [p.split("\n") for p in pages]
    edges = Counter()
    for lines in split:
        ends = {lines[0].strip(), lines[-1].strip()} if lines else set()
        edges.update(e for e in ends if e and not _PAGE_NUMBER.match(e))
    recurring = {e for e, n in edges.items() if n >= FURNITURE_MIN_PAGES}
    out = []
    for lines in split:
        for end in (0, -1):   # the top, then the bottom: a number and a running line, in either order
            for _ in range(2):
                if lines and (_PAGE_NUMBER.match(lines[end]) or lines[end].strip() in recurring):
                    lines.pop(end)
        out.append("\n".join(lines))
    return out


def pdf_to_text(path: str | Path) -> str:
    """The text layer of a PDF, page after page, pages apart by a blank line."""
    import pypdf
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = pypdf.PdfReader(str(path))
            if reader.is_encrypted:
                raise PdfError("the PDF is encrypted")
            n = len(reader.pages)
            if n > MAX_PAGES:
                raise PdfError(f"the PDF has {n} pages (limit {MAX_PAGES})")
            pages = [(page.extract_text() or "").strip("\n") for page in reader.pages]
    except PdfError:
        raise
    except Exception as e:   # (a malformed file raises many kinds inside pypdf: one line, whatever the kind)
        raise PdfError(f"not a readable PDF: {e.__class__.__name__}") from None
    text = "\n\n".join(p for p in _without_furniture(pages) if p.strip())
    if not any(ch.isalnum() for ch in text):
        raise PdfError("the PDF has no text layer (a scanned image: run OCR on it first)")
    return text + "\n"
