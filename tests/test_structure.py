"""The outline of real layouts (issue 8, item 1): each structural behaviour has a hit
and a near miss, on small made-up articles, in the formats where it occurs."""
from __future__ import annotations

from pathlib import Path

from annotate.sources import read_file
from annotate.sources.patterns import byline_names, title_tag

from test_sources_helpers import check_invariants


def read(tmp_path: Path, text: str, name: str = "a.md"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    docs = read_file(p)
    for d in docs:
        check_invariants(d)
    return docs


def outline(doc):
    return [(b.kind, doc.text[b.start:b.end]) for b in doc.blocks]


def claim(doc, block):
    s, e = block.claim or (block.start, block.end)
    return doc.text[s:e]


# ---- bylines -------------------------------------------------------------------

def test_byline_with_outlet_and_spaced_names():
    assert byline_names("许  可《光明日报》（2024年03月01日第 11 版）") == ["许可"]
    assert byline_names("胡  飞  钱  晴") == ["胡飞", "钱晴"]
    assert byline_names("欧阳明  孔  云") == ["欧阳明", "孔云"]


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
