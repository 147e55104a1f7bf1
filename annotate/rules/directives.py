"""DIRECTIVE: a prescription in the author's voice.

Modal markers are read off the word segmentation (要 in 重要/主要/要素/要求/
首要 is inside another word and is not a marker), and only outside quotation
marks: a sentence whose prescription sits inside a quotation (or a quoted term
such as “三个务必”) is not a DIRECTIVE.
Subjectless commands (实行…，完善…，建设…。) count when they stand in a run of
prescriptions.
"""
from __future__ import annotations

import re

from annotate.rules import Rule, register
from annotate.rules.layout import Layout
from annotate.rules.quotes import Quote
from annotate.rules.text import find_quotation_marks, split_clauses
from annotate.rules.units import Unit, pieces_outside_quotes, quotes_in

MODAL = register(Rule(
    "directive.modal", "DIRECTIVE",
    "a modal marker as a word of its own, outside quotations: 要/就要/还要/更要/不要, 必须, 应当/应该/应, 须/务必, "
    "deontic 需要, 不能/不得/决不/切忌/切不可, 迫切要求/要求我们, 让我们",
    "我们要准确把握新一轮科技革命演变趋势，下好“先手棋”，打好主动仗。",
    "新兴产业是新质生产力的重要载体……（要 inside 重要 is not a marker）", 0.85))
NECESSITY = register(Rule(
    "directive.necessity", "DIRECTIVE",
    "a necessity frame: 当务之急是…, 最重要的任务就是…, 关键在于…, 重中之重是…",
    "当前最重要的任务，就是撸起袖子加油干……",
    "这是一项重要任务。（重要 describes, nothing is prescribed）", 0.75))
IMPERATIVE = register(Rule(
    "directive.imperative", "DIRECTIVE",
    "a subjectless command (clauses opening with 实行/完善/建设/推动/把…) in a run of prescriptions",
    "实行更加开放的人才政策，完善高端人才、专业人才培养工作，……建设集聚国内外优秀人才的全球人才高地。",
    "推动高质量发展成为全党全社会的共识……（the verb phrase is the subject of 成为）", 0.7))

# Words that are markers on their own (as pkuseg segments them).
MODAL_WORDS = frozenset({
    "要", "就要", "还要", "更要", "也要", "都要", "既要", "又要", "不要", "首先要", "必须", "必需", "务必",
    "务须", "须", "应当", "应该", "应", "理应", "需要", "亟需", "亟须", "亟待", "不能", "不得", "决不",
    "绝不", "决不能", "绝不能", "切忌", "切不可", "不宜", "要求我们", "迫切要求",
})
# 要 that asks or conditions rather than prescribes: 为什么要…, 要是…
_NOT_MODAL_BEFORE = frozenset({"为什么", "什么", "是否", "怎么", "为何", "想", "主", "只"})
_NOT_MODAL_AFTER = frozenset({"是", "么", "不然", "不", "想"})
# 决不/绝不 before these describe (这决不是偶然的), they do not forbid.
_NOT_PROHIBITION_AFTER = frozenset({"是", "会", "可能", "只是", "仅仅"})
# 需要 before a quantity or after these is the noun "need", not an obligation.
_NEED_NOUN_BEFORE = frozenset({"的", "满足", "根据", "按照", "适应", "结合", "工作", "发展", "现实", "实际", "有"})
_QUANTITY = re.compile(r"^(?:[一二两三四五六七八九十几数多百千万]|大批|大量|更多|很多|许多|各种|各类)")
# A run of text with none of these characters or pairs holds no marker, so it
# needs no segmentation: every marker word (and 让 of 让我们) contains one.
NEEDS_WORDS = frozenset("要须需务应必让亟忌宜决绝")
NEEDS_PAIRS = ("不能", "不得", "不可")

_NECESSITY = re.compile(
    r"(?:当务之急|重中之重|最重要的(?:任务|是|就是)|最紧迫的(?:任务|是)|关键(?:在于|是)|首要任务(?:是|就是))")
# Verbs that open a subjectless command in this genre (string prefixes of a clause).
IMPERATIVE_VERBS = (
    "实行", "实施", "完善", "建设", "建立", "健全", "构建", "营造", "探索", "推动", "推进", "促进", "加强", "加快",
    "加大", "深化", "强化", "优化", "提升", "提高", "发挥", "坚持", "鼓励", "支持", "引导", "培育", "培养",
    "打造", "打通", "畅通", "扩大", "放宽", "落实", "统筹", "把", "将", "用", "以", "让", "依托", "立足", "围绕",
    "着力", "聚焦", "抓住", "抓好", "做好", "做强", "做优", "做大", "办好", "守住", "筑牢", "夯实", "激发",
    "释放", "满足", "形成", "汇聚", "凝聚", "增强", "保持", "保障", "维护", "防范", "化解", "破除", "打破",
    "突破", "攻克", "补齐", "拓展", "开辟", "塑造", "创新", "改革", "改造", "升级", "贯彻", "学习", "树立",
    "弘扬", "传承", "推广", "普及", "规范", "严格", "严守", "杜绝", "反对", "避免", "防止", "减少", "降低",
    "助力", "带动", "引领", "服务", "融入", "对接", "转化", "分类", "体现", "发展", "壮大", "布局", "巩固", "压紧", "压实", "履行", "织密", "紧扣", "锚定", "坚守", "加速", "提速", "激活", "盘活", "用好", "管好", "建好", "鼓足", "部署"
)
# Adverbs that may stand before the command verb.
_ADVERBS = re.compile(r"^(?:进一步|更好地?|更加|大力|积极|切实|充分|深入|持续|不断|着力|努力|坚决|全面|主动|加快|紧紧|扎实|有效|稳步|逐步|及时|科学|统筹|同步)")
_CONNECTIVES = re.compile(r"^(?:同时|此外|另外|另一方面|与此同时|进而|因此|为此|对此|其中|特别是|尤其是|当前|目前|今后|未来|下一步)[，,]?")
# Signs of description, not command.
_DESCRIPTIVE = re.compile(r"了|已经|已|正在|将会|曾经|能够|至关重要|十分重要|非常重要|尤为重要|具有重要意义|意义重大"
                         r"|(?:^|[，,])将(?:会|要|进一步|重塑|催生|带来|推动|促进|成为|为|有|是|极大|大大|不断|持续|更加|加快)")
_PREDICATE_AS_SUBJECT = re.compile(r"(?<![特尤就而还但凡总于只或要即正也都])是(?!否)|成为|意味着|在于|离不开|需要")
_PREPOSITIONS = ("根据", "按照", "围绕", "依托", "立足", "面向", "针对", "结合", "通过", "以", "在", "对", "为", "从")


def has_modal(words: list[str]) -> bool:
    """Does a modal marker stand among these words (quotations already removed)?"""
    for i, w in enumerate(words):
        if w not in MODAL_WORDS:
            # 要求 + 我们, 迫切 + 要求 are markers as a pair.
            if w == "要求" and ((i + 1 < len(words) and words[i + 1] in ("我们", "各级", "全党")) or (i and words[i - 1] == "迫切")):
                return True
            if w == "让" and i + 1 < len(words) and words[i + 1] == "我们":
                return True
            # 不能 segmented as 不 + 能 (这一点不能忽视), but not 能不能.
            if w == "不" and i + 1 < len(words) and words[i + 1] == "能" and (not i or words[i - 1] != "能"):
                return True
            continue
        before = words[i - 1] if i else ""
        after = words[i + 1] if i + 1 < len(words) else ""
        if w == "要" and (before in _NOT_MODAL_BEFORE or after in _NOT_MODAL_AFTER):
            continue
        if w == "需要" and (before in _NEED_NOUN_BEFORE or not after or _QUANTITY.match(after) or not re.match(r"\w", after)):
            continue
        if w == "应" and after in ("有", "有之义"):
            continue
        if w in ("决不", "绝不") and after in _NOT_PROHIBITION_AFTER:
            continue
        # 应该说，… / 应当说，… is a hedge ("it must be said"), not a prescription.
        if w in ("应该", "应当", "应") and after == "说" and (i + 2 >= len(words) or not words[i + 2][:1].isalnum()):
            continue
        return True
    return False


def _command_clause(clause: str) -> bool:
    clause = _CONNECTIVES.sub("", clause)
    clause = _ADVERBS.sub("", clause)
    return clause.startswith(IMPERATIVE_VERBS)


def is_imperative(text: str, start: int, end: int) -> bool:
    """A subjectless command: most clauses open with a command verb, nothing descriptive."""
    sentence = text[start:end]
    if _DESCRIPTIVE.search(sentence):
        return False
    clauses = [text[s:e].strip() for s, e in split_clauses(text, start, end)]
    clauses = [c for c in (_CONNECTIVES.sub("", c) for c in clauses) if c]
    if not clauses:
        return False
    first = clauses[0]
    if _PREDICATE_AS_SUBJECT.search(first) or any(c.startswith(("是", "成为")) for c in clauses[1:]):
        return False
    if not (_command_clause(first) or first.startswith(_PREPOSITIONS)):
        return False
    commands = sum(_command_clause(c) for c in clauses)
    return commands * 2 > len(clauses)


def needs_words(text: str) -> bool:
    """Could a marker word stand in this text? (If not, its words are never read.)"""
    return any(ch in NEEDS_WORDS for ch in text) or any(p in text for p in NEEDS_PAIRS)


assert all(needs_words(w) for w in MODAL_WORDS | {"让我们"})


def find_directives(layout: Layout, taken: list[Unit], quotes: list[Quote], words_of) -> list[Unit]:
    """DIRECTIVE sentences among the paragraphs' sentences not already CLAIM or SUPPORT.

    words_of(start, end) gives the words (strings) of text[start:end] as segmented.
    """
    text = layout.text
    found: list[Unit] = []
    for block in layout.paragraphs():
        lead_taken = any(u.start == block.start and u.label == "SUPPORT" for u in taken)
        # Everything between quotation marks (QUOTE or term) is someone else's words.
        quoted = [Quote(s, e, None, "") for s, e, _ in find_quotation_marks(text, block.start, block.end)]
        candidates = []  # (start, end, is_modal, is_imperative)
        for s, e in block.sentences:
            if any(u.start < e and s < u.end for u in taken):
                continue
            pieces = pieces_outside_quotes(s, e, quoted)
            outside = "".join(text[a:b] for a, b in pieces)
            modal = needs_words(outside) and any(has_modal(words_of(a, b)) for a, b in pieces if needs_words(text[a:b]))
            necessity = bool(_NECESSITY.search(outside))
            imperative = not modal and not necessity and is_imperative(text, s, e) and not quotes_in(quotes, s, e)
            candidates.append((s, e, modal, necessity, imperative))
        n_prescriptive = sum(1 for c in candidates if c[2] or c[3] or c[4])
        for s, e, modal, necessity, imperative in candidates:
            if modal:
                found.append(Unit(s, e, "DIRECTIVE", MODAL.id))
            elif necessity:
                found.append(Unit(s, e, "DIRECTIVE", NECESSITY.id))
            elif imperative and (lead_taken or n_prescriptive >= 2):
                found.append(Unit(s, e, "DIRECTIVE", IMPERATIVE.id))
    return found
