"""The outline of real layouts (issue 8, item 1): each structural behaviour has a hit
and a near miss, on small made-up articles, in the formats where it occurs."""
from __future__ import annotations

import pytest

from annotate.sources.patterns import byline_names, is_date_line, title_tag

from reader_helpers import outline, read


def claim(doc, block):
    s, e = block.claim or (block.start, block.end)
    return doc.text[s:e]


# ---- bylines -------------------------------------------------------------------

def test_byline_with_outlet_and_spaced_names():
    assert byline_names("许  可《光明日报》（2024年03月01日第 11 版）") == ["许可"]
    assert byline_names("胡  飞  钱  晴") == ["胡飞", "钱晴"]
    assert byline_names("欧阳明  孔  云") == ["欧阳明", "孔云"]


def test_a_short_top_level_title_that_reads_like_a_name_is_still_the_title(tmp_path):
    [doc] = read(tmp_path, "<h1>文化强国</h1><p>王一鸣</p><p>正文。</p>", "a.html")
    assert doc.title == "文化强国" and doc.authors == ["王一鸣"]
    # near miss: two name lines in a row under a title: the first is the byline
    [doc] = read(tmp_path, "# 让城市更宜居\n\n王一鸣\n\n李明\n\n正文。\n", "b.md")
    assert doc.title == "让城市更宜居" and doc.authors == ["王一鸣"]


def test_near_miss_a_sentence_with_a_book_title_is_no_byline():
    assert byline_names("要读《资本论》（第一卷）") is None
    assert byline_names("《光明日报》（2024年03月01日）") is None


def test_outlet_byline_does_not_glue_onto_the_first_paragraph(tmp_path):
    md = "# 让城市更宜居\n\n> 许  可《光明日报》（2024年03月01日第 11 版）\n\n城市是人的家园。正文继续。\n"
    [doc] = read(tmp_path, md)
    assert doc.authors == ["许可"]
    assert outline(doc) == [("title", "让城市更宜居"), ("paragraph", "城市是人的家园。正文继续。")]


# ---- title tags ------------------------------------------------------------------

def _claim_of(title: str) -> str:
    s, e, _ = title_tag(title)
    return title[s:e]


def test_title_tags_left_out_of_the_claim():
    assert _claim_of("观察 | 小城的夜市：烟火气里的新活力") == "小城的夜市：烟火气里的新活力"
    assert _claim_of("本报杭州3月2日电 题：数字乡村建设提速") == "数字乡村建设提速"
    assert _claim_of("让创新活力竞相迸发(学习笔记·经济篇)") == "让创新活力竞相迸发"
    assert _claim_of("让创新活力竞相迸发（理论视野·读《论语》（下））") == "让创新活力竞相迸发"
    assert title_tag("观察 | 小城的夜市")[2] == "观察"


def test_near_miss_title_tags():
    # a speaker before a colon is part of the headline; a title that is only a
    # parenthesis keeps it; brackets inside the title stay
    assert _claim_of("张教授：把论文写在大地上") == "张教授：把论文写在大地上"
    assert _claim_of("（评论）") == "（评论）"
    assert _claim_of("一场（并不）轻松的改革") == "一场（并不）轻松的改革"
    assert _claim_of("3月2日电力供应平稳") == "3月2日电力供应平稳"


def test_title_tags_in_a_document(tmp_path):
    [doc] = read(tmp_path, "<h1>观察 | 小城的夜市(学习笔记)</h1><p>王一鸣</p><p>正文。</p>", "a.html")
    assert claim(doc, doc.blocks[0]) == "小城的夜市"
    assert doc.title == "小城的夜市"


# ---- kicker lines and two-line titles ------------------------------------------------

def test_kicker_line_above_the_title_is_the_first_title_line(tmp_path):
    md = "### 守住耕地红线\n\n# 端牢中国饭碗（专题研讨）\n\n> 许  可《光明日报》（2024年03月01日第 11 版）\n\n正文。\n"
    [doc] = read(tmp_path, md)
    assert [k for k, _ in outline(doc)] == ["title", "title", "paragraph"]
    assert doc.title == "守住耕地红线 端牢中国饭碗"


def test_near_miss_a_heading_with_body_under_it_is_no_kicker(tmp_path):
    md = "# 第一篇\n\n王一鸣\n\n正文。\n\n### 小节\n\n小节正文。\n\n# 第二篇\n\n李明\n\n正文。\n"
    a, b = read(tmp_path, md)
    assert ("heading", "小节") in outline(a)
    assert [k for k, _ in outline(b)] == ["title", "paragraph"]


# ---- editor's notes, pull quotes, boxes, asides -------------------------------------

def test_editor_note_signed_by_the_editor_is_a_note(tmp_path):
    md = ("# 让城市更宜居\n\n许可\n\n城市更新关系千家万户。本版今起推出系列文章，敬请关注。\n\n——编  者\n\n"
          "城市是人的家园。正文继续。\n")
    [doc] = read(tmp_path, md)
    assert doc.meta["editor_note"] == "城市更新关系千家万户。本版今起推出系列文章，敬请关注。"
    assert outline(doc) == [("title", "让城市更宜居"), ("note", "城市更新关系千家万户。本版今起推出系列文章，敬请关注。"),
                            ("note", "——编 者"), ("paragraph", "城市是人的家园。正文继续。")]


def test_near_miss_a_dash_attribution_in_the_body_is_no_editor_signature(tmp_path):
    md = "# 让城市更宜居\n\n许可\n\n城市是人的家园。——林语\n\n正文继续。\n"
    [doc] = read(tmp_path, md)
    assert "editor_note" not in doc.meta and "城市是人的家园。——林语" in doc.text


def test_editor_note_header_line_takes_the_next_paragraph(tmp_path):
    md = "# 让城市更宜居\n\n许可\n\n【编者按】\n\n本版今起推出系列文章。\n\n城市是人的家园。\n"
    [doc] = read(tmp_path, md)
    assert "本版今起推出系列文章。" in doc.meta["editor_note"]
    assert outline(doc)[1:] == [("paragraph", "城市是人的家园。")]


def test_near_miss_a_column_line_before_the_body_keeps_the_body(tmp_path):
    md = "# 让城市更宜居\n\n许可\n\n【城市笔记】\n\n本版今起推出系列文章。\n\n城市是人的家园。\n"
    [doc] = read(tmp_path, md)
    assert doc.column == "城市笔记" and "editor_note" not in doc.meta
    assert outline(doc)[1:] == [("paragraph", "本版今起推出系列文章。"), ("paragraph", "城市是人的家园。")]


def test_pull_quote_lines_that_the_body_repeats_are_notes(tmp_path):
    md = ("# 让城市更宜居\n\n> 许  可《光明日报》（2024年03月01日第 11 版）\n\n"
          "让老街区焕发新活力，城市才有温度和记忆\n\n"
          "城市是人的家园。改造老街区时，让老街区焕发新活力，城市才有温度和记忆。\n")
    [doc] = read(tmp_path, md)
    assert doc.meta["pull_quotes"] == ["让老街区焕发新活力，城市才有温度和记忆"]
    # a note stands alone: the unpunctuated pull quote is not glued onto the body as a page break
    assert [k for k, _ in outline(doc)] == ["title", "note", "paragraph"]


def test_editor_box_copying_a_paragraph_in_html(tmp_path):
    body = "治理之道，在于久久为功。各地要把工作做细做实，不搞一阵风。"
    html = (f"<h1>基层治理要久久为功</h1><section style='border:1px solid'><p><strong>【本文要点】</strong></p>"
            f"<p>{body}</p></section><p>开头一段。</p><p>{body}</p>")
    [doc] = read(tmp_path, html, "a.html")
    assert doc.meta["pull_quotes"] == [body]
    assert [k for k, _ in outline(doc)] == ["title", "note", "paragraph", "paragraph"]


def test_near_miss_leading_paragraphs_not_repeated_stay(tmp_path):
    md = ("# 让城市更宜居\n\n许可\n\n让老街区焕发新活力，城市才有温度和记忆\n\n"
          "城市是人的家园。\n\n人是城市的主体。\n\n城市是人的家园。\n")
    [doc] = read(tmp_path, md)
    assert "pull_quotes" not in doc.meta   # no copy; a short repeated sentence is no box
    assert outline(doc)[1][1].startswith("让老街区焕发新活力")


def test_parenthesised_aside_is_metadata(tmp_path):
    md = "# 让城市更宜居\n\n许可\n\n城市是人的家园。\n\n（本系列评论完）\n"
    [doc] = read(tmp_path, md)
    assert doc.meta["asides"] == "（本系列评论完）"
    assert outline(doc)[-1] == ("paragraph", "城市是人的家园。")


def test_near_miss_a_bare_heading_number_and_an_author_note_are_no_asides(tmp_path):
    md = "# 让城市更宜居\n\n许可\n\n城市是人的家园。\n\n（一）\n\n正文。\n\n（作者为某大学教授）\n"
    [doc] = read(tmp_path, md)
    assert "asides" not in doc.meta and doc.author_note == "作者为某大学教授"
    assert any(t == "（一）" for _, t in outline(doc))


# ---- headings with no markup ------------------------------------------------------------

def test_bare_heading_paragraphs_in_html(tmp_path):
    html = ("<h2>乡村振兴开新局</h2><p>王一鸣</p><p>　　开篇一段。</p><p>　　产业兴旺是基础</p>"
            "<p>　　这一节的正文。</p><p>　　人才振兴是关键</p><p>　　另一节的正文。</p>")
    [doc] = read(tmp_path, html, "a.html")
    assert outline(doc) == [("title", "乡村振兴开新局"), ("paragraph", "开篇一段。"),
                            ("heading", "产业兴旺是基础"), ("paragraph", "这一节的正文。"),
                            ("heading", "人才振兴是关键"), ("paragraph", "另一节的正文。")]


def test_bare_heading_lines_in_markdown(tmp_path):
    md = "# 乡村振兴开新局\n\n王一鸣\n\n开篇一段。\n\n产业兴旺是基础\n\n这一节的正文。\n\n人才振兴是关键\n\n另一节的正文。\n"
    [doc] = read(tmp_path, md)
    assert ("heading", "产业兴旺是基础") in outline(doc) and ("heading", "人才振兴是关键") in outline(doc)


def test_near_miss_a_lone_bare_line_inside_the_body_is_a_paragraph(tmp_path):
    # sections come in twos: the article's only unmarked short line, inside the body, is a sentence
    # that lost its final mark (as a reference to read more), not a section of one
    # (paragraphs indented with 　　: no page break cut it, a comma is no sign of a torn sentence)
    md = "# 乡村振兴开新局\n\n王一鸣\n\n　　开篇一段。\n\n　　关于这一点的更多介绍，可以参考附录\n\n　　接下来的正文。\n"
    [doc] = read(tmp_path, md)
    assert ("paragraph", "关于这一点的更多介绍，可以参考附录") in outline(doc)
    assert not any(k == "heading" for k, _ in outline(doc))
    # … while one right under the title, the body's first piece, still heads the text
    md = "# 乡村振兴开新局\n\n王一鸣\n\n产业兴旺是基础\n\n这一节的正文。\n"
    [doc] = read(tmp_path, md, "b.md")
    assert ("heading", "产业兴旺是基础") in outline(doc)


def test_near_miss_bare_lines_that_continue_or_end_or_sit_among_marked_headings(tmp_path):
    # after an unfinished paragraph: a page break, glued
    md = "# 乡村振兴开新局\n\n王一鸣\n\n开篇一段没有写完，接着\n\n产业兴旺是基础\n\n这一节的正文。\n"
    [doc] = read(tmp_path, md)
    assert outline(doc)[1:] == [("paragraph", "开篇一段没有写完，接着产业兴旺是基础这一节的正文。")]
    # an article that marks its headings: a bare line is no heading
    md = "# 乡村振兴开新局\n\n王一鸣\n\n## 一节\n\n开篇一段。\n\n产业兴旺是基础\n\n这一节的正文。\n"
    [doc] = read(tmp_path, md, "b.md")
    assert ("heading", "产业兴旺是基础") not in outline(doc)
    # the last line, with no paragraph under it
    md = "# 乡村振兴开新局\n\n王一鸣\n\n开篇一段。\n\n全文完\n"
    [doc] = read(tmp_path, md, "c.md")
    assert ("heading", "全文完") not in outline(doc)


def test_enumerated_heading_lines_are_points(tmp_path):
    md = ("# 乡村振兴开新局\n\n王一鸣\n\n**一、产业兴旺是基础**\n\n正文。\n\n**一是做强特色产业**\n\n正文。\n\n"
          "**第二，延长产业链条**\n\n正文。\n")
    [doc] = read(tmp_path, md)
    kinds = dict((t, k) for k, t in outline(doc))
    assert kinds["一是做强特色产业"] == "subheading" and kinds["第二，延长产业链条"] == "subheading"
    assert kinds["一、产业兴旺是基础"] == "heading"   # near miss: a numbered section heading


# ---- bold: emphasis vs leads ---------------------------------------------------------------

def test_whole_paragraph_bold_is_emphasis_not_a_lead(tmp_path):
    md = "# 乡村振兴开新局\n\n王一鸣\n\n**产业兴旺是基础。各地要因地制宜发展特色产业。**\n\n正文。\n"
    [doc] = read(tmp_path, md)
    assert doc.blocks[1].bold == []


def test_near_miss_bold_leads_keep_their_bold(tmp_path):
    md = "# 乡村振兴开新局\n\n王一鸣\n\n**产业兴旺是基础。**各地要因地制宜发展特色产业。\n\n**人才是关键。**\n\n正文。\n"
    [doc] = read(tmp_path, md)
    lead, single = doc.blocks[1], doc.blocks[2]
    assert doc.text[lead.bold[0][0]:lead.bold[0][1]] == "产业兴旺是基础。"
    assert single.bold == [(single.start, single.end)]   # one bold sentence: still a lead


# ---- titles and subtitles in one paragraph; text layouts ------------------------------------------

def test_title_and_dash_subtitle_in_one_styled_html_paragraph(tmp_path):
    html = ("<p style='text-align:center;font-family:方正小标宋简体'><strong>把握发展主动权</strong><br>"
            "——在某某研讨班上的讲话</p><p style='text-align:center'>王一鸣</p><p>正文第一段。</p>")
    [doc] = read(tmp_path, html, "a.html")
    assert outline(doc) == [("title", "把握发展主动权"), ("paragraph", "正文第一段。")]
    assert doc.meta["subtitle"] == "——在某某研讨班上的讲话" and doc.authors == ["王一鸣"]


def test_near_miss_a_body_paragraph_with_a_dash_stays_whole(tmp_path):
    html = "<h1>把握发展主动权</h1><p>王一鸣</p><p>发展——这是硬道理。正文。</p>"
    [doc] = read(tmp_path, html, "a.html")
    assert outline(doc)[1] == ("paragraph", "发展——这是硬道理。正文。")


def test_text_title_line_with_a_wide_gap_is_two_title_lines(tmp_path):
    txt = "守住耕地红线　端牢饭碗  建设农业强国\n王一鸣\n　　正文一段。 　　另一段落开始。 　　（作者为某大学教授） 　　《 光明日报 》（ 2024年03月01日 11 版）\n"
    [doc] = read(tmp_path, txt, "a.txt")
    assert outline(doc) == [("title", "守住耕地红线 端牢饭碗"), ("title", "建设农业强国"),
                            ("paragraph", "正文一段。"), ("paragraph", "另一段落开始。")]
    assert doc.author_note == "作者为某大学教授"


def test_near_miss_text_title_with_one_gap_and_indent_after_a_comma(tmp_path):
    txt = "守住耕地红线　端牢中国饭碗\n王一鸣\n　　正文一段，　　接着写完。\n"
    [doc] = read(tmp_path, txt, "a.txt")
    assert outline(doc) == [("title", "守住耕地红线 端牢中国饭碗"), ("paragraph", "正文一段， 接着写完。")]


def test_hidden_html_and_zero_width_joiners_are_no_text(tmp_path):
    html = "<h1>标题</h1><p>王一鸣</p><p>正文。</p><p><span style='display: none'>隐藏</span></p><p>\u200d</p><p>再一段。</p>"
    [doc] = read(tmp_path, html, "a.html")
    assert "隐藏" not in doc.text and "\u200d" not in doc.text


# ---- one web page, one article ---------------------------------------------------------------

def test_web_page_chrome_and_info_line_leave_one_article(tmp_path):
    html = ("<div><a>首页</a> &gt; <a>理论</a> &gt; 正文</div><h1>以创新驱动发展</h1>"
            "<div>2024-03-01 10:00 来源：某某日报</div><p>作者：李明</p><p>创新是第一动力。正文继续。</p>"
            "<p>（作者为某大学教授）</p><div><p>分享到：微信 微博</p></div>")
    [doc] = read(tmp_path, html, "a.html")
    assert outline(doc) == [("title", "以创新驱动发展"), ("paragraph", "创新是第一动力。正文继续。")]
    assert doc.authors == ["李明"]


def test_near_miss_a_torn_piece_between_articles_stays_a_fragment_and_a_dated_sentence_stays(tmp_path):
    md = ("# 甲\n\n王一鸣\n\n2024年3月1日，来源：某报的消息说，工作推进顺利。\n\n（作者为某人）\n\n"
          "发挥动力源作\n\n# 乙\n\n李明\n\n正文。\n")
    a, frag, b = read(tmp_path, md)
    assert "2024年3月1日，来源：某报的消息说，工作推进顺利。" in a.text
    assert frag.kind == "fragment" and frag.text == "发挥动力源作"


def test_kicker_above_the_title_without_a_byline(tmp_path):
    [doc] = read(tmp_path, "<h3>守住耕地红线</h3><h1>端牢中国饭碗</h1><p>正文。</p>", "a.html")
    assert outline(doc) == [("title", "守住耕地红线"), ("title", "端牢中国饭碗"), ("paragraph", "正文。")]


def test_near_miss_a_title_and_its_first_section_heading(tmp_path):
    [doc] = read(tmp_path, "<h1>端牢中国饭碗</h1><h2>一、守住耕地红线</h2><p>正文。</p>"
                           "<h2>二、藏粮于技</h2><p>正文。</p>", "a.html")
    assert outline(doc)[:2] == [("title", "端牢中国饭碗"), ("heading", "一、守住耕地红线")]


def test_centred_page_headings_and_sentences(tmp_path):
    html = ("<div style='text-align:center'><h1>端牢中国饭碗</h1><p>王一鸣</p><p>开篇一句话。</p>"
            "<p>守住耕地红线</p><p>这一节的正文，写得长一些才像正文。</p></div>")
    [doc] = read(tmp_path, html, "a.html")
    # near miss: a short centred sentence is body text; the short centred line is a heading
    assert outline(doc)[1:] == [("paragraph", "开篇一句话。"), ("heading", "守住耕地红线"),
                                ("paragraph", "这一节的正文，写得长一些才像正文。")]


def test_institutional_and_reporter_bylines():
    assert byline_names("中共某某市委理论学习中心组《某某日报》（2024年05月06日第 09 版）") == ["中共某某市委理论学习中心组"]
    assert byline_names("某某日报记者 王  浩") == ["王浩"]
    # near miss: a book and its edition is no outlet and issue
    assert byline_names("要读《资本论》（2019年版）") is None


def test_photo_credits_are_dropped_and_attribution_lines_are_no_headings(tmp_path):
    md = ("# 乡村振兴开新局\n\n王一鸣\n\n开篇一段。\n\n田间地头忙春耕（新华社记者 张三摄）\n\n"
          "第二段。\n\n——摘自某某文集\n\n第三段。\n")
    [doc] = read(tmp_path, md)
    assert "张三摄" not in doc.text
    assert not any(k == "heading" for k, _ in outline(doc))
    # near miss: 拍摄 at the end of a sentence is text
    [doc] = read(tmp_path, "# 标题\n\n王一鸣\n\n村民们用手机记录生活，随手拍摄。\n", "b.md")
    assert "随手拍摄。" in doc.text


def test_the_page_title_names_the_article_heading(tmp_path):
    html = ("<html><head><title>端牢中国饭碗_理论_某某网</title></head><body><h1>某某网</h1>"
            "<h2>端牢中国饭碗</h2><h3>一、守住耕地红线</h3><p>正文。</p></body></html>")
    [doc] = read(tmp_path, html, "a.html")
    assert outline(doc) == [("title", "端牢中国饭碗"), ("heading", "一、守住耕地红线"), ("paragraph", "正文。")]


def test_near_miss_a_page_title_matching_the_first_heading_changes_nothing(tmp_path):
    html = ("<html><head><title>端牢中国饭碗_某某网</title></head><body><h1>端牢中国饭碗</h1>"
            "<h2>一、守住耕地红线</h2><p>正文。</p></body></html>")
    [doc] = read(tmp_path, html, "a.html")
    assert outline(doc) == [("title", "端牢中国饭碗"), ("heading", "一、守住耕地红线"), ("paragraph", "正文。")]


def test_bare_heading_lines_in_text_and_near_misses(tmp_path):
    # near miss: a short first line with a comma, before its continuation, is a torn paragraph
    txt = "乡村振兴开新局\n王一鸣\n第一段开了个头，接着\n写完了。\n产业兴旺是基础\n这一节的正文。\n人才振兴是关键\n另一节的正文。\n"
    [doc] = read(tmp_path, txt, "a.txt")
    assert outline(doc)[1:] == [("paragraph", "第一段开了个头，接着写完了。"), ("heading", "产业兴旺是基础"),
                                ("paragraph", "这一节的正文。"), ("heading", "人才振兴是关键"),
                                ("paragraph", "另一节的正文。")]


@pytest.mark.model
def test_notes_are_shown_but_never_annotated(nlp, tmp_path):
    from annotate.pipeline import annotate_document
    from annotate.tasks import to_task

    box = "各地要把工作做细做实，习近平总书记指出：“要久久为功。”"
    html = (f"<h1>基层治理要久久为功</h1><p>王一鸣</p><p><strong>【本文要点】</strong></p><p>{box}</p>"
            f"<p>开头一段。</p><p>{box}</p>")
    [doc] = read(tmp_path, html, "a.html")
    note = next(b for b in doc.blocks if b.kind == "note")
    task = to_task(doc, annotate_document(nlp, doc))
    starts = [r["value"]["start"] for r in task["predictions"][0]["result"] if r["type"] == "labels"]
    assert starts and not any(note.start <= s < note.end for s in starts)
    assert any(s > note.end for s in starts)   # the body copy is annotated


# ---- a page whose only title is a plain first line (a WeChat repost) ---------------------------

def test_untitled_page_is_one_article_titled_by_its_first_short_line(tmp_path):
    # badly formed: text outside <p>, <p> </p> spacers, stray </p>, no <h1>, no <title>
    html = ("<p> </p> ▌守土有责，干部要冲锋在前——论打好某某保卫战<p> </p> 第一段写的是实事，干部要冲在前面。</p>"
            " </p> 第二段，我们必须坚持到底。</p>")
    [doc] = read(tmp_path, html, "a.html")
    assert doc.kind == "article" and doc.title == "守土有责，干部要冲锋在前"
    assert doc.meta["subtitle"] == "——论打好某某保卫战"
    assert outline(doc) == [("title", "守土有责，干部要冲锋在前"), ("paragraph", "第一段写的是实事，干部要冲在前面。"),
                            ("paragraph", "第二段，我们必须坚持到底。")]


def test_untitled_text_and_markdown_take_their_first_short_line_as_title(tmp_path):
    md = "■ 让群众少跑腿\n\n办事难的问题由来已久。各地要下功夫解决。\n\n一是简化流程，二是压缩时限。\n"
    [doc] = read(tmp_path, md)
    assert doc.kind == "article" and outline(doc)[0] == ("title", "让群众少跑腿")


def test_near_miss_untitled_page_whose_first_line_is_a_sentence_has_no_title(tmp_path):
    # the first block ends a sentence: it is body, and nothing below it is taken for the title
    html = "<p>第一段就是正文，写完了。</p><p>短短一行</p><p>第二段，我们必须坚持到底。</p>"
    [doc] = read(tmp_path, html, "a.html")
    assert doc.kind == "article" and doc.title is None
    assert all(k != "title" for k, _ in outline(doc))


def test_near_miss_text_after_an_author_note_stays_a_fragment(tmp_path):
    md = "第一段就是正文，写完了。\n\n（作者为某大学教授）\n\n下一页的残段，写完了。\n"
    art, frag = read(tmp_path, md)
    assert art.kind == "article" and art.author_note == "作者为某大学教授"
    assert frag.kind == "fragment" and frag.text == "下一页的残段，写完了。"


def test_stray_closing_p_is_a_paragraph_break_in_html(tmp_path):
    [doc] = read(tmp_path, "<h1>标题</h1><p>第一段。</p>第二段。</p>第三段。", "a.html")
    assert outline(doc)[1:] == [("paragraph", "第一段。"), ("paragraph", "第二段。"), ("paragraph", "第三段。")]
    # near miss: a stray </div> breaks nothing (browsers ignore it)
    [doc] = read(tmp_path, "<h1>标题</h1><p>第一段。</p><span>第二段，</div>接着写。</span>", "b.html")
    assert outline(doc)[-1] == ("paragraph", "第二段，接着写。")


def test_ornaments_before_a_heading_are_no_text(tmp_path):
    md = "# ◆ 让群众少跑腿\n\n王一鸣\n\n开篇一段。\n\n## ▍一、简化流程\n\n正文。\n"
    [doc] = read(tmp_path, md)
    assert outline(doc)[0] == ("title", "让群众少跑腿") and ("heading", "一、简化流程") in outline(doc)
    # near miss: a mark inside the line, or a line that is only marks, stays
    md = "# 让群众“少跑腿■”\n\n王一鸣\n\n开篇一段。\n\n■■■\n\n正文。\n"
    [doc] = read(tmp_path, md, "b.md")
    assert outline(doc)[0] == ("title", "让群众“少跑腿■”") and "■■■" in doc.text


def test_title_with_a_dash_subtitle_on_one_line_in_any_format(tmp_path):
    [doc] = read(tmp_path, "# 把握发展主动权——写在某某会议召开之际\n\n王一鸣\n\n正文。\n")
    assert doc.title == "把握发展主动权" and doc.meta["subtitle"] == "——写在某某会议召开之际"
    # near miss: a dash after a clause mark is part of the title
    [doc] = read(tmp_path, "# 发展，——这是硬道理\n\n王一鸣\n\n正文。\n", "b.md")
    assert doc.title == "发展，——这是硬道理" and "subtitle" not in doc.meta


def test_dash_look_alikes_open_a_subtitle_as_the_em_dash_does(tmp_path):
    # the horizontal bar ―― (U+2015) and box-drawing ── some typesetters use for ——
    [doc] = read(tmp_path, "# 市场经济是最好的竞争方式\n\n――某某在某次表彰大会上的讲话\n\n正文一段。\n\n正文二段。\n")
    assert doc.title == "市场经济是最好的竞争方式" and not any(k == "heading" for k, _ in outline(doc))
    [doc] = read(tmp_path, "# 把握发展主动权──写在某某会议召开之际\n\n王一鸣\n\n正文。\n", "b.md")
    assert doc.title == "把握发展主动权" and doc.meta["subtitle"] == "──写在某某会议召开之际"
    # near miss: a line opening with the numeral 一 (a look-alike of no dash) is a heading still
    [doc] = read(tmp_path, "# 标题\n\n一、第一节\n\n正文一段。\n\n二、第二节\n\n正文二段。\n", "c.md")
    assert ("heading", "一、第一节") in outline(doc)


def test_letter_spaced_summary_label_opens_a_box(tmp_path):
    [doc] = read(tmp_path, "# 标题\n\n【导  读】人与人之间的差异往往在八小时之外。\n\n正文一段。\n")
    assert doc.meta["summary"] == "人与人之间的差异往往在八小时之外。"
    assert ("note", "【导 读】人与人之间的差异往往在八小时之外。") in outline(doc)   # (runs of spaces squeezed)
    # near miss: the word 导读 running on as a sentence is no label
    [doc] = read(tmp_path, "# 标题\n\n导读这本书需要耐心。\n\n正文一段。\n", "b.md")
    assert "summary" not in doc.meta


def test_a_long_line_over_dashes_is_no_setext_heading(tmp_path):
    # a converter wrote the dash —— as a line of ---: under a paragraph of running text it is no underline
    long_line = "当我听说有读者因为在留言区被某个人骂，觉得骂声不堪入耳，于是有两年时间不曾再来，内心还是颇为有些震惊，让我决定"
    [doc] = read(tmp_path, f"# 网上骂人与被骂\n\n{long_line}\n---\n我并不记得当初的恩怨。\n")
    assert not any(k == "heading" for k, _ in outline(doc))
    # near miss: a short line over --- is a heading (setext), as Markdown says
    [doc] = read(tmp_path, "# 标题\n\n第一节的标题\n---\n正文一段。\n\n第二节的标题\n---\n正文二段。\n", "b.md")
    assert ("heading", "第一节的标题") in outline(doc)


def test_archive_disclaimer_picture_credit_and_rights_notice_are_no_text(tmp_path):
    md = ("# 是孩子在承载父母焦虑\n\n小懒自动备份，仅供查阅学习\n\n这次回昆明我很惊奇地发现，父母正在“肝娃”。这是第二句。\n\n"
          "学校生活本身就让人喘不过气来。到点就必须做特定的事情。\n\n题图标题： 《自然生长》 创作者： 某某\n\n"
          "槽边往事 和菜头 出品 【微信号】 Bitsea 个人转载内容至朋友圈和群聊天，无需特别申请版权许可。\n\n"
          "## 禅定时刻\n\n一张图的说明文字，也很长很长的一段。\n\n## 专营店营业中\n\n月饼已经上线。欢迎选购。\n")
    [doc] = read(tmp_path, md)
    assert outline(doc) == [("title", "是孩子在承载父母焦虑"),
                            ("paragraph", "这次回昆明我很惊奇地发现，父母正在“肝娃”。这是第二句。"),
                            ("paragraph", "学校生活本身就让人喘不过气来。到点就必须做特定的事情。")]
    # near miss: the words in running text (a sentence about reprints, 仅供 in a sentence that goes on) stay
    md = ("# 标题\n\n开头一段。说明问题。\n\n这些材料仅供参考的说法并不成立，因为它们决定了判决的结果，影响很大。\n\n"
          "报纸转载他的文章时，没有征得同意。这就是问题所在。\n\n结尾一段。\n")
    [doc] = read(tmp_path, md, "b.md")
    assert len(outline(doc)) == 5


# ---- paragraph indents: a new paragraph, never a page break ------------------------------------

def test_indented_heading_after_an_unfinished_paragraph_in_html(tmp_path):
    html = ("<h1>建设社会主义文化强国</h1><p>王一鸣</p><p>　　上一段结束。</p><p>　　文化强国是民族复兴的标志</p>"
            "<p>　　当今世界正经历百年变局，必须坚定文化自信。</p><p>　　这一段没有句号</p>"
            "<p>　　坚定文化自信，建设文化强国</p><p>　　我们要增强文化自信，必须坚持。</p>")
    [doc] = read(tmp_path, html, "a.html")
    assert outline(doc)[1:] == [("paragraph", "上一段结束。"), ("heading", "文化强国是民族复兴的标志"),
                                ("paragraph", "当今世界正经历百年变局，必须坚定文化自信。"),
                                ("paragraph", "这一段没有句号"), ("heading", "坚定文化自信，建设文化强国"),
                                ("paragraph", "我们要增强文化自信，必须坚持。")]


def test_css_text_indent_and_nbsp_indents_open_paragraphs(tmp_path):
    css = "<p style='text-indent:2em'>"
    html = (f"<h1>建设社会主义文化强国</h1><p>王一鸣</p>{css}这一段没有句号</p>{css}坚定文化自信，建设文化强国</p>"
            f"{css}我们要增强文化自信。</p><p>&nbsp;&nbsp;&nbsp;&nbsp;又一段停在逗号，</p><p>&emsp;&emsp;再一段。</p>"
            f"{css}扩大优质文化供给</p>{css}最后一段。</p>")
    [doc] = read(tmp_path, html, "a.html")
    assert outline(doc)[1:] == [("paragraph", "这一段没有句号"), ("heading", "坚定文化自信，建设文化强国"),
                                ("paragraph", "我们要增强文化自信。"), ("paragraph", "又一段停在逗号，"),
                                ("paragraph", "再一段。"), ("heading", "扩大优质文化供给"), ("paragraph", "最后一段。")]


def test_near_miss_unindented_pieces_still_join_across_a_page_break(tmp_path):
    # the next piece has no indent (text-indent:0, two &nbsp; are one character): a page break
    html = ("<h1>建设社会主义文化强国</h1><p>王一鸣</p><p>　　这一段被分页切断，坚定文化自信</p>"
            "<p style='text-indent:0'>建设文化强国。</p><p>&nbsp;&nbsp;我们要增强文化自信，</p><p>必须坚持。</p>")
    [doc] = read(tmp_path, html, "a.html")
    assert outline(doc)[1:] == [("paragraph", "这一段被分页切断，坚定文化自信建设文化强国。"),
                                ("paragraph", "我们要增强文化自信，必须坚持。")]


def test_indented_lines_in_text_and_markdown(tmp_path):
    body = ("　　上一段没写完\n\n　　坚定文化自信，建设文化强国\n\n　　当今世界正经历百年变局，必须坚定文化自信。\n\n"
            "　　又一段没有句号\n\n　　文化自信是更基础更广泛更深厚的自信，是更持久的力量\n\n　　我们要增强文化自信。\n")
    want = [("paragraph", "上一段没写完"), ("heading", "坚定文化自信，建设文化强国"),
            ("paragraph", "当今世界正经历百年变局，必须坚定文化自信。"), ("paragraph", "又一段没有句号"),
            ("heading", "文化自信是更基础更广泛更深厚的自信，是更持久的力量"), ("paragraph", "我们要增强文化自信。")]
    [doc] = read(tmp_path, "# 建设社会主义文化强国\n\n王一鸣\n\n" + body)
    assert outline(doc)[1:] == want
    [doc] = read(tmp_path, "建设社会主义文化强国\n王一鸣\n" + body.replace("\n\n", "\n"), "a.txt")
    assert outline(doc)[1:] == want


def test_near_miss_unindented_comma_line_in_text_is_a_torn_piece(tmp_path):
    txt = "建设社会主义文化强国\n王一鸣\n上一段没写完，接着\n坚定文化自信，建设文化强国\n当今世界正经历百年变局，必须坚定文化自信。\n"
    [doc] = read(tmp_path, txt, "a.txt")
    assert outline(doc)[1:] == [("paragraph", "上一段没写完，接着坚定文化自信，建设文化强国当今世界正经历百年变局，必须坚定文化自信。")]


# ---- web-page shapes ----------------------------------------------------------------------------

def test_page_title_names_a_plain_paragraph_which_becomes_the_title(tmp_path):
    html = ("<html><head><title>让群众少跑腿_理论频道_某某网</title></head><body><div>首页 &gt; 理论</div>"
            "<p>让群众少跑腿——论优化营商环境</p><p>　　办事难的问题由来已久。</p><p>　　第二段。</p></body></html>")
    [doc] = read(tmp_path, html, "a.html")
    assert outline(doc) == [("title", "让群众少跑腿"), ("paragraph", "办事难的问题由来已久。"), ("paragraph", "第二段。")]
    assert doc.meta["subtitle"] == "——论优化营商环境"


def test_near_miss_a_page_title_naming_nothing_heads_the_body(tmp_path):
    html = ("<html><head><title>让群众少跑腿 - 某某网</title></head><body><p>办事难的问题由来已久。各地要下功夫解决。</p>"
            "<p>第二段。</p></body></html>")
    [doc] = read(tmp_path, html, "a.html")
    assert outline(doc) == [("title", "让群众少跑腿"), ("paragraph", "办事难的问题由来已久。各地要下功夫解决。"),
                            ("paragraph", "第二段。")]


def test_div_page_with_br_breaks(tmp_path):
    html = ("<div class='t'>让群众少跑腿</div><div>王一鸣</div><div>办事难的问题由来已久，<br>各地要下功夫解决<br><br>"
            "　　第二段。<br><br>　　第三段。</div>")
    [doc] = read(tmp_path, html, "a.html")
    # a break inside a sentence is a line wrap; near miss: after <br><br> an indented line is no continuation
    assert outline(doc) == [("title", "让群众少跑腿"), ("paragraph", "办事难的问题由来已久，各地要下功夫解决"),
                            ("paragraph", "第二段。"), ("paragraph", "第三段。")]


def test_wechat_editor_nesting_and_centred_span_title(tmp_path):
    html = ("<div id='js_content'><section><section style='text-align:center'><p><span style='font-size:20px'>"
            "让群众少跑腿，让数据多跑路</span></p></section><section><p><span>　　办事难的问题由来已久，</span>"
            "<span>各地要下功夫解决。</span></p><section style='text-align:center'><p><span><strong>一、简化流程</strong>"
            "</span></p></section><p><span>　　</span><span>第二段。</span></p><section style='text-align:center'><p>"
            "<span>这一段居中排，但它是一句完整的话，写得长一些。</span></p></section></section></section></div>")
    [doc] = read(tmp_path, html, "a.html")
    # near miss: a centred sentence is body text
    assert outline(doc) == [("title", "让群众少跑腿，让数据多跑路"), ("paragraph", "办事难的问题由来已久，各地要下功夫解决。"),
                            ("heading", "一、简化流程"), ("paragraph", "第二段。"),
                            ("paragraph", "这一段居中排，但它是一句完整的话，写得长一些。")]


def test_staff_block_at_the_end_and_what_follows_it_are_chrome(tmp_path):
    html = ("<h1>让群众少跑腿</h1><p>原创 张三 某某评论 2024-03-01 08:00</p><p>　　办事难的问题由来已久。</p>"
            "<p>　　第二段。</p><p>来源：某某日报</p><p>编辑：李四 审核：王五</p><p><strong>推荐阅读</strong></p>"
            "<p>扫码关注我们</p><p><a href='x'>把握发展主动权</a></p>")
    [doc] = read(tmp_path, html, "a.html")
    assert outline(doc) == [("title", "让群众少跑腿"), ("paragraph", "办事难的问题由来已久。"), ("paragraph", "第二段。")]


def test_near_miss_body_after_a_staff_line_and_links_inside_text_stay(tmp_path):
    html = ("<h1>让群众少跑腿</h1><p>　　办事难的问题由来已久。</p><p>编辑：李四</p><p>　　第二段<a href='x'>办事指南</a>写完了。</p>"
            "<p>会议于2024年3月1日 8:00召开，持续两天</p><p>　　第三段。</p>")
    [doc] = read(tmp_path, html, "a.html")
    assert outline(doc)[1:] == [("paragraph", "办事难的问题由来已久。"), ("paragraph", "第二段办事指南写完了。"),
                                ("paragraph", "会议于2024年3月1日 8:00召开，持续两天"), ("paragraph", "第三段。")]


def test_original_title_line_is_metadata(tmp_path):
    md = "# 让群众少跑腿\n\n原标题：办事难的问题如何破解\n\n王一鸣\n\n办事难的问题由来已久。\n"
    [doc] = read(tmp_path, md)
    assert doc.meta["original_title"] == "办事难的问题如何破解" and doc.authors == ["王一鸣"]
    assert outline(doc) == [("title", "让群众少跑腿"), ("paragraph", "办事难的问题由来已久。")]
    # near miss: a sentence that mentions the original title is text
    [doc] = read(tmp_path, "# 让群众少跑腿\n\n王一鸣\n\n原标题是另一个，后来改了。\n", "b.md")
    assert "original_title" not in doc.meta and outline(doc)[1] == ("paragraph", "原标题是另一个，后来改了。")


# ---- issue 13: structure from the layout itself (SCHEME v1.3) ---------------------------------

REPOST = """---
title: 坚持守正创新 推动文化繁荣
---
<div class="rich_media"><p style="text-align:center"><strong><span style="font-size:20px">坚持守正创新 推动文化繁荣</span></strong></p><p>王一鸣</p><p>文化是民族的血脉。近年来文化事业蓬勃发展。</p><p><font color="#c00000"><b>1． 坚持守正创新</b></font></p><p>守正才能不迷失方向。我们要坚守中华文化立场。</p><p><span style="color:#0070c0;font-size:18px">2． 扩大文化供给</span></p><p>供给是繁荣的基础。要推出更多优秀作品。<br>第二段由换行分开。</p></div>
"""


def test_raw_html_inside_markdown_is_read_as_html(tmp_path):
    [doc] = read(tmp_path, REPOST, "a.md")
    assert doc.title == "坚持守正创新 推动文化繁荣" and doc.authors == ["王一鸣"]
    assert outline(doc) == [("title", "坚持守正创新 推动文化繁荣"), ("paragraph", "文化是民族的血脉。近年来文化事业蓬勃发展。"),
                            ("heading", "1． 坚持守正创新"), ("paragraph", "守正才能不迷失方向。我们要坚守中华文化立场。"),
                            ("heading", "2． 扩大文化供给"), ("paragraph", "供给是繁荣的基础。要推出更多优秀作品。"),
                            ("paragraph", "第二段由换行分开。")]
    assert doc.source_line(doc.blocks[-1].start) == 4


def test_raw_html_inside_a_markdown_quote(tmp_path):
    [doc] = read(tmp_path, "# 标题\n\n> <p>第一段。</p>\n> <p>第二段。</p>\n>\n> 第三段。\n")
    assert outline(doc) == [("title", "标题"), ("paragraph", "第一段。"), ("paragraph", "第二段。"), ("paragraph", "第三段。")]


def test_near_miss_markdown_with_inline_tags_or_opening_with_bold_stays_markdown(tmp_path):
    md = "# 标题\n\n**加强保护。**正文里有<span>强调</span>的词。\n\n<strong>推进改革。</strong>正文继续。\n"
    [doc] = read(tmp_path, md)
    assert outline(doc) == [("title", "标题"), ("paragraph", "加强保护。正文里有强调的词。"),
                            ("paragraph", "推进改革。正文继续。")]
    assert [doc.text[s:e] for b in doc.blocks for s, e in b.bold] == ["加强保护。", "推进改革。"]


def test_headings_set_by_colour_or_size_in_any_tag(tmp_path):
    # (a comma keeps them from being bare heading lines: the style alone decides)
    body = "<p style='font-size:16px'>这是正文的一段，说得比较长，有好几句话。还有一句。</p>"
    html = (f"<h1>城市更新的逻辑</h1>{body}<p><span style='color:rgb(192,0,0)'>更新要有温度，治理要精细</span></p>{body}"
            f"<p><font size='5'>规划要长远，建设要扎实</font></p>{body}")
    [doc] = read(tmp_path, html, "a.html")
    assert [t for k, t in outline(doc) if k == "heading"] == ["更新要有温度，治理要精细", "规划要长远，建设要扎实"]


def test_near_miss_body_style_and_small_grey_print_are_no_headings(tmp_path):
    # every paragraph is set in the same colour: that is the body style, not emphasis; a smaller
    # grey line is small print
    p = "<p style='color:#c00000;font-size:16px'>{}</p>"
    html = ("<h1>城市更新的逻辑</h1>" + p.format("这是正文的一段，说得比较长。还有一句。") + p.format("更新要有温度，治理要精细")
            + p.format("这是正文的又一段，也说得比较长。还有一句。")
            + "<p><span style='font-size:12px;color:#999999'>本栏目责任单位，协办单位</span></p>"
            + p.format("这是正文的第三段。还有一句。"))
    [doc] = read(tmp_path, html, "a.html")
    assert not any(k == "heading" for k, _ in outline(doc))


def test_number_only_section_markers_in_every_format(tmp_path):
    body = "一\n\n城市是人的家园。后文展开。\n\n二\n\n更新是长期任务。后文展开。\n"
    for name, text in [("a.md", "# 城市更新的逻辑\n\n引言一段。\n\n" + body), ("a.txt", "城市更新的逻辑\n\n引言一段。\n\n" + body),
                       ("a.html", "<h1>城市更新的逻辑</h1><p>引言一段。</p><p>一</p><p>城市是人的家园。后文展开。</p>"
                                  "<p>二</p><p>更新是长期任务。后文展开。</p>")]:
        [doc] = read(tmp_path, text, name)
        assert [t for k, t in outline(doc) if k == "heading"] == ["一", "二"], name
    # 1, 2 on lines of their own count up from 1: sections, not page numbers
    [doc] = read(tmp_path, "# 标题\n\n引言。\n\n1\n\n城市是人的家园。\n\n2\n\n更新是长期任务。\n", "b.md")
    assert [t for k, t in outline(doc) if k == "heading"] == ["1", "2"]


def test_near_miss_page_numbers_are_no_sections(tmp_path):
    [doc] = read(tmp_path, "# 标题\n\n引言。\n\n12\n\n城市是人的家园。\n\n13\n\n更新是长期任务。\n", "b.md")
    assert outline(doc) == [("title", "标题"), ("paragraph", "引言。"), ("paragraph", "城市是人的家园。"),
                            ("paragraph", "更新是长期任务。")]


def test_numbered_1_headings_are_sections_where_nothing_ranks_above_them(tmp_path):
    md = "# 标题\n\n引言。\n\n**1． 坚持守正创新**\n\n正文一段。\n\n**2． 扩大文化供给**\n\n正文二段。\n"
    [doc] = read(tmp_path, md)
    assert [k for k, t in outline(doc) if t[0] in "12"] == ["heading", "heading"]
    # near miss: under 一、 sections they are second level
    md = "# 标题\n\n引言。\n\n**一、总体要求**\n\n正文。\n\n**1． 坚持守正创新**\n\n正文一段。\n\n**2． 扩大文化供给**\n\n正文二段。\n"
    [doc] = read(tmp_path, md)
    assert [k for k, t in outline(doc) if t[0] in "12"] == ["subheading", "subheading"]



def test_han_numeral_with_a_period_numbers_a_section_like_a_comma(tmp_path):
    """一. / 二． set in bold on a line of their own are section headings, as 一、 is; a
    decimal written in Han numerals (一.五倍) is no section marker."""
    from annotate.sources.patterns import numbered_kind
    assert numbered_kind("一. 问题的来源") == numbered_kind("二．问题的实践") == "heading"
    # a heading that also stands in the article's table of contents, with an Arabic number
    # in it, is a heading, not a line recurring like a running head
    md = ("# 标题\n\n一. 2024年以来的问题\n\n引言说明本文的结构。\n\n一. 2024年以来的问题\n\n"
          "正文一段。\n\n二. 2025年的实践\n\n正文二段。\n")
    [doc] = read(tmp_path, md)
    assert [t for k, t in outline(doc) if k == "heading"].count("一. 2024年以来的问题") == 2
    assert numbered_kind("一.五倍的增长") is None


SPEECH = """在全市干部大会上的讲话
（一九五八年三月十日）
这是作者在全市干部大会上的讲话。
同志们：
　　今天我讲两个问题。
一
　　第一个问题是学习。学习是增长才干的途径⑴。我们要认真学习。
二
　　第二个问题是团结。团结就是力量。⑵
　　我们必须团结一切可以团结的力量。
　　同志们，努力吧！
注释
〔1〕见《某某文集》第一卷。
〔2〕这是当时的一句口号。
"""


def test_speech_metadata_salutation_date_headnote_and_notes(tmp_path):
    [doc] = read(tmp_path, SPEECH, "a.txt")
    assert doc.meta["salutation"] == "同志们："
    assert doc.meta["date_line"] == "一九五八年三月十日"
    assert doc.meta["headnote"] == "这是作者在全市干部大会上的讲话。"
    assert doc.meta["notes"].startswith("注释\n〔1〕")
    assert outline(doc) == [
        ("title", "在全市干部大会上的讲话"), ("note", "这是作者在全市干部大会上的讲话。"),
        ("paragraph", "今天我讲两个问题。"), ("heading", "一"), ("paragraph", "第一个问题是学习。学习是增长才干的途径⑴。我们要认真学习。"),
        ("heading", "二"), ("paragraph", "第二个问题是团结。团结就是力量。⑵"),   # a marker ends no paragraph early …
        ("paragraph", "我们必须团结一切可以团结的力量。"), ("paragraph", "同志们，努力吧！"),   # … near miss: a salutation in a sentence stays
        ("note", "注释"), ("note", "〔1〕见《某某文集》第一卷。"), ("note", "〔2〕这是当时的一句口号。")]


def test_near_miss_lines_that_only_look_like_metadata_stay_text(tmp_path):
    txt = ("标题\n\n这是我们的责任。后文展开。\n\n2018年5月2日，我们来到北京。\n\n摘要说明了问题。\n\n"
           "大家好！我这次来调研。\n\n注意安全是第一位的。\n")
    [doc] = read(tmp_path, txt, "a.txt")
    assert [k for k, _ in outline(doc)] == ["title"] + ["paragraph"] * 5
    assert not {"headnote", "date_line", "summary", "salutation", "notes"} & set(doc.meta)


def test_crawler_dump_with_crlf_indents_summary_box_and_drafting_line(tmp_path):
    dump = ("推动文化繁荣发展的几点思考\r\n内容提要：本文从三个方面讨论文化繁荣发展的路径。\r\n"
            "　　文化是民族的血脉。近年来，各地文化事业蓬勃发展。\r\n　　坚持守正创新\r\n"
            "　　守正才能不迷失方向。我们要坚守中华文化立场。\r\n　　扩大文化供给\r\n"
            "　　供给是繁荣的基础。要推出更多优秀作品。\r\n（执笔：张三、李四）\r\n")
    [doc] = read(tmp_path, dump, "a.txt")
    assert doc.meta["summary"] == "本文从三个方面讨论文化繁荣发展的路径。" and doc.meta["drafting"] == "张三、李四"
    assert outline(doc) == [("title", "推动文化繁荣发展的几点思考"), ("note", "内容提要：本文从三个方面讨论文化繁荣发展的路径。"),
                            ("paragraph", "文化是民族的血脉。近年来，各地文化事业蓬勃发展。"), ("heading", "坚持守正创新"),
                            ("paragraph", "守正才能不迷失方向。我们要坚守中华文化立场。"), ("heading", "扩大文化供给"),
                            ("paragraph", "供给是繁荣的基础。要推出更多优秀作品。")]


def test_a_colon_ends_a_paragraph_but_a_torn_line_continues(tmp_path):
    [doc] = read(tmp_path, "# 标题\n\n我们要做好以下几点：\n\n加强保护。后文。\n", "a.md")
    assert [k for k, _ in outline(doc)] == ["title", "paragraph", "paragraph"]
    # near miss: no colon, no final punctuation: a page break, joined
    [doc] = read(tmp_path, "# 标题\n\n我们要做好以下几个方面的工作，首先是加\n\n强保护。后文。\n", "b.md")
    assert outline(doc) == [("title", "标题"), ("paragraph", "我们要做好以下几个方面的工作，首先是加强保护。后文。")]


@pytest.mark.model
def test_footnote_markers_stay_in_the_text_but_never_at_a_spans_edge(nlp, tmp_path):
    from annotate.pipeline import annotate_document
    from annotate.tasks import to_task

    md = "# 推动文化繁荣⑴\n\n〔2〕我们要坚守中华文化立场。⑶我们必须传承历史文脉[4]。\n"
    [doc] = read(tmp_path, md)
    assert "⑴" in doc.text and "〔2〕" in doc.text
    task = to_task(doc, annotate_document(nlp, doc))
    texts = [r["value"]["text"] for r in task["predictions"][0]["result"] if r["type"] == "labels"]
    assert texts == ["推动文化繁荣", "我们要坚守中华文化立场。", "我们必须传承历史文脉[4]。"]


@pytest.mark.model
def test_a_repost_of_raw_html_gets_its_title_sections_and_relations(nlp, tmp_path):
    from annotate.pipeline import annotate_document
    from annotate.tasks import to_task

    [doc] = read(tmp_path, REPOST, "a.md")
    result = to_task(doc, annotate_document(nlp, doc))["predictions"][0]["result"]
    spans = {r["id"]: (r["value"]["labels"][0], r["value"]["text"]) for r in result if r["type"] == "labels"}
    claims = [t for label, t in spans.values() if label == "CLAIM"]
    assert claims[:2] == ["坚持守正创新 推动文化繁荣", "1． 坚持守正创新"] and "2． 扩大文化供给" in claims
    links = {(spans[r["from_id"]][1], spans[r["to_id"]][1]) for r in result if r["type"] == "relation"}
    assert ("1． 坚持守正创新", "坚持守正创新 推动文化繁荣") in links


# ---- crawler pages: title banner, navigation links, share pop-ups (issue 13, dev3) ------

_CRAWLED = """---
title: "【让小城夜市亮起来】-某市商务局"
---

# 【让小城夜市亮起来】-某市商务局

**来源**: www.example.org
**原文**: [https://www.example.org/a.html](https://www.example.org/a.html)

## 正文

[首页](https://www.example.org/) > [政务公开](https://www.example.org/g/) > [解读](https://www.example.org/j/)

## 让小城夜市亮起来

发布时间：2024/05/06

分享到微信朋友圈x

打开微信，点击底部的“发现”，

使用“扫一扫”即可将网页分享至朋友圈。

微博微信

夜市是城市的烟火气。小城的夜市正在变得更有序。

相关阅读

- [夜经济观察](https://www.example.org/b.html)
- [街巷里的小吃摊](https://www.example.org/c.html "街巷里的小吃摊(一)")

## [另一条新闻的标题(第二期)](https://www.example.org/d.html "另一条新闻的标题(第二期)")
"""


def test_crawler_title_banner_header_and_navigation_are_chrome(tmp_path):
    [doc] = read(tmp_path, _CRAWLED)
    assert doc.title == "让小城夜市亮起来"
    kinds = outline(doc)
    assert kinds[0] == ("title", "让小城夜市亮起来")
    assert ("paragraph", "夜市是城市的烟火气。小城的夜市正在变得更有序。") in kinds
    text = doc.text
    for chrome in ("正文", "首页", "发布时间", "分享", "打开微信", "微博微信", "夜经济观察", "另一条新闻"):
        assert chrome not in text, chrome


def test_near_miss_a_first_heading_that_links_to_its_page_is_the_title(tmp_path):
    md = "# [让小城夜市亮起来](https://example.org/a)\n\n夜市是城市的烟火气。正文继续。\n"
    [doc] = read(tmp_path, md)
    assert outline(doc)[0] == ("title", "让小城夜市亮起来")
    # a line with words besides its link is text, not navigation
    md = "# 让小城夜市亮起来\n\n详见[夜经济观察](https://example.org/b)一文。正文继续。\n"
    [doc] = read(tmp_path, md)
    assert "夜经济观察" in doc.text


def test_near_miss_a_heading_that_repeats_the_title_after_body_text_is_kept(tmp_path):
    # the title again after running text is no banner: nothing before it is dropped
    md = "# 让小城夜市亮起来\n\n夜市是城市的烟火气。小城的夜市正在变得更有序。\n\n## 让小城夜市亮起来\n\n第二段。\n"
    [doc] = read(tmp_path, md)
    assert "夜市是城市的烟火气" in doc.text


def test_share_popup_lines_and_publishing_time_are_page_actions():
    from annotate.sources.patterns import banner_core, is_dropped_line, is_page_action_line
    assert is_page_action_line("分享到微信朋友圈x") and is_page_action_line("微博微信")
    assert is_page_action_line("使用“扫一扫”即可将网页分享至朋友圈。")
    assert is_dropped_line("发布时间：2024/05/06")
    assert banner_core("【让小城夜市亮起来】-某市商务局") == "让小城夜市亮起来"
    # near misses: one share target alone, a sentence about sharing, a dash inside a sentence
    assert not is_page_action_line("微信")
    assert not is_page_action_line("我们要把经验分享给更多的人。")
    assert banner_core("发展是硬道理。改革-开放") is None


def test_a_whole_bold_short_line_is_a_heading_even_with_no_blank_line_under_it(tmp_path):
    md = ("# 小城的夜市\n\n夜市是城市的烟火气。正文继续。\n\n**坚持规划先行 守住街巷秩序**\n"
          "规划是夜市有序的前提。摊位要划线。\n")
    [doc] = read(tmp_path, md)
    kinds = outline(doc)
    assert ("heading", "坚持规划先行 守住街巷秩序") in kinds
    assert ("paragraph", "规划是夜市有序的前提。摊位要划线。") in kinds


def test_near_miss_a_bold_clause_or_part_bold_line_stays_with_its_text(tmp_path):
    md = ("# 小城的夜市\n\n夜市是城市的烟火气。正文继续。\n\n**首先，**\n规划是夜市有序的前提。\n\n"
          "**坚持规划先行**守住\n街巷秩序是夜市的底线。\n")
    [doc] = read(tmp_path, md)
    texts = [t for _, t in outline(doc)]
    assert "首先，规划是夜市有序的前提。" in texts
    assert "坚持规划先行守住街巷秩序是夜市的底线。" in texts


def test_front_matter_after_a_leading_blank_line_and_an_english_gloss_left_out_of_the_claim(tmp_path):
    md = "\n---\ntitle: '读书的用处 On the Use of Reading'\ntags:\n- blog\n---\n一、读书不是为了文凭。正文继续。\n"
    [doc] = read(tmp_path, md)
    assert doc.title == "读书的用处"
    assert "tags" not in doc.text and "blog" not in doc.text
    assert claim(doc, doc.blocks[0]) == "读书的用处"
    # near misses: a rule line at the top with text under it is no front matter; an English
    # word inside a Chinese title stays in the claim
    [doc] = read(tmp_path, "\n---\n\n# 学习 GPT 模型\n\n正文一句。正文两句。\n")
    assert claim(doc, doc.blocks[0]) == "学习 GPT 模型"


def test_a_pasted_blog_bodys_comments_area_and_pager_are_not_article_text(tmp_path):
    md = ("# 小城的夜市\n\n<div class=\"entry\"><p>夜市是城市的烟火气。正文继续。</p>\n"
          "<table class=\"pagenav\"><tr><th class=\"pagenav_prev\"><a href=\"/p\">&lt; Prev</a></th></tr></table>\n"
          "<div class=\"comments-area\" id=\"comments\"><h3>2 Comments</h3><p>写得真好。</p>\n"
          "<div id=\"respond\"><h3>Leave a Reply</h3></div></div></div>\n")
    [doc] = read(tmp_path, md)
    assert "夜市是城市的烟火气" in doc.text
    for chrome in ("Prev", "Comments", "写得真好", "Leave a Reply"):
        assert chrome not in doc.text, chrome
    # near miss: a class that only contains such a word names no comments area
    md = "# 小城的夜市\n\n<div class=\"commentary-body\"><p>夜市是城市的烟火气。正文继续。</p></div>\n"
    [doc] = read(tmp_path, md)
    assert "夜市是城市的烟火气" in doc.text


def test_byline_with_the_signers_position_before_the_name(tmp_path):
    assert byline_names("某市工程研究院研究员 王一鸣") == ["王一鸣"]
    md = "# 让城市更宜居\n\n某市工程研究院研究员 王一鸣\n\n城市是人的家园。正文继续。\n"
    [doc] = read(tmp_path, md)
    assert doc.authors == ["王一鸣"]
    assert ("heading", "某市工程研究院研究员 王一鸣") not in outline(doc)
    # near misses: a phrase that is no name after the position; a position with no name
    assert byline_names("某市工程研究院研究员 发展新质") is None
    assert byline_names("某市工程研究院研究员") is None


def test_a_table_of_contents_repeated_as_headings_is_not_text(tmp_path):
    md = ("---\ntitle: 夜市的来历\n---\n夜市的来历\n\n王一鸣\n\n"
          "一. 夜市的起源\n\n二. 夜市的今天\n\n夜市是城市的烟火气。正文继续。\n\n"
          "**一. 夜市的起源**\n\n夜市起于宋代。街巷开始热闹。\n\n**二. 夜市的今天**\n\n今天的夜市更有序。摊位划了线。\n")
    [doc] = read(tmp_path, md)
    kinds = outline(doc)
    assert [k for k, _ in kinds].count("title") == 1
    assert kinds[1] == ("paragraph", "夜市是城市的烟火气。正文继续。")
    assert [t for k, t in kinds if k == "heading"] == ["一. 夜市的起源", "二. 夜市的今天"]


def test_near_miss_one_numbered_line_before_its_heading_and_an_unrepeated_list_stay(tmp_path):
    md = ("# 夜市的来历\n\n一. 夜市的起源\n\n夜市是城市的烟火气。正文继续。\n\n"
          "## 一. 夜市的起源\n\n夜市起于宋代。街巷开始热闹。\n")
    [doc] = read(tmp_path, md)
    assert doc.text.count("一. 夜市的起源") == 2


def test_a_graphics_credit_line_is_dropped_and_does_not_glue_onto_the_next_line(tmp_path):
    from annotate.sources.patterns import is_dropped_line
    assert is_dropped_line("制图：王一鸣")
    md = "# 夜市的来历\n\n制图：王一鸣\n夜市是城市的烟火气。正文继续。\n"
    [doc] = read(tmp_path, md)
    assert "制图" not in doc.text and "夜市是城市的烟火气。正文继续。" in doc.text
    # near miss: a sentence about drawing maps is text
    assert not is_dropped_line("制图的方法有很多：手绘、测绘、遥感。")


def test_a_bold_question_line_is_a_heading_among_marked_headings(tmp_path):
    """A short line wholly in bold that asks (**二十一世纪是中国的世纪？**) is a heading where the
    article's other headings are marked; in an article that marks none, it is emphasis."""
    md = ("# 圣经、普法及其他\n\n引言一段，交代背景。\n\n**法治的好处是避免政治摊牌**\n\n正文一段。再说一句。\n\n"
          "**二十一世纪是中国的世纪？**\n\n正文又一段。再说一句。\n")
    [doc] = read(tmp_path, md, "a.md")
    assert ("heading", "二十一世纪是中国的世纪？") in outline(doc)
    html = ("<h1>圣经、普法及其他</h1><p>引言一段，交代背景。</p><p><center><strong>法治的好处是避免政治摊牌</strong>"
            "</center></p><p>正文一段。</p><p><center><strong>二十一世纪是中国的世纪？</strong></center></p><p>正文。</p>")
    [doc] = read(tmp_path, html, "b.html")
    assert ("heading", "二十一世纪是中国的世纪？") in outline(doc)
    # near miss: no other heading is marked; a longer bold question with a sentence before it
    [doc] = read(tmp_path, "# 圣经、普法及其他\n\n引言一段，交代背景。\n\n**二十一世纪是中国的世纪？**\n\n正文。\n", "c.md")
    assert ("paragraph", "二十一世纪是中国的世纪？") in outline(doc)
    [doc] = read(tmp_path, md.replace("**二十一世纪是中国的世纪？**", "**有人这样说。二十一世纪是中国的世纪？**"), "d.md")
    assert ("heading", "有人这样说。二十一世纪是中国的世纪？") not in outline(doc)


def test_a_title_set_on_two_heading_lines_of_one_level(tmp_path):
    """<h1>…</h1><h1>…</h1> with nothing between and no later <h1>: a title on two lines (two
    title blocks; the sections under it are <h2>). Near miss: every heading is an <h1>, so the
    second one is the first section, as the later ones are."""
    html = ("<h1>完整准确全面贯彻新发展理念</h1><h1>扎实做好碳达峰碳中和工作</h1><p>引言一段。</p>"
            "<h2>一、深刻认识重大意义</h2><p>正文。</p><h2>二、准确把握基本要求</h2><p>正文。</p>")
    [doc] = read(tmp_path, html, "a.html")
    assert outline(doc)[:3] == [("title", "完整准确全面贯彻新发展理念"), ("title", "扎实做好碳达峰碳中和工作"),
                                ("paragraph", "引言一段。")]
    assert ("heading", "一、深刻认识重大意义") in outline(doc)
    html = ("<h1>端牢中国饭碗</h1><h1>守住耕地红线</h1><p>正文一段。</p>"
            "<h1>藏粮于技</h1><p>正文又一段。</p>")
    [doc] = read(tmp_path, html, "b.html")
    assert outline(doc)[:2] == [("title", "端牢中国饭碗"), ("heading", "守住耕地红线")]


def test_a_breadcrumb_trail_ending_in_a_long_title_is_chrome(tmp_path):
    """首页 > 综述 > 李岚清：…讲话 before the article: a breadcrumb whose last item is the page's long
    title is navigation (no fragment is left); near miss: a sentence with > signs in it is text."""
    html = ("<p>新中国时期 &gt; 综述 &gt; 李岚清：陈毅同志在复旦大学一次令人难忘的讲话</p>"
            "<h1>陈毅同志在复旦大学一次令人难忘的讲话</h1><p>1949年上海解放后，我考进复旦大学。正文继续。</p>")
    docs = read(tmp_path, html, "a.html")
    assert [d.kind for d in docs] == ["article"]
    assert outline(docs[0])[0] == ("title", "陈毅同志在复旦大学一次令人难忘的讲话")
    html = ("<p>甲大于乙，乙 &gt; 丙，所以甲 &gt; 丙，这是传递性。</p>"
            "<h1>陈毅同志在复旦大学一次令人难忘的讲话</h1><p>1949年上海解放后，我考进复旦大学。正文继续。</p>")
    docs = read(tmp_path, html, "b.html")
    assert [d.kind for d in docs] == ["fragment", "article"]


# ---- page furniture below the article ------------------------------------------------

BLOG = """# 政府应当正视民意

近年来，社会对施政的不满日益加深。这种不满是长期累积的结果。

### 一、民意为何流失

政府的决策往往缺乏咨询。许多政策推出前没有听取意见。

### 二、出路何在

政府必须重建与市民的沟通渠道。

#### 作者简介

张三，资深评论员，长期关注社会政策。

### 订阅我们的通讯

每周精选文章，直送你的邮箱。

### 相关文章

- [另一篇文章](https://example.com/a)
"""


def test_furniture_headings_below_the_article_end_it(tmp_path):
    [doc] = read(tmp_path, BLOG, "a.md")
    assert outline(doc)[-1] == ("paragraph", "政府必须重建与市民的沟通渠道。")
    assert "作者简介" not in doc.text and "每周精选" not in doc.text
    # a page in traditional script (read through the simplified shadow)
    hk = ("# 政府應當正視民意\n\n近年來，社會對施政的不滿日益加深。這種不滿並非憑空而來，而是長期累積的結果。\n\n"
          "### 一、民意為何流失\n\n政府的決策往往缺乏諮詢。許多政策在推出前沒有充分聽取市民意見。\n\n"
          "#### 作者簡介\n\n張三，資深評論員，長期關注社會政策。\n\n### 相關文章\n\n- [另一篇](https://example.com/a)\n")
    [doc] = read(tmp_path, hk, "b.md")
    assert outline(doc)[-1] == ("paragraph", "政府的決策往往缺乏諮詢。許多政策在推出前沒有充分聽取市民意見。")


def test_near_miss_furniture_words_in_a_heading_a_sentence_or_before_the_body_stay(tmp_path):
    md = ("# 标题\n\n相关文章\n\n正文第一段。我们要说的话。\n\n## 评论区的相关文章为何失真\n\n"
          "评论是一种表达。作者简介不过几行。\n\n## 二、结论\n\n这是结论。\n")
    [doc] = read(tmp_path, md, "a.md")
    kinds = outline(doc)
    assert ("heading", "评论区的相关文章为何失真") in kinds          # a longer heading that only contains the words
    assert ("paragraph", "评论是一种表达。作者简介不过几行。") in kinds   # in sentences
    assert kinds[-1] == ("paragraph", "这是结论。")


# ---- a crawl's Markdown around centred HTML (a journal's reading site) ---------------------------

QIUSHI_LIKE = ("# 从世界观看政绩观\r\n\r\n**作者**：李 毅\r\n\r\n**来源**：<https://example.com/a.html>\r\n\r\n---\r\n\r\n"
               '<div style="text-align:center">**从世界观看政绩观**</div>\r\n\r\n'
               '<div style="text-align:center">李 毅</div>\r\n\r\n'
               "对党员、干部而言，政绩观是世界观的集中投射。我们必须深入查找剖析政绩观偏差。\r\n\r\n"
               '<div style="text-align:center">**一**</div>\r\n\r\n'
               '<div style="text-align:center">![](https://example.com/1.jpg)</div>\r\n\r\n'
               "马克思主义哲学认为，事物是一个过程的存在。发展是现实的，也是历史的。\r\n")


def test_markdown_bold_inside_centred_html_is_bold_and_the_repeated_title_is_one_article(tmp_path):
    [doc] = read(tmp_path, QIUSHI_LIKE, "a.md")
    assert doc.title == "从世界观看政绩观" and doc.authors == ["李毅"]
    assert "*" not in doc.text and "![" not in doc.text
    assert [k for k, _ in outline(doc)] == ["title", "paragraph", "heading", "paragraph"]


def test_near_miss_a_lone_double_star_in_html_stays_text(tmp_path):
    [doc] = read(tmp_path, "# 标题\n\n<div>幂写作 2**3，结果是八。我们要记住。</div>\n", "a.md")
    assert "2**3" in doc.text


def test_a_collective_author_under_the_title_is_the_byline(tmp_path):
    [doc] = read(tmp_path, "# 如何更好凝聚新就业群体\n\n全国党建研究会调研组\n\n新就业群体规模持续扩大。我们要做好服务。\n", "a.md")
    assert doc.title == "如何更好凝聚新就业群体" and doc.authors == ["全国党建研究会调研组"]
    # near miss: a heading that only ends in similar characters is no author
    assert byline_names("加强基层党组织建设") is None and byline_names("发挥课题组作用的三点思考。") is None


# ---- a plain-text file's header block ----------------------------------------------------------

HEADER_TXT = ("【来源与档案】\n编号：F28\n报道标题：某某评论 | 写好邮件为何成了知识盲区\n发布媒体：某某评论\n"
              "发布日期：2026-09-18 08:00\n原文链接：https://example.com/a\n\n【正文】\n\n"
              "很多年轻人写邮件时不知所措。这是一个普遍现象。\n\n一\n\n邮件是职场沟通的基本功。我们要重视它。\n")


def test_a_header_block_of_fields_is_metadata_and_its_title_field_the_title(tmp_path):
    [doc] = read(tmp_path, HEADER_TXT, "a.txt")
    assert doc.title == "写好邮件为何成了知识盲区" and doc.column == "某某评论"
    assert doc.meta["header"]["发布日期"] == "2026-09-18 08:00" and doc.meta["header"]["编号"] == "F28"
    assert [k for k, _ in outline(doc)] == ["title", "paragraph", "heading", "paragraph"]
    assert "原文链接" not in doc.text and "【" not in doc.text


def test_near_miss_two_fields_or_an_interview_opening_stay_text(tmp_path):
    # two fields are no header block (and the title line stands)
    [doc] = read(tmp_path, "标题：城市更新的路径\n来源：某报\n\n城市更新要以人为本。这是共识。\n", "a.txt")
    assert "header" not in doc.meta
    # interview turns are sentences, not field values
    txt = "访谈录\n\n主持人：您怎么看城市更新？\n嘉宾：城市更新要以人为本。\n主持人：为什么？\n嘉宾：因为人是城市的主体。\n"
    [doc] = read(tmp_path, txt, "b.txt")
    assert "header" not in doc.meta and "主持人：您怎么看城市更新？" in doc.text


# ---- the title printed twice; numeric date lines -----------------------------------------------

def test_the_title_printed_again_as_a_heading_is_one_title_and_a_numeric_date_is_a_date_line(tmp_path):
    md = ("# 某某专栏｜政府应当正视民意\n\n2020-01-01\n\n## 政府应当正视民意\n\n近年来，社会对施政的不满日益加深。这是累积的结果。\n\n"
          "### 一、民意为何流失\n\n政府的决策往往缺乏咨询。许多政策推出前没有听取意见。\n")
    [doc] = read(tmp_path, md, "a.md")
    assert doc.meta["date_line"] == "2020-01-01"
    assert [k for k, _ in outline(doc)] == ["title", "paragraph", "heading", "paragraph"]   # 一、 is the section


def test_near_miss_a_heading_that_only_starts_like_the_title_or_comes_after_the_body_stays(tmp_path):
    md = ("# 政府应当正视民意\n\n## 政府应当正视民意的三个理由\n\n近年来，不满日益加深。这是累积的结果。\n\n"
          "## 政府应当正视民意\n\n所以要正视。我们要记住这一点。\n")
    [doc] = read(tmp_path, md, "a.md")
    assert [t for k, t in outline(doc) if k == "heading"] == ["政府应当正视民意的三个理由", "政府应当正视民意"]
    assert is_date_line("2020/1/1 08:30") and not is_date_line("2020-01-01 发布会") and not is_date_line("1.2.3")


# ---- hard-wrapped text, and a .md file with no Markdown in it ---------------------------------------

def _wrapped(paragraph: str, width: int = 12) -> list[str]:
    return [paragraph[i:i + width] for i in range(0, len(paragraph), width)]


WRAPPED = "\n".join(
    ["知识分子的中古遗风", "一、谁是知识分子？"]
    + _wrapped("我到现在还不确切知道什么人算是知识分子，什么人不算。插队的时候，军代表说过我是知识分子。那年我十七岁，上过六年小学")
    + _wrapped("如果到历史上去找知识分子，先秦诸子当然是知识分子，但是距离太遥远。到了中古，我们找到的对应物就是读书人，这是真的")
    + ["二、中古遗风何在"]
    + _wrapped("现代中国的知识分子，中古的遗风多些，首先表现在受约束上。我们应该放弃这种遗风，这是我的看法。还要说明一点道理"))


def test_hard_wrapped_lines_join_and_a_narrower_line_ends_its_paragraph(tmp_path):
    for name in ("a.txt", "b.md"):   # a .md file with no Markdown in it is read as text
        [doc] = read(tmp_path, WRAPPED, name)
        assert doc.title == "知识分子的中古遗风"
        kinds = outline(doc)
        assert [k for k, _ in kinds] == ["title", "heading", "paragraph", "paragraph", "heading", "paragraph"]
        assert kinds[2][1].endswith("上过六年小学") and kinds[3][1].startswith("如果到历史上去找")


def test_near_miss_lines_of_all_widths_and_real_markdown_read_as_before(tmp_path):
    ragged = "标题\n\n第一行稍短一点，\n第二行要长一些才行，\n第三行。\n"
    [doc] = read(tmp_path, ragged, "a.txt")
    assert ("paragraph", "第一行稍短一点，第二行要长一些才行，第三行。") in outline(doc)
    [doc] = read(tmp_path, "# 标题\n\n**要点。**正文在这里。\n", "b.md")
    assert doc.title == "标题" and doc.blocks[1].bold


def test_one_count_of_sections_across_two_numbering_styles_is_one_level(tmp_path):
    txt = ("标题\n\n引言一句。这是开头。\n\n(一)第一个问题\n\n正文一。说明一。\n\n(二)第二个问题\n\n正文二。说明二。\n\n"
           "三、第三个问题\n\n正文三。说明三。\n\n(四)第四个问题\n\n正文四。说明四。\n")
    [doc] = read(tmp_path, txt, "a.txt")
    assert [k for k, _ in outline(doc) if k != "paragraph"] == ["title"] + ["heading"] * 4
    # near miss: （一）（二） counted again under each 一、/二、 are a level below
    txt = ("标题\n\n一、第一部分\n\n（一）甲\n\n正文。说明。\n\n（二）乙\n\n正文。说明。\n\n二、第二部分\n\n（一）丙\n\n正文。说明。\n")
    [doc] = read(tmp_path, txt, "b.txt")
    assert [k for k, _ in outline(doc) if k != "paragraph"] == ["title", "heading", "subheading", "subheading",
                                                                 "heading", "subheading"]


# ---- reposts of WeChat posts in static-site archives (dev3 family d) --------------------

def test_a_contents_list_set_again_as_headings_without_its_numbers_goes_with_its_heading(tmp_path):
    md = ("---\ntitle: 夜市的来历\n---\n夜市是城市的烟火气。正文继续。\n\n## 目次\n\n"
          "一、夜市的起源\n\n二、夜市的今天\n\n## 夜市的起源\n\n夜市起于宋代。街巷开始热闹。\n\n"
          "## 夜市的今天\n\n今天的夜市更有序。摊位划了线。\n")
    [doc] = read(tmp_path, md)
    kinds = outline(doc)
    assert "目次" not in doc.text and "一、夜市的起源" not in doc.text
    assert [t for k, t in kinds if k == "heading"] == ["夜市的起源", "夜市的今天"]
    # near miss: a numbered list that is not set again further down is text, and so is its heading
    md = "# 夜市的来历\n\n## 目次\n\n一、夜市的起源\n\n二、夜市的今天\n\n夜市是城市的烟火气。正文继续。\n"
    [doc] = read(tmp_path, md, "b.md")
    assert "一、夜市的起源" in doc.text and "目次" in doc.text


def test_a_repost_provenance_line_is_no_title_and_strikethrough_marks_are_markup(tmp_path):
    from annotate.sources.patterns import is_repost_line
    assert is_repost_line("原文来自「某某 新闻实验室」：~~[夜市的来历](https://mp.weixin.qq.com/s/x)~~")
    assert is_repost_line("本文转自微信公众号：「中国法律评论」")
    assert is_repost_line("选自《城市评论》2019年第3期")
    # near misses: body sentences that open alike
    assert not is_repost_line("来自山区的孩子们，第一次看到了大海。")
    assert not is_repost_line("选自己喜欢的专业，是每个学生的权利。")
    md = ("---\n\ntitle: \"夜市的来历\"\n\n---\n\n原文来自「城市观察」：~~[夜市的来历](https://mp.weixin.qq.com/s/x)~~\n\n---\n\n"
          "夜市是城市的烟火气。正文继续。\n\n## 夜市的起源\n\n夜市起于宋代。街巷~~开始~~热闹。\n")
    [doc] = read(tmp_path, md)
    kinds = outline(doc)
    assert kinds[0] == ("title", "夜市的来历") and [k for k, _ in kinds].count("title") == 1
    assert "原文来自" not in doc.text and "~~" not in doc.text and "街巷开始热闹。" in doc.text


def test_a_front_matter_title_heads_a_body_with_section_headings_but_no_title_of_its_own(tmp_path):
    md = "---\ntitle: 夜市的来历\n---\n\n夜市是城市的烟火气。正文继续。\n\n## 夜市的起源\n\n夜市起于宋代。街巷开始热闹。\n"
    [doc] = read(tmp_path, md)
    kinds = outline(doc)
    assert kinds[0] == ("title", "夜市的来历")
    assert ("heading", "夜市的起源") in kinds
    # near misses: the body's own level-1 title, or the title printed as the first line, is the title, once
    md = "---\ntitle: 夜市\n---\n\n# 夜市的来历\n\n夜市是城市的烟火气。正文继续。\n\n## 夜市的起源\n\n夜市起于宋代。\n"
    [doc] = read(tmp_path, md, "b.md")
    assert outline(doc)[0] == ("title", "夜市的来历") and "夜市\n" not in doc.text[:4]
    md = "---\ntitle: 夜市的来历\n---\n\n夜市的来历\n\n夜市是城市的烟火气。正文继续。\n\n## 夜市的起源\n\n夜市起于宋代。\n"
    [doc] = read(tmp_path, md, "c.md")
    assert [k for k, _ in outline(doc)].count("title") == 1 and doc.text.count("夜市的来历") == 1


def test_paragraphs_run_together_after_full_width_indents_and_an_entity_title(tmp_path):
    md = ("---\nlayout: default\ntitle: '分析&#8220;夜市&#8221;&#65306;城市的烟火气'\n---\n"
          "　　夜市是城市的烟火气。正文继续。　　第二段从这里开始。还有一句。\n")
    [doc] = read(tmp_path, md)
    kinds = outline(doc)
    assert kinds[0] == ("title", "分析“夜市”：城市的烟火气")
    assert kinds[1:] == [("paragraph", "夜市是城市的烟火气。正文继续。"), ("paragraph", "第二段从这里开始。还有一句。")]
    # near miss: full-width spaces inside a sentence (not after its end) are no paragraph break
    md = "# 夜市\n\n夜市是城市的　　烟火气。正文继续。\n"
    [doc] = read(tmp_path, md, "b.md")
    assert len([k for k, _ in outline(doc) if k == "paragraph"]) == 1


# ---- one blog's Hugo posts (dev3 family g) ------------------------------------------------

def test_a_front_matter_title_is_one_title_even_with_a_dash_and_a_body_title_line_is_cut(tmp_path):
    md = "---\ntitle: '夜市的来历&#8212;&#8212;为啥城市离不开它？'\n---\n\n　　夜市是城市的烟火气。正文继续。\n"
    [doc] = read(tmp_path, md)
    assert outline(doc)[0] == ("title", "夜市的来历——为啥城市离不开它？") and "subtitle" not in doc.meta
    # near miss: a title line of the body with a —— subtitle is still cut (test above)
    [doc] = read(tmp_path, "# 把握发展主动权——写在某某会议召开之际\n\n正文。正文继续。\n", "b.md")
    assert doc.title == "把握发展主动权"


def test_a_bold_label_ending_at_a_colon_is_no_heading_and_a_list_item_after_a_sentence_item_is_no_heading(tmp_path):
    md = ("# 夜市\n\n夜市是城市的烟火气。正文继续。\n\n**不正常的地方：**\n\n摊位太挤。通道太窄。\n\n"
          "1. 摊位应当划线。这样更有序。\n\n2. 通道应当留宽。这样更安全。\n\n3. 卫生要有人管，垃圾要分类（具体办法见下文）\n")
    [doc] = read(tmp_path, md)
    kinds = outline(doc)
    assert ("heading", "不正常的地方：") not in kinds and ("paragraph", "不正常的地方：") in kinds
    assert ("paragraph", "3. 卫生要有人管，垃圾要分类（具体办法见下文）") in kinds
    # near misses: a bold line that ends no clause is a heading; numbered headings in a row stay headings
    md = "# 夜市\n\n**夜市的起源**\n\n夜市起于宋代。街巷开始热闹。\n\n1. 夜市的今天\n\n今天的夜市更有序。\n\n2. 夜市的明天\n\n明天更好。\n"
    [doc] = read(tmp_path, md, "b.md")
    heads = [t for k, t in outline(doc) if k in ("heading", "subheading")]
    assert heads == ["夜市的起源", "1. 夜市的今天", "2. 夜市的明天"]


def test_blockquoted_paragraphs_inside_running_text_are_notes_not_text_to_annotate(tmp_path):
    body = "".join(f"夜市是城市的烟火气，第{i}段说的是摊位和灯火。正文继续。\n\n" for i in range(6))
    md = "# 夜市\n\n" + body + "> 要深入开展夜市管理，严密防范各种风险。要加强卫生管理。\n\n夜市还会更好。\n"
    [doc] = read(tmp_path, md)
    assert doc.meta.get("blockquotes") == "要深入开展夜市管理，严密防范各种风险。要加强卫生管理。"
    assert [b.kind for b in doc.blocks if "深入开展" in doc.text[b.start:b.end]] == ["note"]
    # near misses: a repost set wholly in > is the article; a short byline in > is no quotation
    md = "# 夜市\n\n> 王一鸣\n\n" + "".join("> " + line + "\n>\n" for line in body.split("\n\n") if line)
    [doc] = read(tmp_path, md, "b.md")
    assert "blockquotes" not in doc.meta and doc.authors == ["王一鸣"]


def test_a_line_of_links_underlined_as_a_heading_is_a_heading_and_a_bare_one_is_navigation(tmp_path):
    md = ("[王一鸣 | 夜市的来历](https://example.com/a)\n--------------------------------\n\n"
          "夜市是城市的烟火气。正文继续。\n\n[相关文章](https://example.com/b)\n\n夜市起于宋代。\n")
    [doc] = read(tmp_path, md)
    assert doc.title == "夜市的来历"
    assert "相关文章" not in doc.text          # near miss: a link alone on its line is navigation


def test_a_row_of_several_links_over_a_rule_is_a_menu_not_a_title(tmp_path):
    md = ("[首页](https://example.com/) | [评论](https://example.com/c)\n------\n\n# 夜市的来历\n\n"
          "夜市是城市的烟火气。正文继续。\n")
    [doc] = read(tmp_path, md)
    assert doc.title == "夜市的来历" and "首页" not in doc.text
