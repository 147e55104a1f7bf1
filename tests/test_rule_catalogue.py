"""The rule catalogue's examples are true: each rule's example, set in an article, makes the rule
fire there through the real pipeline (readers, Doc builder, pkuseg words, every pipe), and its
near miss, set in the same place, does not.

A catalogue example is text as it stands in an article; a trailing note in parentheses that is
written in English (…（a term: no speech verb before it）) explains it and is no part of the text.
A relation rule's example is `source → target`. Where in an article a rule looks decides where
its example is set: CONTEXTS below (a plain-text or Markdown article, `{}` the example; for a
relation `{0}` its source and `{1}` its target); every other rule's example is set as a body
paragraph of an article without sections (DEFAULT). Rules come from the registry only.
"""
from __future__ import annotations

import re

import pytest

from annotate.rules import RULES  # the package imports every rule module

# (an English note: parentheses at the end whose text holds a Latin letter)
_NOTE = re.compile(r"\s*[（(][^（）()]*[A-Za-z][^（）()]*[）)]\s*$")

TITLE = "发展新质生产力是推动高质量发展的内在要求和重要着力点"
# (a body sentence after the paragraph's first: a one-sentence paragraph would be a point line)
DEFAULT = f"{TITLE}\n\n引言一段，交代背景。再说一句。\n\n当前，形势正在发生深刻复杂的变化。{{}}\n\n后面还有一段。再说一句。\n"

# rule id -> (context of the example, context of the near miss; None: the same)
CONTEXTS = {
    "claim.title": ("{}\n\n正文一段。再说一句。\n", None),
    # (under a 一、 section: there （一） is second level)
    "claim.heading": (f"{TITLE}\n\n一、大力推进科技创新\n\n正文一段。再说一句。\n\n{{}}\n\n正文一段。再说一句。\n", None),
    "claim.section_opening": (f"{TITLE}\n\n一、大力推进科技创新\n\n{{}}\n\n后面还有一段。再说一句。\n", None),
    "claim.numbered_opening": (f"{TITLE}\n\n{{}}\n\n二、另一个层次的论述。再说一句。\n",
                               f"{TITLE}\n\n{{}}\n\n后面还有一段。再说一句。\n"),
    "support.subheading": (f"{TITLE}\n\n一、大力推进科技创新\n\n正文一段。再说一句。\n\n{{}}\n\n正文一段。再说一句。\n", None),
    "support.run_in": (f"{TITLE}\n\n{{}}\n\n（二）强化科技支撑。科技是第一生产力。\n",
                       f"{TITLE}\n\n{{}}\n\n后面还有一段。再说一句。\n"),
    "support.short_lead": (f"{TITLE}\n\n引言一段，交代背景。再说一句。\n\n{{}}\n\n后面还有一段。再说一句。\n", None),
    # (a series: another paragraph opens with a question; the near miss stands alone)
    "support.question_lead": (f"{TITLE}\n\n引言一段，交代背景。再说一句。\n\n{{}}\n\n国家战略腹地建在哪？腹地主要指中西部内陆地区。\n",
                              f"{TITLE}\n\n引言一段，交代背景。再说一句。\n\n{{}}\n\n后面还有一段。再说一句。\n"),
    "support.bold_lead": (f"# {TITLE}\n\n引言一段，交代背景。再说一句。\n\n{{}}\n\n**另一个要点。**说明一下。\n", None),
    # (a command counts in a run of prescriptions: the paragraph before prescribes)
    "directive.imperative": (f"{TITLE}\n\n我们必须坚持改革开放。\n\n{{}}\n", None),
    "supports.section": (f"# {TITLE}\n\n## {{1}}\n\n**{{0}}**正文说明一下。\n",
                         # in a fragment: text after an author note that belongs to no article
                         f"# {TITLE}\n\n正文一段。再说一句。\n\n（作者为北京大学教授）\n\n## {{1}}\n\n**{{0}}**正文说明一下。\n"),
    "supports.title": ("# {1}\n\n## {0}\n\n正文一段。再说一句。\n",
                       "# {1}\n\n## 一、大力推进科技创新\n\n{0}正文说明一下。\n"),
}


def runnable(text: str) -> str:
    """The catalogue text without its English note; it must be text (no description in English)."""
    text = _NOTE.sub("", text).strip()
    assert not re.search(r"[A-Za-z]", text), f"not article text: {text!r}"
    return text


def _article(rule, text: str, near_miss: bool) -> tuple[str, list[str]]:
    """(the source text, the parts to look for in the clean text)."""
    hit_context, miss_context = CONTEXTS.get(rule.id, (DEFAULT, None))
    context = (miss_context or hit_context) if near_miss else hit_context
    text = runnable(text)
    parts = [p.strip() for p in text.split("→")] if rule.label == "supports" else [text]
    return context.format(*parts), [p.replace("**", "") for p in parts]


def _fired(nlp, rule, text: str, near_miss: bool) -> bool:
    """Did `rule` make a span over the example (for a relation: link its source to its target)?"""
    from annotate.pipeline import SPANS_KEY, annotate_document
    from annotate.sources import read_string

    source, parts = _article(rule, text, near_miss)
    name = "catalogue.md" if source.startswith("#") else "catalogue.txt"
    seen = False
    for document in read_string(source, name):
        at = [document.text.find(p) for p in parts]
        if -1 in at:
            continue
        regions = [(a, a + len(p)) for a, p in zip(at, parts)]
        doc = annotate_document(nlp, document)
        seen = True

        def over(span, region):
            return span[0] < region[1] and span[1] > region[0]

        if rule.label == "supports":
            if any(r["rule"] == rule.id and over(r["source"], regions[0]) and over(r["target"], regions[1])
                   for r in doc._.argument_relations or ()):
                return True
        elif any(s.id_ == rule.id and over((s.start_char, s.end_char), regions[0]) for s in doc.spans[SPANS_KEY]):
            return True
    assert seen, f"{rule.id}: the example's text is not in the article read from it:\n{source}"
    return False


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_the_catalogue_example_is_a_hit(nlp, rule):
    assert _fired(nlp, rule, rule.example, near_miss=False), f"{rule.id} does not fire on its example {rule.example!r}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_the_catalogue_near_miss_is_no_hit(nlp, rule):
    assert not _fired(nlp, rule, rule.near_miss, near_miss=True), \
        f"{rule.id} fires on its near miss {rule.near_miss!r}"


def test_a_note_in_english_is_no_part_of_the_example():
    assert runnable("下好“先手棋”（a term: no speech verb before it）") == "下好“先手棋”"
    assert runnable("（一）加强耕地资源保护利用 (second level: SUPPORT)") == "（一）加强耕地资源保护利用"
    assert runnable("（一）加强耕地资源保护利用。耕地是粮食生产的命根子……（二）……") == \
        "（一）加强耕地资源保护利用。耕地是粮食生产的命根子……（二）……"
