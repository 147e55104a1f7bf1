"""reStructuredText (.rst, and .txt written in it) through docutils, and underlined headings in plain
text. Each behaviour with a hit and a near miss, on texts written here."""
from __future__ import annotations

import pytest

from annotate.sources import SourceError, read_file, rst

from reader_helpers import outline, read

RST = """论读书的意义
============

读书是一件要紧的事。我们要多读书，读好书。

第一节 为什么读书
-----------------

书读多了，见识自然就广了。详见 `维基百科 <https://zh.wikipedia.org>`__ 的条目。所以\\ **从长期看**\\ 就是这样。

.. include:: /etc/passwd

.. raw:: html

   <p>不该出现的原始网页。</p>

第二节 怎样读书
---------------

要读经典。我们必须多思考。
"""


def test_an_rst_file_is_read_by_docutils(tmp_path):
    [doc] = read(tmp_path, RST, "a.rst")
    assert doc.title == "论读书的意义"
    assert outline(doc)[1:] == [
        ("paragraph", "读书是一件要紧的事。我们要多读书，读好书。"),
        ("heading", "第一节 为什么读书"),
        ("paragraph", "书读多了，见识自然就广了。详见 维基百科 的条目。所以从长期看就是这样。"),
        ("heading", "第二节 怎样读书"),
        ("paragraph", "要读经典。我们必须多思考。")]
    # the link's address, the escapes and the markup are gone; nothing was read from outside the text
    assert "http" not in doc.text and "root:" not in doc.text and "不该出现" not in doc.text
    assert any(s == e - len("从长期看") and doc.text[s:e] == "从长期看" for b in doc.blocks for s, e in b.bold)


def test_a_txt_in_rst_is_read_as_rst_and_a_plain_one_is_not(tmp_path):
    [doc] = read(tmp_path, RST, "a.txt")
    assert ("heading", "第一节 为什么读书") in outline(doc) and "`" not in doc.text
    # near miss: underlined headings but none of reStructuredText's own marks: plain text (its
    # underlines still make headings, its ** stays as written)
    plain = "论读书的意义\n============\n\n读书是一件要紧的事。**要紧**。\n\n第一节 为什么读书\n--------\n\n书读多了。见识广了。\n"
    [doc] = read(tmp_path, plain, "b.txt")
    assert outline(doc) == [("title", "论读书的意义"), ("paragraph", "读书是一件要紧的事。**要紧**。"),
                            ("heading", "第一节 为什么读书"), ("paragraph", "书读多了。见识广了。")]
    assert rst.looks_like_rst(RST) and not rst.looks_like_rst(plain)


def test_plain_text_underlines_and_separators_are_no_text(tmp_path):
    txt = ("标题\n====\n\n开头一段。说明问题。\n\n＝＝＝＝＝＝\n\n第一节\n------\n正文一段。我们要坚持。\n\n"
           "一个很长的段落，写了很多很多的文字，超过了一个标题能有的长度，它下面的横线只是分隔线而已，不是标题的下划线哦。\n"
           "----------\n最后一段。\n")
    [doc] = read(tmp_path, txt, "a.txt")
    assert outline(doc)[:4] == [("title", "标题"), ("paragraph", "开头一段。说明问题。"), ("heading", "第一节"),
                                ("paragraph", "正文一段。我们要坚持。")]
    # near miss: a long line over ---- is running text; the separator lines are gone
    assert not any(k == "heading" and t.startswith("一个很长") for k, t in outline(doc))
    assert "----" not in doc.text and "＝＝＝" not in doc.text


def test_a_malformed_rst_is_read_as_far_as_it_goes(tmp_path):
    bad = "标题\n====\n\n+----+\n| 破损的表格\n\n.. unknown-directive:: x\n\n正文一段。我们要坚持。\n"
    docs = read(tmp_path, bad, "a.rst")
    assert any("正文一段" in d.text for d in docs)


def test_an_rst_without_text_fails_with_one_line(tmp_path):
    path = tmp_path / "empty.rst"
    path.write_text(".. comment only\n", encoding="utf-8")
    with pytest.raises(SourceError) as e:
        read_file(path)
    assert str(e.value).startswith(f"{path}: ") and "\n" not in str(e.value)
