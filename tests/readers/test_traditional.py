"""Traditional script in the readers: a source is read as its simplified shadow (the readers'
patterns), and its Documents carry the source's own characters at the shadow's offsets."""
from __future__ import annotations

from annotate.shadow import shadow
from annotate.sources import read_string

from reader_helpers import outline, read

SIMPLIFIED = """---
title: "有畏更要有为（思想纵横）"
author: "刘  鑫"
---

# 有畏更要有为（思想纵横）

> 刘  鑫《人民日报》（2025年02月14日第 09 版）

习近平总书记强调：“把从严管理监督和鼓励担当作为统一起来。”党的纪律是约束言行的“紧箍咒”。

木受绳则直，金就砺则利。干事担事，是干部的职责所在。

来源：人民日报　责任编辑：张三
"""
TRADITIONAL = """---
title: "有畏更要有爲（思想縱橫）"
author: "劉  鑫"
---

# 有畏更要有爲（思想縱橫）

> 劉  鑫《人民日報》（2025年02月14日第 09 版）

習近平總書記強調：「把從嚴管理監督和鼓勵擔當作爲統一起來。」黨的紀律是約束言行的「緊箍咒」。

木受繩則直，金就礪則利。幹事擔事，是幹部的職責所在。

來源：人民日報　責任編輯：張三
"""


def test_a_traditional_source_reads_as_its_simplified_twin(tmp_path):
    assert len(TRADITIONAL) == len(SIMPLIFIED) and shadow(TRADITIONAL).replace("爲", "为") != TRADITIONAL
    (s,) = read(tmp_path, SIMPLIFIED, "s.md")
    (t,) = read(tmp_path, TRADITIONAL, "t.md")
    # the same outline, offsets and lines; the byline, its outlet and the 來源/責任編輯 line are no text
    assert [(b.kind, b.start, b.end, b.line) for b in t.blocks] == [(b.kind, b.start, b.end, b.line) for b in s.blocks]
    assert [k for k, _ in outline(t)] == ["title", "paragraph", "paragraph"]
    # … and every character as the source writes it
    assert outline(t)[1][1].startswith("習近平總書記強調：「把從嚴")
    assert all(line.strip() in TRADITIONAL for line in t.text.split("\n"))
    assert t.title == "有畏更要有爲" and t.column == "思想縱橫" and t.authors == ["劉鑫"]


def test_near_miss_characters_the_reader_made_up_fall_back_to_reading_the_source_as_it_is():
    # every traditional character written as an HTML entity: the readers' text cannot be placed in
    # the source, so it is read as it is — nothing simplified leaks into the text
    body = "".join(f"&#{ord(c)};" if c != shadow(c) else c for c in "習近平總書記強調，要堅持黨的領導，發展新質生產力。" * 4)
    html = f"<html><body><h1>發展新質生產力</h1><p>{body}</p><p>第二段說明。</p></body></html>"
    (doc,) = [d for d in read_string(html, "x.html") if d.kind == "article"]
    assert "習近平總書記" in doc.text and "习近平" not in doc.text and "说明" not in doc.text


def test_a_stray_traditional_character_reads_the_source_as_it_is(monkeypatch):
    """A simplified article with one traditional character (a name: 鋒) is read directly: placing the
    source back costs a pass over the text and changes nothing the readers look for. A traditional
    article still goes through the shadow."""
    import annotate.sources as sources

    calls = []
    real = sources.restore
    monkeypatch.setattr(sources, "restore", lambda *a: calls.append(1) or real(*a))
    stray = SIMPLIFIED.replace("木受绳则直", "木受绳則直")
    (doc,) = read_string(stray, "stray.md")
    (plain,) = read_string(SIMPLIFIED, "plain.md")
    assert doc.text == plain.text.replace("则直", "則直") and doc.title == plain.title and not calls
    (doc,) = read_string(TRADITIONAL, "traditional.md")
    assert "木受繩則直" in doc.text and calls
