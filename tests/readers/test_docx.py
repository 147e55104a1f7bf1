"""Word documents (.docx): python-docx reads the file; styles, bold, alignment and indents say what
the HTML reader reads. Each behaviour with a hit and a near miss, on documents made here."""
from __future__ import annotations

import pytest

docx = pytest.importorskip("docx")
from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402

from annotate.sources import SourceError, iter_source_files, read_file  # noqa: E402

from reader_helpers import check_invariants, outline  # noqa: E402


def _save(tmp_path, build, name="a.docx"):
    d = docx.Document()
    build(d)
    path = tmp_path / name
    d.save(str(path))
    return path


def test_title_byline_headings_bold_leads_and_a_table_are_read(tmp_path):
    def build(d):
        d.add_paragraph("坚持以人民为中心的发展思想", style="Title")
        d.add_paragraph("王一鸣").alignment = WD_ALIGN_PARAGRAPH.CENTER
        d.add_paragraph("发展为了人民，这是根本立场。我们要坚持这个立场。")
        d.add_heading("一、把握新发展阶段", level=1)
        p = d.add_paragraph()
        p.add_run("加强原创性科技创新。").bold = True
        p.add_run("科技创新是核心要素。必须加强基础研究。")
        d.add_paragraph("")                                   # an empty paragraph: an empty line
        table = d.add_table(rows=1, cols=2)
        table.cell(0, 0).text = "表格里的一段话。"
        table.cell(0, 1).text = "另一格的话。"
    [doc] = read_file(_save(tmp_path, build))
    check_invariants(doc)
    assert doc.title == "坚持以人民为中心的发展思想" and doc.authors == ["王一鸣"]
    kinds = outline(doc)
    assert ("heading", "一、把握新发展阶段") in kinds
    assert ("paragraph", "表格里的一段话。") in kinds and ("paragraph", "另一格的话。") in kinds
    lead = next(b for b in doc.blocks if doc.text[b.start:b.end].startswith("加强原创性"))
    assert [doc.text[s:e] for s, e in lead.bold] == ["加强原创性科技创新。"]   # (document offsets)
    # a span's source line is its paragraph's number in the document (the empty one counted)
    at = doc.text.index("表格里的一段话")
    assert doc.source_line(at) == 7


def test_a_heading_by_outline_level_and_a_plain_paragraph_that_is_none(tmp_path):
    def build(d):
        d.add_paragraph("标题一行", style="Title")
        p = d.add_paragraph("第一部分的标题")
        ppr = p._p.get_or_add_pPr()
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        lvl = OxmlElement("w:outlineLvl")
        lvl.set(qn("w:val"), "0")
        ppr.append(lvl)
        d.add_paragraph("正文第一段。还有一句话。")
        d.add_paragraph("这一行不是标题")              # near miss: no style, no outline level
        d.add_paragraph("正文第二段。还有一句话。")
    [doc] = read_file(_save(tmp_path, build))
    kinds = outline(doc)
    assert ("heading", "第一部分的标题") in kinds
    assert ("heading", "这一行不是标题") not in kinds


def test_a_file_that_is_no_word_document_gets_one_line_and_a_folder_reads_docx(tmp_path):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(SourceError) as e:
        read_file(bad)
    assert str(e.value).startswith(str(bad)) and "not a Word document" in str(e.value)
    (tmp_path / "sub").mkdir()
    good = _save(tmp_path / "sub", lambda d: d.add_paragraph("一段话。"), "b.docx")
    assert list(iter_source_files([tmp_path / "sub"], lambda p, r: None)) == [good]
