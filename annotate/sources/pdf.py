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
import warnings
from pathlib import Path

# pypdf logs what it repairs or cannot read ("EOF marker not found", odd xrefs) on its own logger:
# a bad file gets one line from the readers (SourceError), not a trail of library messages.
logging.getLogger("pypdf").setLevel(logging.CRITICAL + 1)

MAX_PAGES = 2000   # a longer PDF is a book, not an article: refused rather than read for minutes


class PdfError(Exception):
    """A .pdf file that cannot be read as text; the message says why."""


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
    text = "\n\n".join(p for p in pages if p.strip())
    if not any(ch.isalnum() for ch in text):
        raise PdfError("the PDF has no text layer (a scanned image: run OCR on it first)")
    return text + "\n"
