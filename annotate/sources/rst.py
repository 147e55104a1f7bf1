"""reStructuredText (.rst, and a .txt that is reStructuredText) → an HTML fragment for the HTML reader.

docutils, the reference implementation of the format, parses the text and writes its body as HTML:
the document title (a lone top-level heading) as `<h1>`, sections as `<h2>`…, `**strong**` as
`<strong>`, links `` `text <url>`__ `` as their text, lists, block quotes, and escapes (`\\ `) gone.
What the HTML reader then does (titles, bylines, leads, notes) is as for any page. Nothing is read
from outside the text: file insertion (`include`, `csv-table :file:`) and raw HTML are off, and the
parser's messages are silenced (a malformed construct stays as text). A source line is a line of the
HTML fragment the text becomes, one block a line or so, not of the .rst file.

    looks_like_rst(text) -> bool    a .txt holding reStructuredText markup (read as such)
    rst_to_html(text) -> str
"""
from __future__ import annotations

import io
import re

from .patterns import matches_at_least
from .plaintext import is_adornment

# reStructuredText's own marks: a hyperlink `text <url>`_ / `text`__, a directive `.. name::`, an
# interpreted role :role:`…`, a field list line :field: value, a substitution |name| defined by `.. |name|`
_RST_MARKS = re.compile(r"`[^`\n]+<[^<>\n]+>`__?|^\.\. [\w-]+::|:[\w-]+:`[^`\n]+`|^\.\. \|[^|\n]+\|", re.M)
RST_MIN_MARKS = 2


class RstError(Exception):
    """Text that docutils could not turn into HTML; the message says why."""


def looks_like_rst(text: str) -> bool:
    """Underlined headings and reStructuredText's own marks (links `…<…>`__, directives, roles):
    RST_MIN_MARKS of those marks at least, with a heading underlined."""
    if not matches_at_least(_RST_MARKS, text, RST_MIN_MARKS):
        return False
    # (a title or section heading set as reStructuredText sets it: a line over a line of one punctuation mark)
    lines = text.split("\n")
    return any(above[:1].strip() and is_adornment(line) for above, line in zip(lines, lines[1:]))


def rst_to_html(text: str) -> str:
    """The text's body as an HTML fragment, its document title (if any) as an <h1> line on top."""
    try:
        from docutils.core import publish_parts
    except ImportError as e:   # a broken install: one line, as for any unreadable source
        raise RstError(f"docutils is not installed ({e})") from None
    settings = {
        "file_insertion_enabled": False, "raw_enabled": False,   # nothing from outside the text
        "report_level": 5, "halt_level": 5, "warning_stream": io.StringIO(),   # no messages, no exceptions
        "input_encoding": "unicode", "doctitle_xform": True, "syntax_highlight": "none",
        "_disable_config": True,   # (no docutils.conf from the user's folders)
    }
    try:
        parts = publish_parts(source=text, writer_name="html5", settings_overrides=settings)
    except Exception as e:   # noqa: BLE001 — a third-party parser on any input
        raise RstError(f"not readable as reStructuredText: {type(e).__name__}") from None
    title = parts.get("title") or ""
    return (f"<h1>{title}</h1>\n" if title else "") + parts.get("body", "")
