"""EPUB e-books (.epub): the spine's XHTML chapters, in reading order, each read by the HTML reader as
a page of its own. Each behaviour with a hit and a near miss, on books made here."""
from __future__ import annotations

import zipfile

import pytest

from annotate.sources import SourceError, epub, iter_source_files, read_file

from reader_helpers import check_invariants, outline

CONTAINER = ('<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
             '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
             '</rootfiles></container>')


def _book(path, chapters: dict[str, str], spine: list[str], linear_no=(), container=CONTAINER, opf=None):
    """An EPUB at `path`: chapters (id → body HTML), read in `spine` order."""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        if container is not None:
            z.writestr("META-INF/container.xml", container)
        manifest = "".join(f'<item id="{c}" href="Text/{c}.xhtml" media-type="application/xhtml+xml"/>' for c in chapters)
        manifest += '<item id="css" href="style.css" media-type="text/css"/>'
        refs = "".join(f'<itemref idref="{c}"' + (' linear="no"' if c in linear_no else "") + "/>" for c in spine)
        z.writestr("OEBPS/content.opf", opf or '<?xml version="1.0" encoding="utf-8"?><package '
                   f'xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata/><manifest>{manifest}</manifest>'
                   f'<spine>{refs}</spine></package>')
        z.writestr("OEBPS/style.css", "p { text-indent: 2em }")
        for c, body in chapters.items():
            z.writestr(f"OEBPS/Text/{c}.xhtml", '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
                       f'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>{c}</title></head>\n<body>\n{body}\n</body></html>\n')
    return path


CHAPTERS = {
    "cover": '<p><img src="cover.jpg"/></p>',
    "ch1": "<h1>论读书</h1>\n<p>　　读书是一件要紧的事。我们要多读书，读好书。</p>\n<p>　　书读多了，见识自然就广了。</p>",
    "ch2": "<h1>说勤俭</h1>\n<p>　　勤俭是美德。我们必须坚持勤俭节约。</p>",
    "notes": "<p>注：本书据某年版本排印，文字未改。</p>",
}


def test_chapters_in_spine_order_are_articles_and_a_cover_gives_none(tmp_path):
    path = _book(tmp_path / "book.epub", CHAPTERS, ["cover", "ch2", "ch1", "notes"], linear_no=("notes",))
    docs = read_file(path)
    for d in docs:
        check_invariants(d)
    # the spine's order, not the manifest's; the cover (its <title> alone) and the linear="no" page are not read
    assert [d.title for d in docs] == ["说勤俭", "论读书"] and [d.index for d in docs] == [0, 1]
    assert [d.meta["epub_item"] for d in docs] == ["OEBPS/Text/ch2.xhtml", "OEBPS/Text/ch1.xhtml"]
    assert outline(docs[1])[1:] == [("paragraph", "读书是一件要紧的事。我们要多读书，读好书。"),
                                    ("paragraph", "书读多了，见识自然就广了。")]
    assert all(d.source == "book.epub" for d in docs)
    # near miss: the same page read linearly is read
    docs = read_file(_book(tmp_path / "b.epub", CHAPTERS, ["ch1", "notes"]))
    assert len(docs) == 2 and docs[1].meta["epub_item"] == "OEBPS/Text/notes.xhtml"


def test_a_folder_of_books_is_read_with_its_other_sources(tmp_path):
    _book(tmp_path / "book.epub", CHAPTERS, ["ch1"])
    (tmp_path / "a.md").write_text("# 标题\n\n正文。\n", encoding="utf-8")
    assert sorted(p.name for p in iter_source_files([tmp_path], on_error=print)) == ["a.md", "book.epub"]


@pytest.mark.parametrize("make, reason", [
    (lambda p: p.write_bytes(b"not a zip at all"), "not a readable EPUB (a zip file): BadZipFile"),
    (lambda p: _book(p, CHAPTERS, ["ch1"], container=None), "not an EPUB: no META-INF/container.xml"),
    (lambda p: _book(p, CHAPTERS, ["ch1"], container=CONTAINER.replace("OEBPS/content.opf", "x.opf")),
     "not an EPUB: the container names no package document that the file holds"),
    (lambda p: _book(p, CHAPTERS, []), "the EPUB's spine lists no XHTML chapter"),
    (lambda p: _book(p, {"cover": CHAPTERS["cover"]}, ["cover"]), "no article text found in any chapter of the book"),
])
def test_a_bad_book_fails_with_one_line(tmp_path, make, reason):
    path = tmp_path / "bad.epub"
    make(path)
    with pytest.raises(SourceError) as e:
        read_file(path)
    assert str(e.value) == f"{path}: {reason}" and "\n" not in str(e.value)


def test_a_book_that_unpacks_too_large_is_refused_before_reading(tmp_path, monkeypatch):
    path = _book(tmp_path / "big.epub", CHAPTERS, ["ch1", "ch2"])
    monkeypatch.setattr(epub, "MAX_UNPACKED", 100)
    with pytest.raises(SourceError, match="the chapters unpack to 0 MB"):
        read_file(path)
    monkeypatch.setattr(epub, "MAX_UNPACKED", 10_000)   # near miss: within the limit
    assert len(read_file(path)) == 2


def test_entities_in_the_package_document_are_not_expanded(tmp_path):
    # (a "billion laughs" package: its entities stay unexpanded, and it fails as malformed or reads as usual)
    bomb = ('<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><package xmlns="http://www.idpf.org/2007/opf"><metadata>&c;'
            '</metadata><manifest><item id="ch1" href="Text/ch1.xhtml" media-type="application/xhtml+xml"/></manifest>'
            '<spine><itemref idref="ch1"/></spine></package>')
    path = _book(tmp_path / "lol.epub", CHAPTERS, ["ch1"], opf=bomb)
    try:
        docs = read_file(path)
    except SourceError as e:
        assert "not well-formed" in str(e) or "EPUB" in str(e)
    else:
        assert [d.title for d in docs] == ["论读书"]
