"""Readers: source files (Markdown, reStructuredText, HTML, plain text, data records, SQL dumps, Word documents, PDFs,
EPUB e-books) → Documents.

    read_file(path) -> list[Document]          one per article or fragment, in file order
    read_string(text, name) -> list[Document]  the same for text that is not in a file (format sniffed)
    iter_source_files(paths, on_error) -> Iterator[Path]  files as given + source files under folders
    SourceError                                  path, reason; str(e) == "path: reason"
    display_path(path) -> str                    a path as printable text (invalid UTF-8 as \\xNN)
"""
from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..document import TITLE, Document
from . import docx as _docx
from . import epub as _epub
from . import html as _html
from . import markdown as _markdown
from . import pdf as _pdf
from . import plaintext as _plaintext
from . import rst as _rst
from . import sqldump as _sqldump
from .articles import build
from .decode import DecodeError, read_text
from .escaped import unescape_text
from .records import holds_records, read_records, why_not_records
from .script import back_map, restore
from ..shadow import read_through_shadow
from .patterns import banner_core, byline_names, matches_at_least, title_tag

__all__ = ["read_file", "read_string", "iter_source_files", "SourceError", "SUFFIXES", "MAX_BYTES", "display_path"]

SUFFIXES = (".md", ".markdown", ".rst", ".html", ".htm", ".txt", ".json", ".sql", ".docx", ".pdf", ".epub")
MAX_BYTES = 10 * 1024 * 1024   # larger files are refused before they are read

_PARSERS = {".md": _markdown, ".markdown": _markdown, ".html": _html, ".htm": _html,
            ".txt": _plaintext}


class SourceError(Exception):
    """A source file that cannot be read; one line naming the file and the reason."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = display_path(path)
        self.reason = " ".join(str(reason).split())
        super().__init__(self.path, self.reason)   # picklable: args rebuild the error

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def sniff_parser(text: str):
    """The reader for text of unknown format: HTML when it opens like a page or has a
    <p>, Markdown when it opens with front matter or a # heading, else plain text."""
    head = text.lstrip()[:2000].lower()
    if head.startswith(("<!doctype html", "<html")) or "<p>" in head or "<p " in head:
        return _html
    if head.startswith("---\n") or head.startswith("#"):
        return _markdown
    return _plaintext


# Block-level tags in a text file: a dump that kept its HTML (a feed item's body: <p>…</p><p>…</p>
# on one line, a <script>). Three of them at least make it a page to read as HTML.
_MARKUP_TAG = re.compile(r"</?(?:p|br|div|section|article|h[1-6]|script|blockquote|li)(?:\s[^<>]{0,200})?/?>", re.I)
MARKUP_MIN_TAGS = 3


def holds_markup(text: str) -> bool:
    return matches_at_least(_MARKUP_TAG, text, MARKUP_MIN_TAGS)


# Markdown syntax anywhere: a heading, list, quote, fence, rule or table line, emphasis, a link or
# image, an HTML tag. A `.md` file with none of it is plain text under another name (a corpus saved
# as .md): read as text, its line structure (a hard wrap, a title line over the body) counts.
_MARKDOWN_SYNTAX = re.compile(r"^ {0,3}(?:#{1,6}(?:\s|$)|[-*+]\s|\d{1,3}[.)]\s|>|```|~~~|[-*_=]{3,}\s*$|\|)"
                              r"|\*\*|__|\]\(|<[A-Za-z/!]", re.M)


def holds_markdown(text: str) -> bool:
    return _MARKDOWN_SYNTAX.search(text) is not None


def _parser_for(path: Path, text: str):
    # a file named explicitly with another suffix: sniff it
    parser = _PARSERS.get(path.suffix.lower()) or sniff_parser(text)
    if parser is _markdown and not holds_markdown(text):
        parser = _plaintext
    return _html if parser is _plaintext and holds_markup(text) else parser


def _source_name(own: str, meta: dict) -> str:
    """The name the document is scored and shown under: its own name (the file's), or the
    front matter's `source` when that names the same document in another format
    (000_x.md holding `source: 000_x.txt`, as the seed does). Any other `source`
    (an outlet, a site, another work's file name) stays in the metadata."""
    given = str(meta.get("source", "") or "").strip()
    if given and (not own or (Path(given).stem == Path(own).stem and Path(given).suffix.lower() in SUFFIXES)):
        meta.pop("source")
        return given
    return own


def _names(value) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [n for n in str(value).replace("、", " ").replace(",", " ").replace("，", " ").split() if n]


def read_file(path: str | Path) -> list[Document]:
    """The articles and fragments of one source file, in file order."""
    p = Path(path)
    try:
        if not stat.S_ISREG(os.stat(p).st_mode):
            raise SourceError(path, "not a regular file")
        if p.suffix.lower() in (".docx", ".pdf", ".epub"):
            return _packaged_documents(p, path)
        text = read_text(p, MAX_BYTES)
    except DecodeError as e:
        raise SourceError(path, str(e)) from None
    except OSError as e:
        missing = e.errno == errno.ENOENT and not os.path.islink(p)
        raise SourceError(path, "no such file" if missing else os_reason(e, p)) from None
    if p.suffix.lower() == ".sql":   # a site's database dump: the rows that hold articles
        try:
            return _record_documents(_sqldump.dump_records(text), path, display_path(p.name))
        except _sqldump.SqlDumpError as e:
            raise SourceError(path, str(e)) from None
    records = read_records(text)   # an article kept as a data record (JSON, a JS object literal)
    if records is not None:
        return _record_documents(records, path, display_path(p.name))
    if p.suffix.lower() == ".rst" or (p.suffix.lower() == ".txt" and _rst.looks_like_rst(text)):
        try:   # reStructuredText (a .txt that is: underlined headings and its own links or directives)
            return _documents(_html, _rst.rst_to_html(text), path, display_path(p.name))
        except _rst.RstError as e:
            raise SourceError(path, str(e)) from None
    if p.suffix.lower() == ".json":
        raise SourceError(path, why_not_records(text))
    text = unescape_text(text)   # a body pasted as a string literal: the text it encodes
    return _documents(_parser_for(p, text), text, path, display_path(p.name))


def _packaged_documents(p: Path, path) -> list[Document]:
    """A Word document (its body as the HTML reader's input, one paragraph per line:
    annotate.sources.docx), a PDF (its text layer as plain text, pages apart by a blank line:
    annotate.sources.pdf) or an EPUB e-book (each chapter read as a page: annotate.sources.epub)."""
    size = os.stat(p).st_size
    if size > MAX_BYTES:
        raise SourceError(path, f"file too large ({size / 2**20:.1f} MB > {MAX_BYTES / 2**20:g} MB)")
    try:
        if p.suffix.lower() == ".pdf":
            return _documents(_plaintext, _pdf.pdf_to_text(p), path, display_path(p.name))
        if p.suffix.lower() == ".epub":
            return _book_documents(_epub.epub_chapters(p), path, display_path(p.name))
        return _documents(_html, _docx.docx_to_html(p), path, display_path(p.name))
    except (_docx.DocxError, _pdf.PdfError, _epub.EpubError) as e:
        raise SourceError(path, str(e)) from None


def _book_documents(chapters: list[tuple[str, str]], path, source: str) -> list[Document]:
    """The articles of an e-book, chapter after chapter (each read as a page of its own; its
    metadata `epub_item` names the chapter's file in the book, whose lines its line map counts).
    A chapter with no article text (a cover, a page with nothing but its title) gives none."""
    docs: list[Document] = []
    for item, text in chapters:
        try:
            found = _documents(_html, text, path, source, {"epub_item": item})
        except SourceError:
            continue
        for d in found:
            if all(b.kind == TITLE for b in d.blocks):
                continue   # (a cover page: its <title> is all the text it has)
            d.index = len(docs)
            docs.append(d)
    if not docs:
        raise SourceError(path, "no article text found in any chapter of the book")
    return docs


def _record_documents(records, path, source: str) -> list[Document]:
    """The articles of a file of data records, one record after another (each Document's lines
    count the lines of its record's text: the title line, then one block per paragraph)."""
    docs: list[Document] = []
    for record in records:
        text = unescape_text(record.text)
        parser = _html if holds_markup(text) else _markdown if holds_markdown(text) else _plaintext
        for d in _documents(parser, text, path, source, record.meta):
            d.index = len(docs)
            docs.append(d)
    return docs


def read_string(text: str, name: str = "") -> list[Document]:
    """The articles and fragments of `text` as `read_file` reads a file holding it, its
    format sniffed as for a file with an unknown suffix (sniff_parser); `name` is the
    source name. Line ends are normalised as for a file; the Documents' line maps
    count the lines of `text` (of its decoded text where a line held a body written as a
    string literal: annotate.sources.escaped). Raises SourceError(name, reason) when no article is found."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise SourceError(name, "empty text")
    text = unescape_text(text)
    return _documents(sniff_parser(text), text, name, name)


def _documents(parser, text: str, path: str | Path, default_source: str, fields: dict | None = None) -> list[Document]:
    """The Documents of `text`; a text in traditional script is read as its shadow (the
    readers' patterns are simplified script), its own characters put back (sources.script).
    `fields`: metadata given beside the text (a data record's fields)."""
    read = read_through_shadow(text)
    if read is not None:
        docs = _read_documents(parser, read, path, default_source, fields)
        back = back_map(text, read)
        placed = [restore(d, text, read, back) for d in docs]
        if all(d is not None for d in placed):
            return placed
    return _read_documents(parser, text, path, default_source, fields)


def _read_documents(parser, text: str, path: str | Path, default_source: str, fields: dict | None = None) -> list[Document]:
    meta, blocks = parser.parse(text)
    meta = {**(fields or {}), **meta}
    source = _source_name(default_source, meta)
    title = meta.pop("title", None)
    authors = _names(meta.pop("authors")) if "authors" in meta else None
    if "author" in meta:  # singular, as 人民日报 vault files have it (焦  捷  陆  毅: padded names)
        one = meta.pop("author")
        authors = authors or (byline_names(one) if isinstance(one, str) else None) or _names(one) or None
    column = None
    if title and str(title).strip():
        # the same cut as a title found in the text: （人民要论） is a column tag, not title
        title = " ".join(str(title).split())
        title = banner_core(title) or title if title.startswith(("【", "[", "［")) else title
        cs, ce, column = title_tag(title)
        title = title[cs:ce].strip() or title
    docs = build(blocks, source=source, path=display_path(path), meta=meta)
    if not docs:
        raise SourceError(path, "no article text found")
    articles = [d for d in docs if d.kind == "article"]
    for d in articles:
        if len(articles) == 1:
            d.title = title or d.title
            d.column = d.column or column
            d.authors = authors if authors is not None else d.authors
        elif authors and not d.authors:
            d.authors = list(authors)
    return docs


def _hidden(name: str) -> bool:
    return name.startswith(".")


def _is_source(name: str) -> bool:
    low = name.lower()
    return (low.endswith(SUFFIXES) and not _hidden(name)
            and not (low == "readme.md" or low.startswith("readme.")))


def display_path(path: str | os.PathLike) -> str:
    """`path` as printable text: a name that is not valid UTF-8 (Python keeps its
    bytes as lone surrogates) shows those bytes as \\xNN escapes, so that error
    lines, JSON and Label Studio can carry it (a lossy but readable rendering)."""
    text = os.fspath(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", "backslashreplace")


def os_reason(e: OSError, path: str | os.PathLike | None = None) -> str:
    """A short reason for an OSError met while looking at an input path."""
    if e.errno == errno.ELOOP:
        return "symbolic link loop"
    if e.errno == errno.ENOENT and path is not None and os.path.islink(path):
        return "broken symbolic link (its target does not exist)"
    if e.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return e.strerror or str(e) or type(e).__name__


OnError = Callable[[str, str], object]


def _raise(path: str, reason: str) -> None:
    raise SourceError(path, reason)


def iter_source_files(paths: Iterable[str | Path], on_error: OnError | None = None,
                      also: Callable[[str], bool] | None = None) -> Iterator[Path]:
    """Files as given, and source files under folders (recursive, sorted; hidden
    files and folders and README files skipped; symbolic links to files are read,
    links to folders inside a folder are not followed). Each file once, even when
    reached by two paths. `also(name)`: other files to take under folders (tables).

    A path that cannot be used — missing, unreadable folder, symbolic link loop or
    broken link — goes to `on_error(path, reason)` and the rest goes on. Without
    `on_error` it raises SourceError; every given path is then checked first, so
    a missing one raises before anything is yielded."""
    paths = [Path(p) for p in paths]
    if on_error is None:
        on_error = _raise
        for p in paths:
            _stat(p, on_error)
    return _walk(paths, on_error, also)


def _stat(path: Path, on_error: OnError) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError as e:
        if e.errno == errno.ENOENT and not os.path.islink(path):
            on_error(display_path(path), "no such file or folder")
        else:
            on_error(display_path(path), os_reason(e, path))
        return None


def _folder_files(top: Path, on_error: OnError, also=None) -> list[tuple[Path, os.stat_result]]:
    def walk_error(e: OSError) -> None:
        on_error(display_path(e.filename or top), os_reason(e))

    found = []
    for root, dirs, files in os.walk(top, onerror=walk_error):
        dirs[:] = [d for d in dirs if not _hidden(d)]
        for name in files:
            if _is_source(name) or (also is not None and not _hidden(name) and also(name)):
                f = Path(root, name)
                # a folder's other JSON (tasks, exports, settings) is no article: only records are taken
                if name.lower().endswith(".json") and not holds_records(f, MAX_BYTES):
                    continue
                st = _stat(f, on_error)
                if st is not None:
                    found.append((f, st))
    return sorted(found, key=lambda item: item[0].relative_to(top).parts)


def _walk(paths: list[Path], on_error: OnError, also=None) -> Iterator[Path]:
    seen: set[tuple[int, int]] = set()  # (device, inode): no resolve(), which raises on a link loop
    for p in paths:
        st = _stat(p, on_error)
        if st is None:
            continue
        files = _folder_files(p, on_error, also) if stat.S_ISDIR(st.st_mode) else [(p, st)]
        for f, fst in files:
            key = (fst.st_dev, fst.st_ino)
            if key not in seen:
                seen.add(key)
                yield f
