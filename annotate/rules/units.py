"""CLAIM and SUPPORT: whole sentences and heading lines placed by the outline."""
from __future__ import annotations

import re
from dataclasses import dataclass

from annotate.document import HEADING, PARAGRAPH, SUBHEADING, TITLE
from annotate.rules import Rule, register
from annotate.rules.layout import Block, Layout
from annotate.rules.quotes import Quote
from annotate.rules.text import strip_span
from annotate.scheme import load_scheme

TITLE_CLAIM = register(Rule(
    "claim.title", "CLAIM", "an article title line (column tags such as 【学思践悟】 left out)",
    "发展新质生产力是推动高质量发展的内在要求和重要着力点", "引言 / 结语 (a heading that is only a word)", 0.98))
HEADING_CLAIM = register(Rule(
    "claim.heading", "CLAIM", "a top-level section heading (一、…, ## …, a bold or bare heading line)",
    "大力推进科技创新特别是原创性、颠覆性科技创新", "（一）加强耕地资源保护利用 (second level: SUPPORT)", 0.97))
SECTION_OPENING = register(Rule(
    "claim.section_opening", "CLAIM",
    "the first body sentence right after a section heading, when it asserts rather than quotes",
    "科技创新是发展新质生产力的核心要素。",
    "习近平总书记指出：“以科技创新为引领……”（only a quotation frame: the quotation is a QUOTE）", 0.8))
CONCLUSION = register(Rule(
    "claim.conclusion", "CLAIM",
    "a sentence opening with a conclusion marker (总的来看, 总之, 综上, 由此可见, 可见，, 归根到底, 从根本上说, 说到底)",
    "总的来看，新质生产力已经在我国经济发展实践中形成并展示出对高质量发展的强劲推动力、支撑力。",
    "总体上看起来 (not a marker at the start of a sentence)", 0.85))
BOLD_LEAD = register(Rule(
    "support.bold_lead", "SUPPORT", "the bold run opening a paragraph (the whole run, even with two sentences)",
    "**加强原创性、颠覆性科技创新。**原创性创新是科技创新的源头。",
    "a bold phrase in mid-paragraph (not a lead)", 0.97))
SUBHEADING_SUPPORT = register(Rule(
    "support.subheading", "SUPPORT", "a second-level heading under a section: （一）…, 1. …",
    "（一）加强耕地资源保护利用", "一、… (top level: CLAIM)", 0.9))
SHORT_LEAD = register(Rule(
    "support.short_lead", "SUPPORT",
    "in an article without bold leads: a short first sentence (≤ 36 characters) that the rest of its paragraph elaborates",
    "思想是行动的先导。争当事业尖兵，首先要思想上走在前列。……",
    "“绳短不能汲深井，浅水难以负大舟。”（a paragraph opening with a quotation only: QUOTE）", 0.7))
ENUMERATION = register(Rule(
    "support.enumeration", "SUPPORT",
    "an enumerated point: 一是…/二是…, 第一，…/第二，…, 首先…/其次…, 一方面…/另一方面… (a clause opening with the enumerator)",
    "一是加快推进农业农村现代化；",
    "首先要思想上走在前列（a lone 首先 with no 其次 is not an enumeration）", 0.8))

_TRIVIAL_HEADING = re.compile(
    r"^(?:[第]?[一二三四五六七八九十百零〇\d]+[、.．章节部分]?\s*)?(?:引言|导言|前言|导语|结语|结束语|小结|余论|后记|参考文献|注释)?$")
_CONCLUSION = re.compile(
    r"^(?:总的来看|总的来说|总体来看|总而言之|总之|综上所述|综上|由此可见|可见[，,]|归根到底|归根结底|从根本上说|从根本上讲|从根本上看|说到底|一言以蔽之)")
_ENUMERATOR = re.compile(
    r"(?:^|[，,；;：:])\s*(?:[一二三四五六七八九十]是|其[一二三四五六七八九十][，,、]|第[一二三四五六七八九十]+[，,、：:]|首先|其次|再次|最后[，,]|一方面|另一方面)")
# Series markers that enumerate only when the series is there: (opener, continuation).
_SERIES = ((("首先",), ("其次",)), (("一方面",), ("另一方面",)))
_SEQUENCE_WORDS = ("首先", "其次", "再次", "最后", "一方面", "另一方面")
# A paragraph opening with a connective continues the previous one: not a point of its own.
_CONNECTIVE_OPENING = re.compile(r"^(?:同时|此外|另外|但是|但|然而|因此|所以|而且|并且|当然|比如|例如|譬如|可见|这就|这也|这是|这些|这种)")
SHORT_LEAD_MAX = 36


@dataclass(frozen=True)
class Unit:
    start: int
    end: int
    label: str
    rule: str


def pieces_outside_quotes(start: int, end: int, quotes: list[Quote]) -> list[tuple[int, int]]:
    """Pieces of [start, end) outside quotations (the marks belong to the quotation)."""
    pieces, pos = [], start
    for q in sorted(quotes_in(quotes, start, end), key=lambda q: q.start):
        if q.start - 1 > pos:
            pieces.append((pos, q.start - 1))
        pos = max(pos, q.end + 1)
    if pos < end:
        pieces.append((pos, end))
    return pieces


def _outside_quotes(text: str, start: int, end: int, quotes: list[Quote]) -> str:
    return "".join(text[a:b] for a, b in pieces_outside_quotes(start, end, quotes))


def _is_quote_only(text, start, end, quotes) -> bool:
    rest = _outside_quotes(text, start, end, quotes)
    return bool(quotes_in(quotes, start, end)) and not re.sub(r"[\W_]", "", rest)


def _is_quote_frame(text, start, end, quotes) -> bool:
    """A sentence that only introduces a quotation: 习近平总书记指出：“…”。"""
    inside = sum(q.end - q.start for q in quotes_in(quotes, start, end))
    return inside * 2 >= (end - start)


def quotes_in(quotes: list[Quote], start: int, end: int) -> list[Quote]:
    return [q for q in quotes if q.start < end and q.end > start]


def _bold_lead(text: str, block: Block) -> tuple[int, int] | None:
    for s, e in block.bold:
        s2, e2 = strip_span(text, s, e)
        if s2 == block.start and e2 > s2:
            return s2, e2
    return None


def _in_sequence(text: str, blocks: list[Block], i: int) -> bool:
    """首先/其次/再次/最后 and 一方面/另一方面 enumerate only as a series: the opener and
    the continuation both in the section (一方面 alone, or a lone 首先, is not a list)."""
    lo = i
    while lo > 0 and blocks[lo - 1].kind == PARAGRAPH:
        lo -= 1
    hi = i
    while hi + 1 < len(blocks) and blocks[hi + 1].kind == PARAGRAPH:
        hi += 1
    section = text[blocks[lo].start:blocks[hi].end]
    opener_only = section.replace("另一方面", "")
    return any(any(w in opener_only for w in first) and any(w in section for w in then) for first, then in _SERIES)


def find_units(layout: Layout, quotes: list[Quote]) -> list[Unit]:
    text = layout.text
    found: list[Unit] = []
    blocks = layout.blocks
    has_bold_leads = any(b.kind == PARAGRAPH and _bold_lead(text, b) for b in blocks)
    for i, block in enumerate(blocks):
        prev = blocks[i - 1].kind if i else None
        if block.kind in (TITLE, HEADING):
            if not _TRIVIAL_HEADING.match(text[block.start:block.end].strip()):
                rule = TITLE_CLAIM if block.kind == TITLE else HEADING_CLAIM
                found.append(Unit(block.start, block.end, "CLAIM", rule.id))
            continue
        if block.kind == SUBHEADING:
            found.append(Unit(block.start, block.end, "SUPPORT", SUBHEADING_SUPPORT.id))
            continue
        if not block.sentences:
            continue
        lead = _bold_lead(text, block)
        first_s, first_e = block.sentences[0]
        if lead and not _is_quote_only(text, *lead, quotes):
            found.append(Unit(*lead, "SUPPORT", BOLD_LEAD.id))
        elif prev == HEADING:
            if not _is_quote_frame(text, first_s, first_e, quotes) and not _CONCLUSION.match(text[first_s:first_e]):
                found.append(Unit(first_s, first_e, "CLAIM", SECTION_OPENING.id))
        elif (not has_bold_leads and prev != TITLE and len(block.sentences) > 1
              and first_e - first_s <= SHORT_LEAD_MAX
              and not quotes_in(quotes, first_s, first_e)
              and text[first_e - 1] not in "：:"
              and not _CONCLUSION.match(text[first_s:first_e])
              and not _CONNECTIVE_OPENING.match(text[first_s:first_e])
              and not _ENUMERATOR.search(text[first_s:first_e])):
            found.append(Unit(first_s, first_e, "SUPPORT", SHORT_LEAD.id))
        for s, e in block.sentences:
            sentence = text[s:e]
            if _CONCLUSION.match(sentence):
                found.append(Unit(s, e, "CLAIM", CONCLUSION.id))
            m = _ENUMERATOR.search(sentence) and _ENUMERATOR.search(_outside_quotes(text, s, e, quotes))
            if m and (not m.group(0).lstrip("，,；;：: ").startswith(_SEQUENCE_WORDS) or _in_sequence(text, blocks, i)):
                found.append(Unit(s, e, "SUPPORT", ENUMERATION.id))
    return resolve_precedence(found)


def resolve_precedence(units: list[Unit]) -> list[Unit]:
    """Keep at most one whole-sentence label per stretch of text, strongest first (the scheme's order)."""
    rank = {label: i for i, label in enumerate(load_scheme().precedence)}
    kept: list[Unit] = []
    for u in sorted(units, key=lambda u: (rank[u.label], u.start)):
        if not any(u.start < k.end and k.start < u.end for k in kept):
            kept.append(u)
    return sorted(kept, key=lambda u: u.start)
