"""QUOTE: someone else's words between paired quotation marks, with a speaker.

A quotation is a QUOTE when it is attributed (a speech verb or a source right
before it, or an attribution right after it), when it directly follows an
attributed quotation (“A”“B”), or when it is a full clause with its own
punctuation (a saying, a verse). Short unpunctuated quoted material with no
attribution is a term or a scare quote (“卡脖子”), not a QUOTE.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from annotate.rules import Rule, register
from annotate.rules.text import find_quotation_marks, strip_span

ATTRIBUTED = register(Rule(
    "quote.attributed", "QUOTE",
    "quoted words right after a speech verb or a source (指出：“…”, 强调“…”, 《建议》提出“…”)",
    "习近平总书记指出：“要牢牢把握高质量发展这个首要任务，因地制宜发展新质生产力”",
    "下好“先手棋”（a term: no speech verb before it）", 0.95))
ATTRIBUTED_AFTER = register(Rule(
    "quote.attributed_after", "QUOTE",
    "quoted words followed by their attribution (“…”习近平总书记的话掷地有声)",
    "“民族复兴是……”，习近平总书记的话掷地有声",
    "“从0到1”的原始创新（a term followed by 的, no attribution）", 0.85))
CHAINED = register(Rule(
    "quote.chained", "QUOTE",
    "a quotation that directly follows an attributed one (“A”“B”)",
    "指出：“要牢牢把握……新质生产力”“发展新质生产力不是忽视、放弃传统产业……”",
    "“先立后破”、“因地制宜”（terms in a list, the first is not attributed）", 0.9))
SAYING = register(Rule(
    "quote.saying", "QUOTE",
    "an unattributed saying, verse or classical line: a full clause with its own punctuation, or a quotation standing as a sentence of its own",
    "“绳短不能汲深井，浅水难以负大舟。”",
    "“时时放心不下”（8 characters or less, no punctuation: a term）", 0.85))

# Speech verbs and source verbs that introduce a quotation (longest first).
SPEECH_VERBS = (
    "深刻指出", "明确指出", "鲜明指出", "郑重宣示", "明确提出", "强调指出", "深刻阐明", "开宗明义",
    "指出", "强调", "提出", "表示", "说过", "讲过", "说道", "写道", "谈到", "提到", "要求", "宣布",
    "阐明", "阐述", "明确", "寄语", "号召", "勉励", "嘱托", "告诫", "重申", "坦言", "认为", "所说",
    "所言", "所讲", "有言", "有云", "曾说", "常说", "说", "讲", "道", "云", "曰",
)
# Attribution right after the closing mark: “…”习近平总书记的话掷地有声.
AFTER_PATTERN = re.compile(r"^[，,。]?\s*(?P<speaker>[^，,。；;：:“”]{1,16}?)的?(?:话|这句话|这段话|论述|重要论述|所说|所言|说|讲)")
# Who speaks, as written; matched inside the clause before the speech verb.
KNOWN_SPEAKERS = (
    "习近平总书记", "习近平主席", "习近平同志", "习近平", "总书记", "毛泽东同志", "毛泽东",
    "邓小平同志", "邓小平", "马克思", "恩格斯", "列宁", "孔子", "孟子", "老子", "荀子", "古人",
    "党的二十届三中全会", "党的二十大报告", "党的二十大", "中央经济工作会议", "政府工作报告",
)
_SOURCE_TITLE = re.compile(r"《[^《》]{1,30}》")
_VERB_BEFORE = re.compile(
    r"(?:" + "|".join(SPEECH_VERBS) + r")(?:了|过|的)?(?:那样|一样)?\s*[：:，,]?\s*$"
)
_LEAD_IN = re.compile(r"^(?:[^，,]{0,12}(?:以来|时|后|上|中)[，,])")
MIN_TERM_CHARS = 8          # quoted material this short, unpunctuated, unattributed = a term
SENTENCE_PUNCT = "，,。！？!?；;：:…"


@dataclass(frozen=True)
class Quote:
    start: int
    end: int
    speaker: str | None
    rule: str


def _clause_before(text: str, floor: int, at: int) -> str:
    """The text of the clause that ends at `at` (back to 。！？； or `floor`)."""
    i = at
    while i > floor and text[i - 1] not in "。！？!?；;\n”」":
        i -= 1
    return text[i:at]


def speaker_in(clause: str) -> str | None:
    """Who speaks in the clause before a speech verb, as written, or None."""
    for name in KNOWN_SPEAKERS:
        if name in clause:
            return name
    m = _SOURCE_TITLE.search(clause)
    if m:
        return m.group(0)
    # Fall back to the subject: the clause minus a lead-in and anything from 在/于.
    core = _VERB_BEFORE.sub("", clause)
    core = re.split(r"[，,]", core)[-1]
    core = re.split(r"在|于|曾|多次|反复|也|还|更|都|深刻|明确|鲜明", core)[0].strip()
    if 2 <= len(core) <= 12 and not re.search(r"[我这那它]|们", core):
        return core
    return None


def _attributed_before(text: str, floor: int, open_mark: int) -> tuple[bool, str | None]:
    clause = _clause_before(text, floor, open_mark)
    if not _VERB_BEFORE.search(clause):
        return False, None
    # A term after a verb of naming is not a quotation: 被称为“…”, 所谓“…”.
    if re.search(r"(?:称为|称作|叫做|所谓|名为|简称)\s*$", clause):
        return False, None
    return True, speaker_in(clause)


def _is_saying(content: str) -> bool:
    inner = content.strip()
    if len(inner) <= MIN_TERM_CHARS:
        return False
    return any(ch in SENTENCE_PUNCT for ch in inner)


def _stands_alone(text: str, start: int, end: int, open_mark: int, close_mark: int, closed: bool) -> bool:
    """A quotation that is a whole sentence by itself (“打铁必须自身硬”。) is a saying, not a term."""
    before = text[start:open_mark].rstrip()
    if before and before[-1] not in "。！？!?…":
        return False
    if not closed:
        return False
    after = text[close_mark + 1:end].lstrip()
    return not after or after[0] in "。！？!?…"


def find_quotes(text: str, start: int, end: int) -> list[Quote]:
    """QUOTE spans in one paragraph text[start:end] (page-break pieces already joined)."""
    out: list[Quote] = []
    previous: Quote | None = None
    previous_close = -1
    for q_start, q_end, closed in find_quotation_marks(text, start, end):
        open_mark = q_start - 1
        s, e = strip_span(text, q_start, q_end)
        if e <= s:
            previous = None
            continue
        content = text[s:e]
        quote = None
        between = text[previous_close + 1:open_mark] if previous is not None else None
        attributed, speaker = _attributed_before(text, start, open_mark)
        # A short name used as a modifier is a term even after a verb: 提出了“两个结合”的重大论断.
        named = (closed and len(content) <= MIN_TERM_CHARS and not any(ch in SENTENCE_PUNCT for ch in content)
                 and text[q_end + 1:q_end + 2] == "的")
        if attributed and not named:
            quote = Quote(s, e, speaker, ATTRIBUTED.id)
        elif previous is not None and between is not None and re.fullmatch(r"[\s，,、]*", between):
            quote = Quote(s, e, previous.speaker, CHAINED.id)
        else:
            after = text[q_end + 1:end] if closed else ""
            m = AFTER_PATTERN.match(after)
            if m and (any(n in m.group("speaker") for n in KNOWN_SPEAKERS) or _SOURCE_TITLE.search(m.group("speaker"))):
                quote = Quote(s, e, speaker_in(m.group("speaker")), ATTRIBUTED_AFTER.id)
            elif _is_saying(content) or _stands_alone(text, start, end, open_mark, q_end, closed):
                quote = Quote(s, e, None, SAYING.id)
        if quote:
            out.append(quote)
        previous = quote
        previous_close = q_end
    return out
