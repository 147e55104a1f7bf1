"""The same article as Markdown, HTML and plain text; encodings; inline markup."""
from __future__ import annotations

from pathlib import Path

import pytest

from annotate.sources import read_file

from reader_helpers import check_invariants

MD = """\
# 【学思践悟】坚持创新驱动发展

——写在新质生产力提出一周年之际

张三 李四

编者按：本文讨论创新。

创新是引领发展的第一动力。我们要坚持创新驱动。

## 一、加强基础研究

**加强原创性研究。**基础研究是源头&amp;根本。习近平总书记指出：“要加强基础研究，

从源头解决问题。”这为我们指明了方向。

图为某实验室。

## 二、完善体制机制

要深化改革，完善制度𠮷。

（作者为某大学教授）
"""

HTML = """\
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>页面标题 - 某网站</title>
<style>p { margin: 0 }</style></head>
<body>
<h1>【学思践悟】坚持创新驱动发展</h1>
<p>——写在新质生产力提出一周年之际</p>
<p>张三&nbsp;李四</p>
<p>编者按：本文讨论创新。</p>
<p>&nbsp;创新是引领发展的第一动力。我们要坚持创新驱动。</p>
<p style="font-family: 黑体; font-size: 16pt">一、加强基础研究</p>
<p><strong>加强原创性研究。</strong>基础研究是源头&amp;根本。习近平总书记指出：&ldquo;要加强基础研究，</p>
<p>从源头解决问题。&rdquo;这为我们指明了
方向。</p>
<p>图为某实验室。</p>
<h2>二、完善体制机制</h2>
<p>要深化改革，完善制度&#x20BB7;。&nbsp;</p>
<p>（作者为某大学教授）</p>
<script>document.write("<p>不是正文。</p>")</script>
</body></html>
"""

TXT = """\
【学思践悟】坚持创新驱动发展
——写在新质生产力提出一周年之际
张三 李四
编者按：本文讨论创新。
　　创新是引领发展的第一动力。我们要坚持创新驱动。
一、加强基础研究
　　加强原创性研究。基础研究是源头&根本。习近平总书记指出：“要加强基础研究，
从源头解决问题。”这为我们指明了方向。
图为某实验室。
二、完善体制机制
　　要深化改革，完善制度𠮷。
（作者为某大学教授）
"""

EXPECTED = """\
【学思践悟】坚持创新驱动发展

创新是引领发展的第一动力。我们要坚持创新驱动。

一、加强基础研究

加强原创性研究。基础研究是源头&根本。习近平总书记指出：“要加强基础研究，从源头解决问题。”这为我们指明了方向。

二、完善体制机制

要深化改革，完善制度𠮷。"""


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    p = tmp_path / name
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return p


@pytest.mark.parametrize("name,data", [("a.md", MD), ("a.html", HTML), ("a.htm", HTML), ("a.txt", TXT)])
def test_same_article_in_every_format(tmp_path, name, data):
    [doc] = read_file(write(tmp_path, name, data))
    check_invariants(doc)
    assert doc.text == EXPECTED
    assert doc.kind == "article" and doc.index == 0 and doc.source == name
    assert doc.title == "坚持创新驱动发展"
    assert doc.column == "学思践悟"
    assert doc.authors == ["张三", "李四"]
    assert doc.author_note == "作者为某大学教授"
    assert doc.meta["subtitle"] == "——写在新质生产力提出一周年之际"
    assert doc.meta["editor_note"] == "本文讨论创新。"
    assert [b.kind for b in doc.blocks] == ["title", "paragraph", "heading", "paragraph", "heading", "paragraph"]
    title = doc.blocks[0]
    assert doc.text[title.claim[0]:title.claim[1]] == "坚持创新驱动发展"
    assert all(b.claim is None for b in doc.blocks[1:])
    bold = [doc.text[s:e] for b in doc.blocks for s, e in b.bold]
    assert bold == ([] if name.endswith(".txt") else ["加强原创性研究。"])


@pytest.mark.parametrize("name,data", [("a.md", MD), ("a.html", HTML), ("a.txt", TXT)])
def test_source_lines_per_format(tmp_path, name, data):
    [doc] = read_file(write(tmp_path, name, data))
    lines = data.split("\n")
    i = doc.text.index("从源头解决问题")
    assert "从源头解决问题" in lines[doc.source_line(i) - 1]
    assert "要加强基础研究" in lines[doc.source_line(i - 1) - 1]
    for b in doc.blocks:
        assert doc.text[b.start] in lines[b.line - 1]


def test_astral_offsets(tmp_path):
    [doc] = read_file(write(tmp_path, "a.md", "# 𠮷野家\n\n**𠮷𠮷。**𠮷字在这里。\n"))
    assert doc.text == "𠮷野家\n\n𠮷𠮷。𠮷字在这里。"
    para = doc.blocks[1]
    assert (para.start, para.end) == (5, 14)
    assert para.bold == [(5, 8)] and doc.text[5:8] == "𠮷𠮷。"
    assert doc.title == "𠮷野家"


# ---- encodings and line ends ---------------------------------------------------------
@pytest.mark.parametrize("name,data", [("a.md", MD), ("a.txt", TXT), ("a.html", HTML)])
def test_encodings_read_identically(tmp_path, name, data):
    ref = read_file(write(tmp_path, "ref_" + name, data))[0]
    variants = {
        "gb18030": data.encode("gb18030"),
        "gbk": data.replace("𠮷", "吉").replace("&#x20BB7;", "吉").encode("gbk"),
        "bom": b"\xef\xbb\xbf" + data.encode("utf-8"),
        "crlf": data.replace("\n", "\r\n").encode("utf-8"),
        "cr": data.replace("\n", "\r").encode("utf-8"),
        "utf16": data.encode("utf-16"),
    }
    for label, raw in variants.items():
        doc = read_file(write(tmp_path, f"{label}_{name}", raw))[0]
        want = ref.text.replace("𠮷", "吉") if label == "gbk" else ref.text
        assert doc.text == want, label
        assert doc.line_map == ref.line_map, label
        assert [(b.kind, b.start, b.end, b.line, b.bold) for b in doc.blocks] == \
            [(b.kind, b.start, b.end, b.line, b.bold) for b in ref.blocks], label


# ---- Markdown details ----------------------------------------------------------------
def test_front_matter(tmp_path):
    md = ("---\nsource: \"orig.txt\"\ntitle: 覆盖标题\nauthors: [甲乙, 丙丁]\ntags:\n  - 理论\n  - 评论\n"
          "date: 2024-03-01\n---\n\n# 正文标题\n\n正文第一段。\n")
    [doc] = read_file(write(tmp_path, "orig.md", md))
    assert doc.source == "orig.txt" and doc.path == str(tmp_path / "orig.md")
    assert doc.title == "覆盖标题" and doc.authors == ["甲乙", "丙丁"]
    assert doc.meta == {"tags": ["理论", "评论"], "date": "2024-03-01"}
    assert doc.text == "正文标题\n\n正文第一段。"
    assert doc.blocks[0].line == 11 and doc.blocks[1].line == 13


def test_front_matter_title_without_heading(tmp_path):
    [doc] = read_file(write(tmp_path, "t.md", "---\ntitle: 只在元数据里的标题\n---\n正文第一段。\n"))
    assert doc.kind == "article" and doc.title == "只在元数据里的标题"
    assert doc.text == "只在元数据里的标题\n\n正文第一段。"
    assert doc.blocks[0].kind == "title" and doc.blocks[0].line == 2


def test_front_matter_title_tag_cut_and_singular_author(tmp_path):
    """人民日报 vault files: `title:` carries the series tag and `author:` the padded names; the
    tag is cut as in a title found in the text (it becomes the column), the names are read."""
    md = ("---\ntitle: \"坚定不移走好发展之路（人民要论）\"\nauthor: \"焦  捷  陆  毅\"\n---\n\n"
          "# 坚定不移走好发展之路（人民要论）\n\n正文第一段。\n")
    [doc] = read_file(write(tmp_path, "rm.md", md))
    assert doc.title == "坚定不移走好发展之路" and doc.column == "人民要论"
    assert doc.authors == ["焦捷", "陆毅"]
    # a plain title with no tag stays as it is
    [doc] = read_file(write(tmp_path, "t2.md", "---\ntitle: 只有标题\nauthor: 王一鸣\n---\n正文第一段。\n"))
    assert doc.title == "只有标题" and doc.column is None and doc.authors == ["王一鸣"]


def test_no_front_matter_and_not_front_matter(tmp_path):
    [doc] = read_file(write(tmp_path, "x.md", "# 标题\n\n---\n\n正文。\n"))
    assert doc.source == "x.md" and doc.text == "标题\n\n正文。"


def test_unbalanced_bold_markers(tmp_path):
    md = "# 标题\n\n**加强领导。**正文**未闭合的粗体。\n\n**只有开头\n"
    docs = read_file(write(tmp_path, "u.md", md))
    [doc] = docs
    check_invariants(doc)
    assert doc.text == "标题\n\n加强领导。正文未闭合的粗体。\n\n只有开头"
    assert [doc.text[s:e] for s, e in doc.blocks[1].bold] == ["加强领导。"]
    assert doc.blocks[2].bold == []


def test_unbalanced_quote_does_not_swallow_next_paragraph(tmp_path):
    md = "# 标题\n\n他说：“没有闭合的引号。\n\n下一段是独立的。\n\n他说：“跨页的引文，\n\n接着说完。”后文。\n"
    [doc] = read_file(write(tmp_path, "q.md", md))
    check_invariants(doc)
    assert doc.text.split("\n\n")[1:] == ["他说：“没有闭合的引号。", "下一段是独立的。", "他说：“跨页的引文，接着说完。”后文。"]


def test_quote_ending_in_full_stop_continues_when_next_closes_it(tmp_path):
    md = "# 标题\n\n总书记指出：“第一句。\n\n第二句。”这很重要。\n"
    [doc] = read_file(write(tmp_path, "q.md", md))
    assert doc.text == "标题\n\n总书记指出：“第一句。第二句。”这很重要。"


def test_markdown_inline_and_blocks(tmp_path):
    md = ("# 标题 #\n\n> 引用的一段，\n> 跨两行。\n\n- 列表项一。\n- 列表项二。\n\n"
          "含[链接](http://x.cn)和`代码`与\\*星号\\*和![图](a.png)。  \n硬换行之后。\n\n"
          "<!-- 注释\n多行 -->\n__下划线粗体__也算。\n\n副标题\n---\n\n结尾*强调*。\n")
    [doc] = read_file(write(tmp_path, "m.md", md))
    check_invariants(doc)
    assert doc.text.split("\n\n") == ["标题", "引用的一段，跨两行。", "列表项一。", "列表项二。",
                                      "含链接和代码与*星号*和。", "硬换行之后。", "下划线粗体也算。",
                                      "副标题", "结尾强调。"]
    kinds = {doc.text[b.start:b.end]: b.kind for b in doc.blocks}
    assert kinds["标题"] == "title" and kinds["副标题"] == "heading"
    assert [doc.text[s:e] for b in doc.blocks for s, e in b.bold] == ["下划线粗体"]
    assert doc.source_line(doc.text.index("下划线")) == 14


def test_soft_wrapped_lines_join_without_space_between_han(tmp_path):
    md = "# 标题\n\n第一行中文\n第二行中文。English words\nwrap here.\n"
    [doc] = read_file(write(tmp_path, "w.md", md))
    assert doc.text == "标题\n\n第一行中文第二行中文。English words wrap here."
    assert doc.line_map == [(0, 1), (4, 3), (9, 4), (29, 5)]


# ---- HTML details ----------------------------------------------------------------------
def test_html_headings_bold_and_title_fallback(tmp_path):
    html = ("<html><head><title>文章题目 | 网站</title></head><body>"
            "<p style='text-align:center'>居中的短标题</p>"
            "<p style=\"font-family:楷体\">楷体不是标题</p>"
            "<div>第一段。<br/>第二段<span style='font-weight:700'>加粗</span>。</div>"
            "<p><b>未闭合的粗体。</p><p>下一段。</p></body></html>")
    [doc] = read_file(write(tmp_path, "h.html", html))
    check_invariants(doc)
    assert doc.title == "文章题目"
    # 楷体 is a body font: that line is a torn paragraph, continued by the next one
    assert doc.text.split("\n\n") == ["文章题目", "居中的短标题", "楷体不是标题第一段。",
                                      "第二段加粗。", "未闭合的粗体。", "下一段。"]
    kinds = [b.kind for b in doc.blocks]
    assert kinds[:3] == ["title", "heading", "paragraph"]
    assert [doc.text[s:e] for b in doc.blocks for s, e in b.bold] == ["加粗", "未闭合的粗体。"]


def test_html_h1_wins_over_title(tmp_path):
    [doc] = read_file(write(tmp_path, "h.htm", "<title>别的</title><h1>真标题</h1><p>正文。</p>"))
    assert doc.text == "真标题\n\n正文。" and doc.title == "真标题"


# ---- plain text details --------------------------------------------------------------------
def test_plaintext_blank_line_paragraphs(tmp_path):
    txt = ("论新质生产力\n\n　　第一段的第一行，\n接着第一段。\n　　第二段另起。\n\n（一）小标题\n\n"
           "第一章 总论\n\n短的标题行\n\n标题下的段落。\n")
    [doc] = read_file(write(tmp_path, "p.txt", txt))
    check_invariants(doc)
    assert [(b.kind, doc.text[b.start:b.end]) for b in doc.blocks] == [
        ("title", "论新质生产力"),
        ("paragraph", "第一段的第一行，接着第一段。"),
        ("paragraph", "第二段另起。"),
        ("subheading", "（一）小标题"),
        ("heading", "第一章 总论"),
        ("heading", "短的标题行"),
        ("paragraph", "标题下的段落。"),
    ]


def test_plaintext_line_per_paragraph_and_page_breaks(tmp_path):
    txt = "标题\n王五\n第一段没有写完，这一行足够长所以不会被当成一个标题行，而是要一直写到在\n下一行继续。\n一、小节\n内容。\n1. 分点标题\n内容。\n最后一行\n"
    [doc] = read_file(write(tmp_path, "l.txt", txt))
    assert doc.authors == ["王五"]
    assert [(b.kind, doc.text[b.start:b.end]) for b in doc.blocks] == [
        ("title", "标题"),
        ("paragraph", "第一段没有写完，这一行足够长所以不会被当成一个标题行，而是要一直写到在下一行继续。"),
        ("heading", "一、小节"),
        ("paragraph", "内容。"),
        ("subheading", "1. 分点标题"),
        ("paragraph", "内容。"),
        ("paragraph", "最后一行"),
    ]


def test_plaintext_without_a_title_line_is_an_untitled_article(tmp_path):
    # one file, one article: only text after an author note is a fragment (SCHEME)
    txt = "这是一段很长的正文，没有标题。它有两句话，而且第一行就是正文，所以不能当作文章的标题来看待。\n第二段。\n"
    [doc] = read_file(write(tmp_path, "f.txt", txt))
    assert doc.kind == "article" and doc.title is None
    assert [b.kind for b in doc.blocks] == ["paragraph", "paragraph"]


def test_markdown_one_paragraph_per_line(tmp_path):
    md = "# 标题\n**要点一。**第一段。\n**要点二。**第二段，\n接着第二段。\n　　第三段缩进\n"
    [doc] = read_file(write(tmp_path, "l.md", md))
    check_invariants(doc)
    assert doc.text.split("\n\n") == ["标题", "要点一。第一段。", "要点二。第二段，接着第二段。", "第三段缩进"]
    assert [doc.text[s:e] for b in doc.blocks for s, e in b.bold] == ["要点一。", "要点二。"]


def test_markdown_hashtag_and_rule_under_sentence(tmp_path):
    md = "# 标题\n\n#两会#代表说了话。\n\n一句话。\n---\n\n最后。\n"
    [doc] = read_file(write(tmp_path, "h.md", md))
    assert doc.text.split("\n\n") == ["标题", "#两会#代表说了话。", "一句话。", "最后。"]
    assert [b.kind for b in doc.blocks] == ["title", "paragraph", "paragraph", "paragraph"]
