"""Article splitting, metadata lines, fragments and page-break joins (annotate.sources.articles)."""
from __future__ import annotations

import re

from hypothesis import given, settings, HealthCheck
from hypothesis import strategies as st

from annotate.sources import read_file
from annotate.sources.patterns import SURNAMES

from reader_helpers import check_invariants, outline, read


blocks = outline


def test_two_heading_lines_before_byline_are_two_titles(tmp_path):
    [doc] = read(tmp_path, "# 坚定不移走中国特色社会主义道路\n\n## 深入学习贯彻党的二十大精神\n\n陈晓明\n\n正文。\n")
    assert blocks(doc)[:2] == [("title", "坚定不移走中国特色社会主义道路"), ("title", "深入学习贯彻党的二十大精神")]
    assert doc.title == "坚定不移走中国特色社会主义道路 深入学习贯彻党的二十大精神"
    assert doc.authors == ["陈晓明"]


def test_heading_and_plain_subtitle_before_byline(tmp_path):
    [doc] = read(tmp_path, "# 主标题\n\n副标题不是署名的一行\n\n文/林小平\n\n正文。\n")
    assert [k for k, _ in blocks(doc)] == ["title", "title", "paragraph"]
    assert doc.authors == ["林小平"]


def test_a_deep_heading_followed_by_a_byline_starts_an_article(tmp_path):
    md = "# 第一篇\n\n王一鸣\n\n正文一。\n\n### 第二篇\n\n刘青 张华、赵敏\n\n正文二。\n\n### 小节\n\n正文三。\n"
    a, b = read(tmp_path, md)
    assert a.title == "第一篇" and a.text == "第一篇\n\n正文一。"
    assert b.title == "第二篇" and b.authors == ["刘青", "张华", "赵敏"]
    assert blocks(b) == [("title", "第二篇"), ("paragraph", "正文二。"), ("heading", "小节"), ("paragraph", "正文三。")]


def test_commentator_byline_and_column_suffix(tmp_path):
    [doc] = read(tmp_path, "## 以高质量发展推进现代化（人民要论）\n\n本报评论员\n\n正文。\n")
    assert doc.authors == ["本报评论员"] and doc.column == "人民要论"
    t = doc.blocks[0]
    assert doc.text[t.start:t.end] == "以高质量发展推进现代化（人民要论）"
    assert doc.text[t.claim[0]:t.claim[1]] == "以高质量发展推进现代化"
    assert doc.title == "以高质量发展推进现代化"


def test_column_line_before_title(tmp_path):
    a, b = read(tmp_path, "【理论前沿】\n\n# 第一篇\n\n王一鸣\n\n正文。\n\n【思想纵横】\n\n# 第二篇\n\n李明\n\n正文。\n")
    assert (a.column, b.column) == ("理论前沿", "思想纵横")
    assert "【" not in a.text + b.text


def test_text_before_first_title_is_a_fragment(tmp_path):
    frag, art = read(tmp_path, "上一页没有读完的内容，接着\n\n写完了。\n\n# 标题\n\n王一鸣\n\n正文。\n")
    assert frag.kind == "fragment" and frag.title is None and frag.index == 0
    assert frag.text == "上一页没有读完的内容，接着写完了。"
    assert art.kind == "article" and art.index == 1


def test_empty_fragments_are_dropped_and_notes_in_a_row_go_together(tmp_path):
    md = "# 标题\n\n王一鸣 李明\n\n正文。\n\n（作者为甲单位研究员）\n\n(作者系乙大学教授)\n\n……\n\n# 第二篇\n\n张华\n\n正文。\n"
    a, b = read(tmp_path, md)
    assert a.author_note == "作者为甲单位研究员\n作者系乙大学教授"
    assert b.title == "第二篇"


def test_author_note_ends_the_article(tmp_path):
    md = "# 标题\n\n正文。\n\n（作者：某研究院研究员）\n\n下一页的残段。\n\n## 还在残段中的小标题\n\n又一段。\n"
    art, frag = read(tmp_path, md)
    assert art.author_note == "作者：某研究院研究员" and art.text == "标题\n\n正文。"
    assert frag.kind == "fragment"
    assert blocks(frag) == [("paragraph", "下一页的残段。"), ("heading", "还在残段中的小标题"), ("paragraph", "又一段。")]


def test_no_byline_file_first_heading_is_the_title(tmp_path):
    frag, doc = read(tmp_path, "导语在标题前。\n\n# 标题\n\n正文。\n\n# 同级标题\n\n## 更深\n\n正文。\n")
    assert frag.kind == "fragment" and doc.title == "标题"
    assert [k for k, _ in blocks(doc)] == ["title", "paragraph", "heading", "subheading", "paragraph"]


def test_captions_sources_and_editors_are_dropped(tmp_path):
    md = ("# 标题\n\n编者按：这是编者按。\n\n正文一。\n\n图为2024年的会场。\n\n（图片来源：新华社）\n\n"
          "正文二。\n\n来源：人民日报\n\n责任编辑：张三\n")
    [doc] = read(tmp_path, md)
    assert doc.text == "标题\n\n正文一。\n\n正文二。"
    assert doc.meta["editor_note"] == "这是编者按。"


def test_running_heads_page_numbers_and_joins_across_them(tmp_path):
    md = ("# 标题\n\n王一鸣\n\n第一页的段落没有\n\nZHUAN TI SHEN SI  \n专题深思\n\n23\n\n写完。\n\n"
          "第二段。\n\n前线 2024年第3期\n\n第三段。\n\n前线 2024年第3期\n")
    [doc] = read(tmp_path, md)
    assert doc.text == "标题\n\n第一页的段落没有写完。\n\n第二段。\n\n第三段。"
    assert doc.column == "专题深思"
    i = doc.text.index("写完")
    assert doc.source_line(i - 1) == 5 and doc.source_line(i) == 12


def test_repeated_short_lines_are_running_heads(tmp_path):
    md = "# 标题\n\n理论纵横\n\n正文一。\n\n理论纵横\n\n正文二。\n\n理论纵横\n\n正文三。\n"
    [doc] = read(tmp_path, md)
    assert "理论纵横" not in doc.text


def test_heading_kinds(tmp_path):
    md = ("# 标题\n\n王一鸣\n\n**加粗整行的标题**\n\n**（一）加粗的二级标题**\n\n正文。\n\n一、裸的一级标题\n\n"
          "（二）裸的二级标题\n\n**加粗整句但有句号。**\n\n## 二、章节\n\n### 深一层\n\n正文。\n")
    [doc] = read(tmp_path, md)
    assert blocks(doc)[1:] == [
        ("heading", "加粗整行的标题"), ("subheading", "（一）加粗的二级标题"), ("paragraph", "正文。"),
        ("heading", "一、裸的一级标题"), ("subheading", "（二）裸的二级标题"),
        ("paragraph", "加粗整句但有句号。"), ("heading", "二、章节"), ("subheading", "深一层"),
        ("paragraph", "正文。"),
    ]


def test_no_join_into_headings_or_bold_leads(tmp_path):
    md = "# 标题\n\n没有写完的段落\n\n## 小节\n\n又一个没有写完的段落\n\n**新的要点。**正文。\n"
    [doc] = read(tmp_path, md)
    assert [t for _, t in blocks(doc)] == ["标题", "没有写完的段落", "小节", "又一个没有写完的段落", "新的要点。正文。"]


def test_join_moves_bold_runs(tmp_path):
    md = "# 标题\n\n**要点一。**前半段没有\n\n完，**粗体**继续。\n"
    [doc] = read(tmp_path, md)
    assert doc.text == "标题\n\n要点一。前半段没有完，粗体继续。"
    assert [doc.text[s:e] for s, e in doc.blocks[1].bold] == ["要点一。", "粗体"]


def test_fragment_single_line_before_title_is_kept(tmp_path):
    md = "# 甲\n\n王一鸣\n\n正文。\n\n（作者为某人）\n\n更好发挥高质量发展动力源作\n\n# 乙\n\n李明\n\n正文。\n"
    a, frag, b = read(tmp_path, md)
    assert frag.kind == "fragment" and frag.text == "更好发挥高质量发展动力源作"
    assert b.title == "乙"


def test_false_bylines_are_not_bylines(tmp_path):
    [doc] = read(tmp_path, "# 标题\n\n坚持创新\n\n正文。\n")
    assert doc.authors == [] and "坚持创新" in doc.text


# ---- properties --------------------------------------------------------------------------
# no surname characters: a short line of them right after a heading could be a byline
HAN = "".join(c for c in "的是在了这们来到说要就出会可也你对生能而子那得于着下自之年过发后作里" if c not in SURNAMES)
para = st.text(alphabet=HAN + "。，；“”𠮷 ", min_size=1, max_size=40).map(str.strip).filter(
    lambda s: any(c in HAN for c in s))


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(paras=st.lists(para, min_size=1, max_size=8, unique=True),
       bold=st.lists(st.booleans(), min_size=8, max_size=8))
def test_random_markdown_keeps_every_character(tmp_path_factory, paras, bold):
    md_paras = [f"**{p}**" if b and "*" not in p else p for p, b in zip(paras, bold)]
    md = "# 标题\n\n" + "\n\n".join(md_paras) + "\n"
    p = tmp_path_factory.mktemp("h") / "r.md"
    p.write_text(md, encoding="utf-8")
    docs = read_file(p)
    lines = md.split("\n")
    for d in docs:
        check_invariants(d)
        for b in d.blocks:
            assert d.text[b.start] in lines[b.line - 1]
    squash = lambda s: re.sub(r"\s", "", s)
    assert squash("".join(d.text for d in docs)) == squash("标题" + "".join(paras))


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(para, min_size=1, max_size=10, unique=True), blank=st.booleans())
def test_random_plaintext_keeps_every_character(tmp_path_factory, lines, blank):
    txt = ("\n\n" if blank else "\n").join(lines)
    p = tmp_path_factory.mktemp("h") / "r.txt"
    p.write_text(txt, encoding="utf-8")
    docs = read_file(p)
    for d in docs:
        check_invariants(d)
    squash = lambda s: re.sub(r"\s", "", s)
    assert squash("".join(d.text for d in docs)) == squash("".join(lines))


def test_repeated_lines_in_plain_text_are_running_heads(tmp_path):
    txt = "标题\n理论纵横\n正文一。\n理论纵横\n正文二。\n理论纵横\n正文三。\n"
    [doc] = read(tmp_path, txt, "r.txt")
    assert doc.text == "标题\n\n正文一。\n\n正文二。\n\n正文三。"


def test_repeated_section_headings_are_kept(tmp_path):
    md = "".join(f"# 第{n}篇\n\n王一鸣\n\n正文。\n\n## 结语\n\n结尾。\n\n" for n in "一二三")
    docs = read(tmp_path, md)
    assert len(docs) == 3 and all("结语" in d.text for d in docs)


def test_author_note_under_the_byline_does_not_end_the_article(tmp_path):
    [doc] = read(tmp_path, "# 标题\n\n王一鸣\n\n（作者为某研究中心主任）\n\n正文。\n\n## 一、小节\n\n正文。\n")
    assert doc.kind == "article" and doc.author_note == "作者为某研究中心主任"
    assert doc.text == "标题\n\n正文。\n\n一、小节\n\n正文。"


def test_section_heading_before_a_new_title_is_not_a_title_line(tmp_path):
    a, b = read(tmp_path, "# 甲\n\n王一鸣\n\n正文。\n\n## 三、最后一节\n\n## 乙\n\n李明\n\n正文。\n")
    assert a.text.endswith("三、最后一节") and b.title == "乙"


def test_running_head_inside_a_plain_text_paragraph(tmp_path):
    txt = "标题\n\n第一段在这一页没有\nZHUAN TI SHEN SI\n专题深思\n写完，翻页接着写完。\n\n第二段。\n"
    [doc] = read(tmp_path, txt, "r.txt")
    assert doc.text == "标题\n\n第一段在这一页没有写完，翻页接着写完。\n\n第二段。"
    assert doc.column == "专题深思"


def test_title_printed_twice_before_the_article_is_no_fragment(tmp_path):
    from annotate.sources import read_file

    path = tmp_path / "a.html"
    path.write_text("<div>以科技创新引领产业体系建设</div><h1>以科技创新引领产业体系建设</h1>"
                    "<p>文／赵六</p><p>现代化产业体系是物质技术基础。</p>", encoding="utf-8")
    docs = read_file(path)
    assert [(d.kind, d.title) for d in docs] == [("article", "以科技创新引领产业体系建设")]


def test_a_column_name_and_a_colon_before_a_title_is_a_column_tag():
    from annotate.sources.patterns import title_tag
    for title, core, column in (("壹时评：提质扩围适配新需求", "提质扩围适配新需求", "壹时评"),
                                ("经济日报评论员：再驳“产能过剩论”", "再驳“产能过剩论”", "经济日报评论员"),
                                ("习近平：坚持人民至上", "习近平：坚持人民至上", None),        # a speaker: kept
                                ("评论：", "评论：", None)):                                   # nothing after it
        s, e, col = title_tag(title)
        assert (title[s:e], col) == (core, column)
