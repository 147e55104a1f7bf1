"""The readers cost time linear in their input (issue 7): deep HTML nesting, long
Markdown and text files, inputs shaped to hit a rescan (unclosed comments,
brackets, torn paragraphs glued piece by piece).

Each test compares two sizes in the same run (10x apart) and fails only on a
super-linear ratio; the bounds are generous so that a busy machine does not
trip them (linear ≈ 10, quadratic ≈ 100)."""
from __future__ import annotations

import json

import time

import pytest

from annotate.sources import html, read_file
from annotate.sources.articles import build

RATIO = 30   # for inputs 10x apart


def _best(fn, repeat: int = 3) -> float:
    """Least CPU time of this process over `repeat` runs: other processes on a busy
    machine do not count, and the least run is the one least disturbed."""
    best = float("inf")
    for _ in range(repeat):
        t = time.process_time()
        fn()
        best = min(best, time.process_time() - t)
    return max(best, 5e-3)


def _read_html(doc: str) -> None:
    _meta, blocks = html.parse(doc)
    build(blocks, source="x.html", path="x.html")


@pytest.mark.parametrize("shape", [
    lambda n: "<p>" + "<span>" * n + "要求我们前进。" + "</span>" * n + "</p>",
    lambda n: "<p>" + "<b>要" * n + "</p>",                 # text at every depth
    lambda n: "<div>" * n + "字。" + "</td>" * n,            # stray end tags, nothing to close
    lambda n: "<ul>" + "<span><li>条" * n + "</ul>",         # self-closing siblings under deep inline
    # no title, stray </p> breaks, indented paragraphs with no final punctuation
    lambda n: "<p> </p> ▌标题——副标题" + "</p>　　一段没有标点的文字" * n,
], ids=["nested-span", "nested-bold-text", "stray-end-tags", "li-under-spans", "stray-p-indents"])
def test_deep_html_nesting_is_linear(shape):
    small = _best(lambda: _read_html(shape(2_000)))
    big = _best(lambda: _read_html(shape(20_000)), repeat=2)
    assert big < 10, f"20,000 nested tags took {big:.1f} s"
    assert big / small < RATIO, f"2k: {small:.3f} s, 20k: {big:.3f} s"


_NAV = "<ul class='nav'>" + "".join(f"<li><a href='/c{i}'>栏目{i}</a></li>" for i in range(30)) + "</ul>"


def _wide_page(n: int) -> str:
    return ("<html><head><title>某某网</title></head><body>" + _NAV + "<div class='article'><h1>标题</h1>"
            + "<p>　　这是一段正文，讲的是发展为了人民的道理，写得长一些。</p>" * n
            + "</div><div class='footer'><p>版权所有 某某网</p></div></body></html>")


@pytest.mark.parametrize("shape,n", [
    # a whole page: trafilatura locates the article among a menu and a footer
    (_wide_page, 500),
    # … with as many menu lines that are no links, each of which the alignment passes over
    (lambda n: ("<html><body>" + "<p>菜单</p>" * n + "<div><h1>标题</h1>"
                + "<p>正文一句，说得长一些才像正文。</p><br><br>" * n + "</div></body></html>"), 500),
    # pages too large (in elements) or too deep for the extractor are read whole
    (_wide_page, 3_000),
    (lambda n: "<html><body>" + "<div>" * n + "<p>要求我们前进。</p>" + "</div>" * n + "</body></html>", 2_000),
], ids=["page-wide", "page-menu-lines", "page-too-many-elements", "page-too-deep"])
def test_whole_pages_through_the_extractor_are_linear(shape, n):
    small = _best(lambda: _read_html(shape(n)), repeat=2)
    big = _best(lambda: _read_html(shape(10 * n)), repeat=2)
    assert big < 30, f"a page of {10 * n:,} paragraphs took {big:.1f} s"
    assert big / small < RATIO, f"{n}: {small:.3f} s, {10 * n}: {big:.3f} s"


def test_the_linear_page_shapes_reach_the_extractor_and_its_guards():
    assert html.parse(_wide_page(5_000))[0]["page_body"] == "trafilatura"
    assert html.parse(_wide_page(30_000))[0]["page_body"] == "whole page: more than 25,000 elements"


def test_deep_html_text_is_all_read():
    _meta, blocks = html.parse("<p>" + "<b>要" * 20_000 + "</p>")
    assert len(blocks) == 1 and blocks[0].text == "要" * 20_000
    assert blocks[0].bold == [(0, 20_000)]


def _md_paragraphs(k: int) -> str:
    return "# 标题\n\n王一鸣\n\n" + "".join(
        f"**要点{i}。**这是第{i}段，“引用的话。”正文内容继续。\n\n" for i in range(k))


def _txt_torn_lines(k: int) -> str:
    # one line per block, none finished: every line is glued to the paragraph before it
    return "标题\n" + "".join(f"这是一行没有标点的文字“{i}\n" for i in range(k))


@pytest.mark.parametrize("suffix,make,k", [
    (".md", _md_paragraphs, 3_000),
    (".txt", _txt_torn_lines, 7_000),
    (".md", lambda k: "# 标题\n\n" + "<!--" * (k * 10), 5_000),   # unclosed comments
    (".md", lambda k: "# 标题\n\n" + "[" * (k * 40), 5_000),      # unclosed link brackets
    (".md", lambda k: "# 标" + " " * (k * 40) + "题\n\n正文。", 5_000),  # a long space run in a heading
    (".md", lambda k: "# 标题\n\n" + "> " * (k * 4) + "正文。\n", 5_000),  # one line nested 20k / 200k deep
    (".md", lambda k: "▌" * (k * 40) + "标题——" * k + "\n\n正文。\n", 5_000),   # ornaments, dashes
    (".txt", lambda k: "　　一行没有标点的文字\n" * k, 7_000),                 # untitled, all indented
    # raw HTML inside Markdown, one block, headings set by colour (issue 13)
    (".md", lambda k: "# 标题\n\n" + "".join(f"<p><span style='color:#c00000'>小标题{i}</span></p>\n"
                                             f"<p style='font-size:16px'>正文第{i}段。⑴</p>\n" for i in range(k)), 3_000),
    # number-only section lines and footnote markers at paragraph ends
    (".txt", lambda k: "标题\n" + "".join(f"{i % 50 + 1}\n　　正文一段文字⑴\n　　又一段。〔2〕\n" for i in range(k)), 3_000),
    # a whole article flattened on one line: paragraphs joined by spaces; then a long run of gaps
    # between short pieces after two paragraph gaps (each piece a heading candidate)
    (".txt", lambda k: "标题\n" + "这是一句话。 " * (k * 4) + "\n", 3_000),
    (".txt", lambda k: "标题\n开头一句。 中间又一句。 " + "字，字字 " * k + "\n", 1_000),
    # a body joined by nothing: a short lead after each long run; one sentence end, then no other
    (".txt", lambda k: "标题\n" + ("长句" * 20 + "。短的一句。") * k + "\n", 1_000),
    (".txt", lambda k: "标题\n开头一句。" + "字" * (k * 40) + "\n", 1_000),
    # traditional script: read as its shadow, its characters given back
    (".md", lambda k: "# 標題\n\n劉  鑫\n\n" + "".join(f"**要點{i}。**這是第{i}段，「引用的話。」說明發展。\n\n" for i in range(k)), 3_000),
    # a body pasted as a Python repr on one line, and one whose literal never closes (decoded in place)
    (".md", lambda k: "# 标题\n\n" + repr([{"type": "text", "value": "\u3000\u3000这是一段话。\n\n" * k}]) + "\n", 3_000),
    (".txt", lambda k: "标题\n\n[{'value': '" + "这是一段话。\\n\\u3000\\'" * k + "\n", 3_000),
    # an article kept as a JSON record, its body a list of paragraphs; a JS literal of such records
    (".json", lambda k: json.dumps({"title": "标题", "paragraphs": ["&emsp;&emsp;这是一段话。我们要坚持。"] * k},
                                   ensure_ascii=False), 3_000),
    (".txt", lambda k: "[" + "{title: '标题', content: ['这是一段话。', '又一段。'],}," * (k // 10 + 1) + "]", 3_000),
    # a site's database dump: rows of articles in INSERT statements (sqlglot in the path)
    (".sql", lambda k: "CREATE TABLE `a` (`id` int, `title` varchar(99), `content` text);\n" + "".join(
        f"INSERT INTO `a` VALUES ({i},'标题{i}','<p>这是一段话，我们要坚持\\'实事求是\\'。又一句话说明问题。</p>');\n"
        for i in range(k // 10 + 1)), 3_000),
    # reStructuredText through docutils: underlined sections with paragraphs and links
    (".rst", lambda k: "标题\n====\n\n" + "".join(f"第{i}节\n------\n\n这是一段话，见 `链接 <http://a.b/{i}>`__ 。我们要坚持。\n\n"
                                                   for i in range(k // 10 + 1)), 3_000),
], ids=["md-paragraphs", "txt-torn-lines", "md-unclosed-comments", "md-brackets", "md-atx-spaces",
        "md-nested-quotes", "md-ornaments-dashes", "txt-indented-lines", "md-raw-html-styled", "txt-numbers-footnotes",
        "txt-flattened-paragraphs", "txt-flattened-gaps",
        "md-traditional", "txt-joined-leads", "txt-joined-one-end", "md-escaped-repr", "txt-escaped-unclosed", "json-record",
        "txt-js-records", "sql-dump-rows", "rst-sections"])
def test_long_files_read_in_linear_time(tmp_path, suffix, make, k):
    """~0.2 MB vs ~2 MB of the same shape."""
    small, big = tmp_path / f"small{suffix}", tmp_path / f"big{suffix}"
    small.write_text(make(k), encoding="utf-8")
    big.write_text(make(k * 10), encoding="utf-8")
    t_small = _best(lambda: read_file(small))
    t_big = _best(lambda: read_file(big), repeat=2)
    assert t_big / t_small < RATIO, f"{small.stat().st_size} B: {t_small:.3f} s, {big.stat().st_size} B: {t_big:.3f} s"


def test_torn_lines_join_into_one_paragraph(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text(_txt_torn_lines(500), encoding="utf-8")
    (doc,) = read_file(f)
    body = [b for b in doc.blocks if b.kind == "paragraph"]
    assert doc.text.count("这是一行") == 500
    assert len(body) == 1 and doc.text[body[0].start:body[0].end].count("这是一行") >= 499
