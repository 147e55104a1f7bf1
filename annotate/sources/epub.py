"""EPUB e-books (.epub) → one XHTML text per chapter for the HTML reader.

An EPUB is a zip: `META-INF/container.xml` names the package document (OPF), whose manifest
lists the book's files and whose spine gives the reading order. Each spine item (an XHTML
chapter) is read by the HTML reader as a page of its own, so a collected-works volume gives one
article per essay, with the reader's titles, headings, bold and notes; a chapter with no article
text (a cover, a copyright page) gives none. Items the spine marks `linear="no"` (notes pop-ups,
auxiliary pages) are not read. The container is read here with the standard zip module and
lxml (no entity expansion, no network): the one maintained EPUB library on PyPI, EbookLib, is
AGPL-licensed, and reading a spine is a few lines of the EPUB spec, not a parser.
"""
from __future__ import annotations

import posixpath
import zipfile
import zlib
from pathlib import Path
from urllib.parse import unquote

from .decode import DecodeError, decode_bytes

MAX_UNPACKED = 50 * 1024 * 1024   # the chapters unpacked: more is refused (a zip bomb, not a book of essays)
_XHTML = {"application/xhtml+xml", "text/html"}


class EpubError(Exception):
    """An .epub file that cannot be read as an e-book; the message says why."""


def _xml(data: bytes, what: str):
    from lxml import etree
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=False, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        raise EpubError(f"{what} is not well-formed XML: {e}") from None


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def epub_chapters(path: str | Path) -> list[tuple[str, str]]:
    """The book's chapters in reading order: (the item's path inside the EPUB, its text)."""
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if "META-INF/container.xml" not in names:
                raise EpubError("not an EPUB: no META-INF/container.xml")
            container = _xml(z.read("META-INF/container.xml"), "META-INF/container.xml")
            opf_path = next((el.get("full-path") for el in container.iter() if _local(el.tag) == "rootfile"
                             and el.get("full-path")), None)
            if opf_path is None or opf_path not in names:
                raise EpubError("not an EPUB: the container names no package document that the file holds")
            opf = _xml(z.read(opf_path), opf_path)
            base = posixpath.dirname(opf_path)
            manifest = {el.get("id"): (el.get("href"), el.get("media-type"))
                        for el in opf.iter() if _local(el.tag) == "item" and el.get("id") and el.get("href")}
            items = []
            for ref in (el for el in opf.iter() if _local(el.tag) == "itemref"):
                href, media = manifest.get(ref.get("idref"), (None, None))
                if href is None or media not in _XHTML or ref.get("linear") == "no":
                    continue
                name = posixpath.normpath(posixpath.join(base, unquote(href.split("#", 1)[0])))
                if name in names and name not in items:
                    items.append(name)
            if not items:
                raise EpubError("the EPUB's spine lists no XHTML chapter")
            unpacked = sum(z.getinfo(n).file_size for n in items)
            if unpacked > MAX_UNPACKED:
                raise EpubError(f"the chapters unpack to {unpacked // (1024 * 1024)} MB (limit "
                                f"{MAX_UNPACKED // (1024 * 1024)} MB)")
            chapters = []
            for name in items:
                try:
                    chapters.append((name, decode_bytes(z.read(name))))
                except DecodeError:
                    continue   # an empty or undecodable chapter: the others are still the book
            return chapters
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError, zlib.error) as e:
        # (a damaged archive, an unsupported compression, an encrypted member)
        raise EpubError(f"not a readable EPUB (a zip file): {e.__class__.__name__}") from None
