"""Each list once: the readers and the rules read the word lists through annotate.data, a level
below both (tests/test_imports.py: the readers never import annotate.rules)."""
from __future__ import annotations


def test_an_enumerated_heading_line_is_read_with_the_rules_enumerators():
    from annotate.data.lexicon import lexicon
    from annotate.rules.lexicon import S
    from annotate.sources import articles, read_string

    assert articles._ENUMERATED is S.enumerators is lexicon().support.enumerators
    text = ("# 标题一行\n\n## 一、第一节\n\n正文第一段。这里还有话。\n\n## 其一，坚持党的领导\n\n正文第二段。\n\n"
            "## 第二、坚持人民至上\n\n正文。\n\n## 二、第二节\n\n正文三。\n")
    (doc,) = read_string(text, "t.md")
    kinds = {doc.text[b.start:b.end]: b.kind for b in doc.blocks}
    # hits: 其一， and 第二、 open a point (the lexicon's enumerators), so the line is a subheading
    assert kinds["其一，坚持党的领导"] == kinds["第二、坚持人民至上"] == "subheading"
    # near miss: a section number (一、) is no enumerator
    assert kinds["一、第一节"] == kinds["二、第二节"] == "heading"
