"""Readers: source files (Markdown, HTML, plain text) → Documents.

    read_file(path) -> list[Document]          one per article or fragment, in file order
    iter_source_files(paths) -> Iterator[Path]  files as given + source files under folders
    SourceError                                  path, reason; str(e) == "path: reason"
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..document import Document
from . import html as _html
from . import markdown as _markdown
from . import plaintext as _plaintext
from .articles import build
from .decode import DecodeError, read_text
from .patterns import byline_names, title_tag

__all__ = ["read_file", "iter_source_files", "SourceError", "SUFFIXES", "MAX_BYTES"]

SUFFIXES = (".md", ".markdown", ".html", ".htm", ".txt")
MAX_BYTES = 10 * 1024 * 1024   # larger files are refused before they are read

_PARSERS = {".md": _markdown, ".markdown": _markdown, ".html": _html, ".htm": _html,
            ".txt": _plaintext}


class SourceError(Exception):
    """A source file that cannot be read; one line naming the file and the reason."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = " ".join(str(reason).split())
        super().__init__(self.path, self.reason)   # picklable: args rebuild the error

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def _parser_for(path: Path, text: str):
    parser = _PARSERS.get(path.suffix.lower())
    if parser is None:   # a file named explicitly with another suffix: sniff it
        head = text.lstrip()[:2000].lower()
        if head.startswith(("<!doctype html", "<html")) or "<p>" in head or "<p " in head:
            parser = _html
        elif head.startswith("---\n") or head.startswith("#"):
            parser = _markdown
        else:
            parser = _plaintext
    return parser


def _names(value) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [n for n in str(value).replace("、", " ").replace(",", " ").replace("，", " ").split() if n]


def read_file(path: str | Path) -> list[Document]:
    """The articles and fragments of one source file, in file order."""
    p = Path(path)
    if not p.is_file():
        raise SourceError(path, "no such file" if not p.exists() else "not a regular file")
    try:
        text = read_text(p, MAX_BYTES)
    except DecodeError as e:
        raise SourceError(path, str(e)) from None
    except OSError as e:
        raise SourceError(path, e.strerror or str(e)) from None
    meta, blocks = _parser_for(p, text).parse(text)
    meta = {k: v for k, v in meta.items()}
    source = str(meta.pop("source", "") or "").strip() or p.name
    title = meta.pop("title", None)
    authors = _names(meta.pop("authors")) if "authors" in meta else None
    if "author" in meta:  # singular, as 人民日报 vault files have it (焦  捷  陆  毅: padded names)
        one = meta.pop("author")
        authors = authors or (byline_names(one) if isinstance(one, str) else None) or _names(one) or None
    column = None
    if title and str(title).strip():
        # the same cut as a title found in the text: （人民要论） is a column tag, not title
        title = " ".join(str(title).split())
        cs, ce, column = title_tag(title)
        title = title[cs:ce].strip() or title
    docs = build(blocks, source=source, path=str(path), meta=meta)
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


def iter_source_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files as given, and source files under folders (recursive, sorted; hidden
    files and folders and README files skipped). Every path is checked first:
    a missing one raises SourceError before anything is yielded."""
    paths = [Path(p) for p in paths]
    for p in paths:
        if not p.exists():
            raise SourceError(p, "no such file or folder")
    return _walk(paths)


def _walk(paths: list[Path]) -> Iterator[Path]:
    seen: set[Path] = set()
    for p in paths:
        if p.is_dir():
            found = []
            for root, dirs, files in os.walk(p):
                dirs[:] = [d for d in dirs if not _hidden(d)]
                found += [Path(root, f) for f in files if _is_source(f)]
            files_ = sorted(found, key=lambda f: f.relative_to(p).parts)
        else:
            files_ = [p]
        for f in files_:
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                yield f
