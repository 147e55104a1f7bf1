"""PDFs: pypdf extracts the text layer; the plain-text reader reads it (hard wrap, page numbers,
page breaks). A hit on a PDF made with a CJK font, near misses on PDFs with no text or no PDF."""
from __future__ import annotations

from pathlib import Path

import pytest

pypdf = pytest.importorskip("pypdf")

from annotate.sources import SourceError, read_file  # noqa: E402

from reader_helpers import check_invariants, outline  # noqa: E402

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "pdf" / "two_pages_wrapped.pdf"


def test_a_pdfs_text_layer_is_read_as_wrapped_text_without_page_numbers():
    [doc] = read_file(FIXTURE)
    check_invariants(doc)
    assert doc.title == "坚持以人民为中心的发展思想" and doc.authors == ["王一鸣"]
    kinds = outline(doc)
    assert ("heading", "一、把握新发展阶段") in kinds
    paragraphs = [t for k, t in kinds if k == "paragraph"]
    # the hard wrap is joined: a paragraph is its sentences, not its 30-character lines
    assert paragraphs[0].startswith("科技创新是发展新质生产力的核心要素。必须加强原创性、颠覆性科技创新，")
    assert all(len(t) > 30 for t in paragraphs[:2])
    # the page numbers (1, 2) are no text
    assert "\n1\n" not in doc.text and not doc.text.startswith("1")
    assert doc.text.rstrip().endswith("习近平总书记指出：“要牢牢把握高质量发展这个首要任务。”")


def test_a_pdf_without_a_text_layer_or_that_is_no_pdf_gets_one_line(tmp_path, caplog, capsys):
    blank = tmp_path / "scan.pdf"
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with open(blank, "wb") as f:
        writer.write(f)
    with pytest.raises(SourceError, match="no text layer"):
        read_file(blank)
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 this is not really a PDF")
    with pytest.raises(SourceError) as e:
        read_file(bad)
    assert str(e.value).startswith(str(bad)) and "\n" not in str(e.value)
    # and nothing else: pypdf's own messages about the broken file are not shown
    assert not [r for r in caplog.records if r.name.startswith("pypdf")]
    assert capsys.readouterr().err == ""


def test_page_numbers_and_recurring_running_lines_between_pages_are_dropped():
    from annotate.sources.pdf import _without_furniture
    pages = [f"理论周刊\n第{n}行正文，写满了一整行的文字内容，一直写到行末\n最后一行也写满了整整一行的文字内容\n{n}"
             for n in range(1, 5)]
    out = _without_furniture(pages)
    assert all(not p.startswith("理论周刊") and not p.rstrip().endswith(str(n)) for n, p in enumerate(out, 1))
    # near miss: a first line that does not recur is text, and a number inside a line stays
    pages = ["第一页的开头一行\n正文有2024年的数字。\n1", "第二页的开头一行\n正文。\n2"]
    out = _without_furniture(pages)
    assert out == ["第一页的开头一行\n正文有2024年的数字。", "第二页的开头一行\n正文。"]
