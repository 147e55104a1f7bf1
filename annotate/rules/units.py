"""CLAIM and SUPPORT: whole sentences and heading lines placed by the outline.

Each rule is a function of one block of the outline (`Site`: the layout, the
block's index, the quotations) that returns the spans it finds there; which one
wins an overlap is the registry's precedence order (annotate.rules.registry.RANK; resolve_precedence).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from annotate.punctuation import CLOSERS, HAN, SENTENCE_END, HEADING_NUMBER, INLINE_SECTION_NUMBER, RUN_IN_NUMBER
from annotate.document import HEADING, PARAGRAPH, SUBHEADING, TITLE, Block
from annotate.rules.registry import RANK, rule, rules_for
from annotate.rules.layout import Layout
from annotate.rules.lexicon import C, S, alternation
from annotate.rules.quotes import Quote
from annotate.rules.text import Intervals, strip_span

# A heading number alone: 一 / 1 / （一） / (1) / 第一部分 / 第二章 / 一、 / 1．
_NUMBER = HEADING_NUMBER
_NUMBER_ONLY = re.compile(rf"^{_NUMBER}$")
_TRIVIAL_HEADING = re.compile(
    rf"^(?:{_NUMBER}\s*)?(?:" + alternation(C.trivial_heading_words) + r")?$")
_CONCLUSION = re.compile(r"^(?:(?:" + alternation(C.conclusion_conjunctions) + r")[，,]?)?(?:"
                         + alternation(C.conclusion_markers) + "|" + C.conclusion_frame.pattern + ")")
_ENUMERATOR = S.enumerators
_ITEM = S.enumerator_opening
# A paragraph opening with a connective continues the previous one: not a point of its own.
_CONNECTIVE_OPENING = re.compile(r"^(?:" + alternation(S.connective_openings) + ")")
SHORT_LEAD_MAX = S.short_lead_max
# A top-level section number glued to its paragraph: 一、… (not 一、二、三 items in a sentence)
_SECTION_NUMBER = re.compile("^" + INLINE_SECTION_NUMBER)
# Someone else's prescription reported without quotation marks: a short speaker + speech verb,
# then a modal (习主席讲，要把… / 他强调，必须…): a report, not the author's assertion.
_REPORTED_PRESCRIPTION = re.compile(
    r"^[^，。：:“”「」]{1,12}?(?:" + alternation(C.report_frame_verbs) + r")[，,：:]\s*(?:" + alternation(C.report_frame_modals) + ")")

# Someone's words reported after a speech verb and a colon, without quotation marks (陈毅市长接着说：
# 我首先要…): the sentence reports a speech, it states no point of the author's.
_SPEECH_FRAME = re.compile(r"(?:" + alternation(C.report_frame_verbs) + r")[：:]")


@dataclass(frozen=True)
class Unit:
    start: int
    end: int
    label: str
    rule: str


@dataclass
class Site:
    """One block as the CLAIM/SUPPORT rules see it."""
    layout: Layout
    i: int
    quotes: Intervals
    facts: dict = field(default_factory=dict)  # per-article facts computed once (has_bold_leads, …)

    @property
    def text(self) -> str:
        return self.layout.text

    @property
    def block(self) -> Block:
        return self.layout.blocks[self.i]

    @property
    def sentences(self) -> list[tuple[int, int]]:
        found = self.layout.sentences[self.i]
        tag_end = _interview(self)[0].get(self.i)
        if tag_end is not None and found and found[0][0] < tag_end < found[0][1]:
            # an interview turn's speaker tag (向：) is markup, not part of its first sentence, nor is
            # the space after it (于保荣： 我认为…)
            text = self.text
            while tag_end < found[0][1] and text[tag_end].isspace():
                tag_end += 1
            return [(tag_end, found[0][1]), *found[1:]]
        return found

    @property
    def interviewer_turn(self) -> bool:
        """The paragraph is a turn of an interview's interviewer (who asks): it argues nothing."""
        return self.i in _interview(self)[1]


    @property
    def prev(self) -> str | None:
        return self.layout.blocks[self.i - 1].kind if self.i else None


# An interview turn: a speaker tag and a colon opening a paragraph (向：… / 冯：… / 记者：… / a magazine's
# name for its interviewer, 某某周刊：… / Q：…), not a quotation after it (某某：“…”)
_TURN = re.compile(rf"([{HAN}A-Za-z]{{1,8}})[：:](?![“「‘\"])")   # (matched at a block's start)
_HAN_CHAR = re.compile(f"[{HAN}]")
INTERVIEW_MIN_TURNS = 3   # each of two voices, or an interviewer and its guests together, take this many turns or more


def _interview(site: "Site") -> tuple[dict[int, int], frozenset[int]]:
    """(paragraph index → end of its speaker tag, the paragraphs of the interviewer) when the
    article is an interview: two speaker tags, each opening INTERVIEW_MIN_TURNS paragraphs or more
    (the interviewer the voice whose turns more often ask, ？), or an interviewer asking in half of its
    INTERVIEW_MIN_TURNS turns or more and guests, one or several, with as many turns together.
    ({}, ∅) otherwise."""
    if "interview" not in site.facts:
        text, turns, count, asks = site.text, {}, {}, {}
        for k, b in enumerate(site.layout.blocks):
            m = _TURN.match(text, b.start, b.end) if b.kind == PARAGRAPH else None
            if m:
                tag = m.group(1)
                turns[k] = (tag, m.end())
                count[tag] = count.get(tag, 0) + 1
                asks[tag] = asks.get(tag, 0) + ("？" in text[b.start:b.end] or "?" in text[b.start:b.end])
        top = sorted(count, key=count.get, reverse=True)[:2]
        # two voices that take turns, whoever asks (a tagged line of another kind now and then — 注：…, a
        # cited version's name — is allowed) …
        two = (len(top) == 2 and count[top[1]] >= INTERVIEW_MIN_TURNS
               and sum(count.values()) - count[top[0]] - count[top[1]] < count[top[1]])
        # … or an interviewer who asks in most of its turns and guests, one or several, who answer
        askers = [t for t in count if count[t] >= INTERVIEW_MIN_TURNS and 2 * asks[t] >= count[t]]
        asker = max(askers, key=lambda t: (asks[t] / count[t], count[t])) if askers else None
        if two:
            voices, asker = top, max(top, key=lambda t: asks[t] / count[t])
        elif asker is not None and sum(count.values()) - count[asker] >= INTERVIEW_MIN_TURNS:
            voices = list(count)
        else:
            voices = None
        if voices is not None:
            turns = {k: v for k, v in turns.items() if v[0] in voices}
            site.facts["interview"] = ({k: end for k, (_, end) in turns.items()},
                                       frozenset(k for k, (tag, _) in turns.items() if tag == asker))
        else:
            site.facts["interview"] = ({}, frozenset())
    return site.facts["interview"]


def pieces_outside_quotes(start: int, end: int, quotes) -> list[tuple[int, int]]:
    """Pieces of [start, end) outside quotations (the marks belong to the quotation)."""
    pieces, pos = [], start
    for q in sorted(quotes_in(quotes, start, end), key=lambda q: q.start):
        if q.start - 1 > pos:
            pieces.append((pos, q.start - 1))
        pos = max(pos, q.end + 1)
    if pos < end:
        pieces.append((pos, end))
    return pieces


def _outside_quotes(text: str, start: int, end: int, quotes) -> str:
    return "".join(text[a:b] for a, b in pieces_outside_quotes(start, end, quotes))


def _is_quote_only(text, start, end, quotes) -> bool:
    rest = _outside_quotes(text, start, end, quotes)
    return bool(quotes_in(quotes, start, end)) and not re.sub(r"[\W_]", "", rest)


def _is_quote_frame(text, start, end, quotes) -> bool:
    """A sentence that only introduces a quotation: 习近平总书记指出：“…”。 — the quotation fills
    most of it, or a speech verb introduces a quotation that ends the sentence (a short quotation
    after a long title of the speaker: 习近平总书记在…时强调：“人才是第一资源。”)."""
    inside = quotes_in(quotes, start, end)
    if sum(q.end - q.start for q in inside) * 2 >= (end - start):
        return True
    last = max(inside, key=lambda q: q.end, default=None)
    return (last is not None and last.rule == "quote.attributed"
            and not re.sub(r"[\W_]", "", text[last.end:end]))


def quotes_in(quotes, start: int, end: int) -> list[Quote]:
    """Quotes overlapping [start, end): from an Intervals index (O(log n)) or a plain list."""
    if isinstance(quotes, Intervals):
        return quotes.overlapping(start, end)
    return [q for q in quotes if q.start < end and q.end > start]


def _bold_lead(text: str, block: Block) -> tuple[int, int] | None:
    """The bold run that opens a paragraph and is followed by plain text in it: a bold run
    that is the whole paragraph is emphasis, not a lead (SCHEME SUPPORT 7)."""
    if block.kind != PARAGRAPH:
        return None
    for s, e in block.bold:
        s2, e2 = strip_span(text, s, e)
        if s2 == block.start and e2 > s2:
            rest = text[e2:block.end]
            return (s2, e2) if any(ch.isalnum() for ch in rest) else None
    return None


def _series_of(text: str, start: int, end: int, quotes) -> str | None:
    """The series whose item opens this sentence (outside quotations), or None."""
    m = _ITEM.match(text[start:end])
    if not m or quotes_in(quotes, start, start + m.end()):
        return None
    return "seq" if m.lastgroup == "seq_mid" else m.lastgroup


def _series_counts(site: "Site") -> dict:
    """(section number, series) -> how many sentences of that section open with an item of it;
    sections are the runs of paragraphs between headings. Computed once per article."""
    if "series" not in site.facts:
        counts: dict = {}
        section = 0
        for block, sentences in zip(site.layout.blocks, site.layout.sentences):
            if block.kind != PARAGRAPH:
                section += 1
                continue
            for s, e in sentences:
                series = _series_of(site.text, s, e, site.quotes)
                if series:
                    counts[(section, series)] = counts.get((section, series), 0) + 1
                    if series == "seq" and _ITEM.match(site.text[s:e]).lastgroup == "seq_mid":
                        counts[(section, "seq_mid")] = 1
        sections, section = [], 0
        for block in site.layout.blocks:
            if block.kind != PARAGRAPH:
                section += 1
            sections.append(section)
        site.facts["series"], site.facts["section_of"] = counts, sections
    return site.facts["series"]


def _no_claim_heading(text: str) -> bool:
    """引言/结语, a bare number, or a separator with no letter, digit or Han (*** ***)."""
    text = text.strip()
    return bool(_TRIVIAL_HEADING.match(text)) or not any(ch.isalnum() for ch in text)


def number_only(text: str) -> bool:
    """A heading that is only its number (一 / 1 / （一） / 第一部分): it opens a section all the
    same (SCHEME CLAIM 4), unlike 引言/结语 or a separator."""
    return bool(_NUMBER_ONLY.match(text.strip()))


def _opens_section(text: str) -> bool:
    """A heading after which a section starts: one that is a claim, or a bare number."""
    return not _no_claim_heading(text) or number_only(text)


def announces_list(text: str, block: Block, end: int) -> bool:
    """The sentence ending at `end` closes its paragraph with a colon (…如下：, 有以下几点：):
    it announces what follows, like a quotation frame, and takes no label (SCHEME CLAIM 4)."""
    return end >= block.end and text[block.start:block.end].rstrip()[-1:] in "：:"


# ---- CLAIM ------------------------------------------------------------------------

@rule("claim.title", "CLAIM", "an article title line (column tags such as 【学思践悟】 left out)",
      "发展新质生产力是推动高质量发展的内在要求和重要着力点", "结语 (a heading that is only a word)", 0.98)
def title_claim(site: Site) -> list[Unit]:
    if site.block.kind != TITLE:
        return []
    s, e = site.sentences[0]   # the claim part, without a footnote marker
    return [] if _TRIVIAL_HEADING.match(site.text[s:e].strip()) else [Unit(s, e, "CLAIM", title_claim.rule.id)]


@rule("claim.heading", "CLAIM", "a top-level section heading (一、…, ## …, a bold or bare heading line)",
      "大力推进科技创新特别是原创性、颠覆性科技创新", "（一）加强耕地资源保护利用 (second level: SUPPORT)", 0.97)
def heading_claim(site: Site) -> list[Unit]:
    b = site.block
    if b.kind != HEADING or _no_claim_heading(site.text[b.start:b.end]):
        return []
    return [Unit(*site.sentences[0], "CLAIM", heading_claim.rule.id)]


@rule("claim.conclusion", "CLAIM",
      "a sentence opening with a conclusion marker (总的来看, 总之, 综上, 由此可见, 可见，, 归根到底, 从根本上说, 说到底), "
      "or drawn from what was set out before (从以上…看出, 由此不难看出), a conjunction (但, 而, 所以) allowed before it",
      "总的来看，新质生产力已经在我国经济发展实践中形成并展示出对高质量发展的强劲推动力、支撑力。",
      "总体上看起来 (not a marker at the start of a sentence)", 0.85)
def conclusion(site: Site) -> list[Unit]:
    if site.block.kind != PARAGRAPH:
        return []
    return [Unit(s, e, "CLAIM", conclusion.rule.id) for s, e in site.sentences if _CONCLUSION.match(site.text[s:e])]


@rule("claim.section_opening", "CLAIM",
      "the first body sentence right after a section heading, when it asserts rather than quotes",
      "科技创新是发展新质生产力的核心要素。",
      "习近平总书记指出：“以科技创新为引领……”（only a quotation frame: the quotation is a QUOTE）", 0.8)
def section_opening(site: Site) -> list[Unit]:
    if site.block.kind != PARAGRAPH or site.prev != HEADING or not site.sentences or bold_lead(site):
        return []
    # After a heading that is no claim (a separator, 结语) the paragraph opens no section; after
    # a bare number (一 / （一） on a line of its own) it does.
    heading = site.layout.blocks[site.i - 1]
    if not _opens_section(site.text[heading.start:heading.end]):
        return []
    s, e = site.sentences[0]
    return [] if _asserts_nothing(site, s, e) else [Unit(s, e, "CLAIM", section_opening.rule.id)]


def _asserts_nothing(site: Site, s: int, e: int) -> bool:
    """A quotation frame, a list announced by a colon, a question, or someone else's
    prescription reported without quotation marks (某某讲，要把…): no CLAIM of the author's, and
    the next sentence does not take it over."""
    first = site.text[s:e]
    return bool(_is_quote_frame(site.text, s, e, site.quotes) or _CONCLUSION.match(first)
                or announces_list(site.text, site.block, e) or first.rstrip(CLOSERS)[-1:] in "？?"
                or _REPORTED_PRESCRIPTION.match(first))


@rule("claim.numbered_opening", "CLAIM",
      "in an article with no section headings, the first sentence of a paragraph that opens with a top-level "
      "section number (一、…), when two or more paragraphs are numbered so: the number marks a section inline",
      "一、读书不是为了文凭，而是为了看清世界。读书让人明白事理。（二、… opening a later paragraph）",
      "一、读书不是为了文凭，而是为了看清世界。读书让人明白事理。（the only paragraph opening so; or 一、 lines under "
      "section headings: the headings open the sections）", 0.75)
def numbered_opening(site: Site) -> list[Unit]:
    if site.block.kind != PARAGRAPH or not site.sentences or not _inline_numbered(site):
        return []
    s, e = site.sentences[0]
    return [] if _asserts_nothing(site, s, e) else [Unit(s, e, "CLAIM", numbered_opening.rule.id)]


def _inline_numbered(site: Site) -> bool:
    """The paragraph opens with a top-level section number (一、) in an article with no
    section headings where two or more paragraphs open so."""
    if "numbered_paragraphs" not in site.facts:
        blocks = site.layout.blocks
        numbered = {k for k, b in enumerate(blocks)
                    if b.kind == PARAGRAPH and _SECTION_NUMBER.match(site.text[b.start:b.end])}
        headed = any(b.kind in (HEADING, SUBHEADING) for b in blocks)
        site.facts["numbered_paragraphs"] = frozenset() if headed or len(numbered) < 2 else frozenset(numbered)
    return site.i in site.facts["numbered_paragraphs"]


# ---- SUPPORT ----------------------------------------------------------------------

@rule("support.bold_lead", "SUPPORT", "the bold run opening a paragraph (the whole run, even with two sentences)",
      "**加强原创性、颠覆性科技创新。**原创性创新是科技创新的源头。",
      "原创性创新是科技创新的源头，要**加强原创性、颠覆性科技创新**。（a bold phrase in mid-paragraph: not a lead）", 0.97)
def bold_lead(site: Site) -> list[Unit]:
    lead = _bold_lead(site.text, site.block)
    if lead and not _is_quote_only(site.text, *lead, site.quotes) and not _bold_is_emphasis(site):
        return [Unit(*lead, "SUPPORT", bold_lead.rule.id)]
    return []


@rule("support.subheading", "SUPPORT", "a second-level heading under a section: （一）…, 1. …",
      "（一）加强耕地资源保护利用", "二、加快发展现代化产业体系 (top level: CLAIM)", 0.9)
def subheading(site: Site) -> list[Unit]:
    b = site.block
    if b.kind != SUBHEADING or _no_claim_heading(site.text[b.start:b.end]):
        return []   # （一） alone on its line: a number, no point
    return [Unit(*site.sentences[0], "SUPPORT", subheading.rule.id)]


# A second-level number run into its paragraph: （一）加强耕地保护。正文…… / （1）… / 1．… (no ^:
# it is matched at the paragraph's offset with .match(text, pos))
_RUN_IN = re.compile(RUN_IN_NUMBER)


def _run_in_style(site: Site, i: int) -> str | None:
    b = site.layout.blocks[i]
    m = _RUN_IN.match(site.text, b.start, b.end) if b.kind == PARAGRAPH else None
    return m.lastgroup if m else None


@rule("support.run_in", "SUPPORT",
      "a second-level heading run into its paragraph: the first sentence of a paragraph that opens with （一）/（1）/1．, "
      "when another paragraph of the article opens with a number of the same style",
      "（一）加强耕地资源保护利用。耕地是粮食生产的命根子……（二）……",
      "（一）加强耕地资源保护利用。耕地是粮食生产的命根子。（the only paragraph of the article opening with a number, or a "
      "number inside a sentence: no series of points）", 0.8)
def run_in(site: Site) -> list[Unit]:
    style = _run_in_style(site, site.i)
    if style is None or not site.sentences:
        return []
    if "run_in" not in site.facts:
        counts: dict = {}
        for k in range(len(site.layout.blocks)):
            st = _run_in_style(site, k)
            if st:
                counts[st] = counts.get(st, 0) + 1
        site.facts["run_in"] = counts
    s, e = site.sentences[0]
    if site.facts["run_in"].get(style, 0) < 2 or site.text[e - 1] not in SENTENCE_END:
        return []
    return [Unit(s, e, "SUPPORT", run_in.rule.id)]


@rule("support.enumeration", "SUPPORT",
      "an enumerated point: a sentence opening with 一是…/二是…, 一要…, 第一，…, 其一，…, 首先…/其次…, 一方面…/另一方面…, "
      "when another item of the series opens a sentence of the same section",
      "一是加快推进农业农村现代化。二是……",
      "执法司法是否具有公信力，主要看两点，一是公正不公正，二是廉洁不廉洁。（the items sit inside one sentence）", 0.8)
def enumeration(site: Site) -> list[Unit]:
    if site.block.kind != PARAGRAPH:
        return []
    counts = _series_counts(site)
    section = site.facts["section_of"][site.i]
    out = []
    for s, e in site.sentences:
        series = _series_of(site.text, s, e, site.quotes)
        if series and counts.get((section, series), 0) >= 2 and (series != "seq" or (section, "seq_mid") in counts):
            out.append(Unit(s, e, "SUPPORT", enumeration.rule.id))
    return out


def _has_bold_leads(site: Site) -> bool:
    if "has_bold_leads" not in site.facts:
        site.facts["has_bold_leads"] = not _bold_is_emphasis(site) and any(
            _bold_lead(site.text, b) for b in site.layout.blocks)
    return site.facts["has_bold_leads"]


def _bold_is_emphasis(site: Site) -> bool:
    """How the article uses bold (SCHEME SUPPORT 7): print sets a point's lead in bold at the start
    of its paragraph and nothing else; an editor who highlights a transcript, or a web column
    that bolds its punchlines, bolds phrases anywhere (mid-paragraph, at its end, whole
    paragraphs). When bold runs that are no lead are at least as many as the leads, the
    article's bold is emphasis, and its leads come from the short-lead rule."""
    if "bold_emphasis" not in site.facts:
        leads = other = 0
        for b in site.layout.blocks:
            if b.kind != PARAGRAPH or not b.bold:
                continue
            lead = _bold_lead(site.text, b)   # once per paragraph: linear in the bold runs
            for s, e in b.bold:
                s, e = strip_span(site.text, s, e)
                if e <= s:
                    continue
                if lead == (s, e):
                    leads += 1
                else:
                    other += 1
        site.facts["bold_emphasis"] = other > 0 and other >= leads
    return site.facts["bold_emphasis"]


def _in_intro(site: Site) -> bool:
    """The block stands between the title and the first section heading of an article that has
    section headings (SCHEME SUPPORT 5): the introduction frames the thesis, it opens no point."""
    if "first_heading" not in site.facts:
        site.facts["first_heading"] = next(
            (k for k, b in enumerate(site.layout.blocks)
             if b.kind == HEADING and _opens_section(site.text[b.start:b.end])), None)
    first = site.facts["first_heading"]
    return first is not None and site.i < first


@rule("support.short_lead", "SUPPORT",
      "in an article without bold leads: a short first sentence (≤ 36 characters) that the rest of its paragraph "
      "elaborates (not a one-sentence paragraph, which has no rest; not someone's words after a speech verb and a "
      "colon: 他接着说：…)",
      "思想是行动的先导。争当事业尖兵，首先要思想上走在前列。……",
      "“绳短不能汲深井，浅水难以负大舟。”（a paragraph opening with a quotation only: QUOTE）", 0.7)
def short_lead(site: Site) -> list[Unit]:
    text, sentences = site.text, site.sentences
    # Right after a section heading the first sentence is the section's CLAIM, not a lead; an
    # intro paragraph right after the title does have one (it relates to the title).
    # Nor in the introduction of an article with sections (SCHEME SUPPORT 5).
    if (site.block.kind != PARAGRAPH or not sentences or site.prev == HEADING
            or _has_bold_leads(site) or _in_intro(site) or _inline_numbered(site) or site.interviewer_turn):
        return []
    # A one-sentence paragraph has no rest to elaborate it (SCHEME SUPPORT 3): on the tuning
    # families the one-liners taken as "point lines" were all remarks, asides and verses.
    if len(sentences) == 1:
        return []
    s, e = sentences[0]
    first = text[s:e]
    # (a question or an exclamation — 大家好！ — opens no point either)
    if (e - s > SHORT_LEAD_MAX or e - s < S.short_lead_min or quotes_in(site.quotes, s, e) or text[e - 1] in "：:？?！!"
            or _CONCLUSION.match(first) or _CONNECTIVE_OPENING.match(first) or _ENUMERATOR.search(first)
            or S.narration.search(first) or _SPEECH_FRAME.search(first) or S.editorial_opening.match(first)):
        return []
    return [Unit(s, e, "SUPPORT", short_lead.rule.id)]


@rule("support.question_lead", "SUPPORT",
      "in an article without bold leads: a short question (≤ 36 characters) opening a paragraph that answers it, "
      "when another paragraph of the same section opens so too (国家战略腹地为何建？… / 国家战略腹地建在哪？…): the "
      "questions are the article's points, asked and answered in turn (not in an interview, nor right after a heading)",
      "国家战略腹地为何建？这是实现高水平安全的应变之策。（another paragraph opening with a question follows）",
      "新型商场变革的底气在哪里？在于以人为本。（the only paragraph opening with a question: a rhetorical question, no "
      "series of points）", 0.7)
def question_lead(site: Site) -> list[Unit]:
    if (site.block.kind != PARAGRAPH or site.prev == HEADING or _has_bold_leads(site) or _in_intro(site)
            or _interview(site)[0]):
        return []
    counts = _question_leads(site)
    section = site.facts["section_of"][site.i]
    if site.i not in counts["at"] or counts["per_section"].get(section, 0) < 2:
        return []
    return [Unit(*site.sentences[0], "SUPPORT", question_lead.rule.id)]


def _opens_with_question(site: Site, k: int) -> bool:
    """Paragraph k opens with a short question (no quotation in it) that the next sentence, a
    statement, begins to answer."""
    block, sentences = site.layout.blocks[k], site.layout.sentences[k]
    if block.kind != PARAGRAPH or len(sentences) < 2:
        return False
    (s, e), (s2, e2) = sentences[0], sentences[1]
    text = site.text
    return (S.short_lead_min <= e - s <= SHORT_LEAD_MAX and text[s:e].rstrip(CLOSERS)[-1:] in "？?"
            and not quotes_in(site.quotes, s, e) and text[s2:e2].rstrip(CLOSERS)[-1:] not in "？?"
            and not _CONNECTIVE_OPENING.match(text[s:e]))


def _question_stem(site: Site, k: int) -> str | None:
    """The first words of paragraph k's opening question (no connective opens it: _opens_with_question),
    or None when it opens with a question word (为什么…？: no subject to share)."""
    s, e = site.layout.sentences[k][0]
    q = site.text[s:e]
    if S.question_words.match(q):
        return None
    return q[:S.question_stem_chars] or None


def _question_leads(site: Site) -> dict:
    """The paragraphs that open with a question lead, and how many each section holds."""
    if "question_leads" not in site.facts:
        _series_counts(site)   # (fills section_of)
        openers = [k for k in range(len(site.layout.blocks)) if _opens_with_question(site, k)]
        # (parallel questions share a subject: their first words, after a connective, not a question word)
        stems = {k: _question_stem(site, k) for k in openers}
        shared = Counter((site.facts["section_of"][k], stem) for k, stem in stems.items() if stem)
        at = frozenset(k for k in openers if stems[k] and shared[site.facts["section_of"][k], stems[k]] >= 2)
        per_section: dict = {}
        for k in at:
            sec = site.facts["section_of"][k]
            per_section[sec] = per_section.get(sec, 0) + 1
        site.facts["question_leads"] = {"at": at, "per_section": per_section}
    return site.facts["question_leads"]


def find_units(layout: Layout, quotes: list[Quote], disabled: frozenset[str] = frozenset()) -> list[Unit]:
    rules = rules_for("CLAIM", "SUPPORT", disabled=disabled)
    index = Intervals(quotes)
    facts: dict = {}
    found: list[Unit] = []
    for i in range(len(layout.blocks)):
        site = Site(layout, i, index, facts)
        for r in rules:
            # (a block with no Han character — an image prompt, a Latin credit line — states no point of
            # a Chinese article; a title may still be Latin)
            found.extend(u for u in r(site) if u.rule == "claim.title" or _HAN_CHAR.search(layout.text, u.start, u.end))
    return resolve_precedence(found)


def resolve_precedence(units: list[Unit]) -> list[Unit]:
    """Keep at most one whole-sentence span per stretch of text: where spans overlap, the rule
    earlier in the precedence order wins (annotate.rules.registry.RANK: the scheme's label order first).
    Linear up to sorting: rank by rank, each against the kept spans merged so far."""
    by_rank: dict[int, list[Unit]] = {}
    for u in units:
        by_rank.setdefault(RANK[u.rule], []).append(u)
    kept: list[Unit] = []
    for rank in sorted(by_rank):
        index = Intervals(kept)
        fresh: list[Unit] = []
        last_end = -1
        for u in sorted(by_rank[rank], key=lambda u: (u.start, -u.end)):
            if u.start < last_end or index.overlapping(u.start, u.end):
                continue  # overlaps a stronger span, or one of its own rank that came first
            fresh.append(u)
            last_end = u.end
        kept = sorted(kept + fresh, key=lambda u: u.start)
    return kept
