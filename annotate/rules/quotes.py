"""QUOTE: someone else's words between paired quotation marks, with a speaker.

A quotation is a QUOTE when it is attributed (a speech verb or a source right
before it, or an attribution right after it), when it directly follows an
attributed quotation (“A”“B”), or when it is a full clause with its own
punctuation (a saying, a verse). Short unpunctuated quoted material with no
attribution is a term or a scare quote (“卡脖子”), not a QUOTE.

Each rule is a function of one quotation (a `Mark`); they are tried in the order
they are registered here (annotate.rules.rules_for) and the first hit decides.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from annotate.punctuation import HAN, SENTENCE_END
from annotate.rules.registry import rule, rules_for
from annotate.rules.lexicon import QG, Q, alternation
from annotate.rules.text import FINAL_PUNCT, SENTENCE_PUNCT, find_quotation_marks, strip_span

SPEECH_VERBS = Q.speech_verbs
KNOWN_SPEAKERS = Q.known_speakers
AFTER_PATTERN = Q.after
_SOURCE_TITLE = re.compile(r"《[^《》]{1,30}》")
# (说一声“感觉良好”, 问一句“…”: a count of utterances may stand between the verb and the words)
_VERB_BEFORE = re.compile(r"(?:" + alternation(SPEECH_VERBS) + r")(?:" + "|".join(QG.verb_particles) + r")?(?:"
                          + "|".join(QG.utterance_counts) + r")?\s*[：:，,]?\s*$")
MIN_TERM_CHARS = Q.min_term_chars
_HAN_CHAR = re.compile(f"[{HAN}]")  # quoted material this short, unpunctuated, unattributed = a term


@dataclass(frozen=True)
class Quote:
    start: int
    end: int
    speaker: str | None
    rule: str


@dataclass(frozen=True)
class Mark:
    """One quotation in a paragraph, as the quote rules see it."""
    text: str
    floor: int                 # the paragraph's start and end
    ceiling: int
    open_mark: int             # offset of the opening mark
    close_mark: int            # offset of the closing mark (the paragraph's end if never closed)
    closed: bool
    start: int                 # the content, whitespace-trimmed
    end: int
    previous: Quote | None     # the quotation right before in the paragraph, if it was a QUOTE
    between: str | None        # text between that quotation and this one

    @property
    def content(self) -> str:
        return self.text[self.start:self.end]


_CLAUSE_STOPS = SENTENCE_END + "；;\n”」"   # (a comma or a colon does not end the clause of a speech verb)


def _clause_before(text: str, floor: int, at: int) -> str:
    """The text of the clause that ends at `at` (back to 。！？； or `floor`)."""
    i = at
    while i > floor and text[i - 1] not in _CLAUSE_STOPS:
        i -= 1
    return text[i:at]


def speaker_in(clause: str) -> str | None:
    """Who speaks in the clause before a speech verb, as written, or None."""
    for name in KNOWN_SPEAKERS:
        if name in clause:
            return name
    m = _SOURCE_TITLE.search(clause)
    # 在《…》中指出: the work is where it was said, the speaker is named elsewhere (carried).
    if m and not QG.in_work.search(clause[:m.start()]):
        return m.group(0)
    # Fall back to the subject: the clause minus a lead-in and anything from 在/于.
    core = _VERB_BEFORE.sub("", clause)
    core = re.split(r"[，,]", core)[-1]
    core = Q.speaker_cut.split(core)[0].strip()
    # (面对浩瀚宇宙说一声“…”: a clause opening with a preposition names whom, not who)
    if (2 <= len(core) <= 12 and not QG.not_a_speaker.search(core) and "《" not in core
            and not QG.addressee_prepositions.match(core)):
        return core
    return None


_DESCRIBED_NAME = re.compile(r"(?:" + "|".join(QG.descriptors) + rf")?([{HAN}·]{{2,6}})$")
_DESCRIPTOR_CUT = re.compile(r"(?:" + "|".join(QG.descriptor_cut) + rf")(?=[{HAN}]{{2,4}}$)")


def _named_in(clause: str) -> str | None:
    """The speaker a clause with no speech verb names (法国哲学家笛卡尔曾, 东坡): a known speaker or
    its last 2–4 Han characters after a descriptor (哲学家笛卡尔 → 笛卡尔), else None."""
    clause = Q.speaker_cut.split(re.split(r"[，,]", clause)[-1])[0].strip()
    for name in KNOWN_SPEAKERS:
        if name in clause:
            return name
    m = _DESCRIBED_NAME.search(clause)
    if not m or QG.pronoun.search(clause):
        return None
    name = m.group(1)
    cut = _DESCRIPTOR_CUT.search(name)
    return name[cut.end():] if cut else name


CARRY_BACK = 120  # how far back (characters) a speaker named earlier in the paragraph carries


def _named_before(text: str, floor: int, at: int) -> str | None:
    """The speaker named last in the paragraph before `at` (within CARRY_BACK characters):
    a known speaker or a document title. Bounded look-back, so the cost stays linear."""
    lo = max(floor, at - CARRY_BACK)
    best, best_key = None, (-1, 0)
    for name in KNOWN_SPEAKERS:
        i = text.rfind(name, lo, at)
        key = (i + len(name), len(name))  # the latest end, then the longest (习近平总书记 over 总书记)
        if i >= 0 and key > best_key:
            best, best_key = name, key
    for m in _SOURCE_TITLE.finditer(text, lo, at):
        if (m.end(), len(m.group(0))) > best_key:
            best, best_key = m.group(0), (m.end(), len(m.group(0)))
    return best


def _attributed_before(text: str, floor: int, open_mark: int) -> tuple[bool, str | None]:
    clause = _clause_before(text, floor, open_mark)
    if not _VERB_BEFORE.search(clause):
        return False, None
    # A term after a verb of naming is not a quotation: 被称为“…”, 所谓“…”.
    if Q.naming_verbs.search(clause):
        return False, None
    # A clause that names nobody (他在《…》中指出, 并强调) carries the speaker named just before.
    return True, speaker_in(clause) or _named_before(text, floor, open_mark - len(clause))


def _is_saying(content: str) -> bool:
    """A full clause with its own punctuation (“去干啥？”, “不能变，也不会变”): someone's words,
    however short; a term never carries sentence punctuation."""
    # (an ellipsis marks words left out: “既要……又要……” is a pattern named, no clause of its own)
    return any(ch in SENTENCE_PUNCT and ch not in "…⋯" for ch in content.strip())


def _is_term(m: Mark) -> bool:
    """Short, unpunctuated quoted material (8 characters or less)."""
    return len(m.content) <= MIN_TERM_CHARS and not any(ch in SENTENCE_PUNCT for ch in m.content)


def _stands_alone(m: Mark) -> bool:
    """A quotation that is a whole sentence by itself (“打铁必须自身硬”。) is a saying, not a term."""
    before = m.text[m.floor:m.open_mark].rstrip()
    if before and before[-1] not in FINAL_PUNCT:
        return False
    if not m.closed:
        return False
    after = m.text[m.close_mark + 1:m.ceiling].lstrip()
    return not after or after[0] in FINAL_PUNCT


def _noun_follows(m: Mark) -> bool:
    """A Han character right after the closing mark heads the noun phrase the quotation modifies
    (提出“双碳”目标), unless it refers back to the words (“…”这句话, “…”的论断 is attribution)."""
    after = m.text[m.close_mark + 1:m.ceiling]
    return (bool(_HAN_CHAR.match(after)) and not after.startswith(QG.refer_back)
            and not Q.speech_noun_after.match(after))


@rule("quote.attributed", "QUOTE",
      "quoted words right after a speech verb or a source (指出：“…”, 强调“…”, 《建议》提出“…”, 说一声“…”, 高喊“…”, 喊的是“…”) or a noun "
      "of words (名句“…”, 古语“…”); not a short one that modifies a noun (提出“双碳”目标, 提出了“两个结合”的重大论断) "
      "or whose wording is talked about (“小资产”这三个字, 提出了“…”这样一种说法)",
      "习近平总书记指出：“要牢牢把握高质量发展这个首要任务，因地制宜发展新质生产力”",
      "下好“先手棋”（a term: no speech verb before it）", 0.95)
def attributed(m: Mark) -> Quote | None:
    before = m.text[m.floor:m.open_mark]
    # 东坡名句“明月几时有”, 古语“…”: the noun says the quotation is a line of someone's words.
    if Q.words_noun_before.search(before):
        clause = _clause_before(m.text, m.floor, m.open_mark)
        return Quote(m.start, m.end, _named_in(Q.words_noun_before.sub("", clause)), attributed.rule.id)
    ok, speaker = _attributed_before(m.text, m.floor, m.open_mark)
    if not ok:
        return None
    # 所谓 attributes only after the one who says it, named in its clause (一些政客所谓“…”), and only
    # more than a term (X所谓“民主”: a term X uses); after a verb (不存在所谓“…”问题) it names
    if QG.so_called.search(before.rstrip()) and (
            (m.closed and _is_term(m)) or speaker_in(_clause_before(m.text, m.floor, m.open_mark)) is None):
        return None
    if m.closed and _is_term(m):
        # A short name glossed right after it (《周礼》提出“六廉”，即…) is explained, not quoted.
        if Q.gloss_after.match(m.text[m.close_mark + 1:m.ceiling]):
            return None
        # A short name used as a modifier is a term even after a verb: 提出了“两个结合”的重大论断;
        # so is one that a verb of naming or emphasis takes as its object: 罗伯特·索洛提出的“索洛余值”,
        # 强调“马上就办”.
        # (With a named speaker, 总书记强调“雷厉风行抓落实”, it is his words.)
        # So is one that a noun follows at once, heading the phrase it modifies: 提出“双碳”目标.
        # So is one whose wording is talked about: “小资产”这三个字, “道德保守主义”这样一种说法.
        bare = before.rstrip()
        if bare.endswith(tuple(Q.concept_aspect)):
            bare = bare[:-1]
        if (m.text[m.close_mark + 1:m.close_mark + 2] == QG.attributive or before.endswith(QG.attributive)
                or (bare.endswith(Q.concept_verbs) and speaker is None)
                or Q.wording_after.match(m.text[m.close_mark + 1:m.ceiling])
                or _noun_follows(m)):
            return None
    return Quote(m.start, m.end, speaker, attributed.rule.id)


@rule("quote.chained", "QUOTE",
      "a quotation that directly follows an attributed one (“A”“B”)",
      "指出：“要牢牢把握……新质生产力”“发展新质生产力不是忽视、放弃传统产业……”",
      "“先立后破”、“因地制宜”（terms in a list, the first is not attributed）", 0.9)
def chained(m: Mark) -> Quote | None:
    # After a quotation that ended its sentence (“…。”“十四五”时期), a short term starts anew.
    ended = m.previous is not None and m.text[m.previous.end - 1:m.previous.end] in SENTENCE_END
    if ended and _is_term(m):
        return None
    if m.previous is not None and m.between is not None and re.fullmatch(r"[\s，,、]*", m.between):
        return Quote(m.start, m.end, m.previous.speaker, chained.rule.id)
    return None


@rule("quote.attributed_after", "QUOTE",
      "quoted words followed by their attribution (“…”习近平总书记的话掷地有声), or by a noun of speech "
      "(…曾有“…”的论断; “A”“B”……各国领导人的热忱话语), or by a speaker and a verb of saying (“…”，一位游客说。)",
      "“民族复兴是……”，习近平总书记的话掷地有声",
      "“从0到1”的原始创新（a term followed by 的, no attribution）", 0.85)
def attributed_after(m: Mark) -> Quote | None:
    after = m.text[m.close_mark + 1:m.ceiling] if m.closed else ""
    found = AFTER_PATTERN.match(after)
    if found and (any(n in found.group("speaker") for n in KNOWN_SPEAKERS) or _SOURCE_TITLE.search(found.group("speaker"))):
        return Quote(m.start, m.end, speaker_in(found.group("speaker")), attributed_after.rule.id)
    said = Q.speaker_verb_after.match(after)
    # (a short one only when the verb ends the sentence: “保重”，她说。 — not “十四五”规划表示，…)
    if said and (not _is_term(m) or said.group(0).rstrip()[-1:] in "。！!"):
        return Quote(m.start, m.end, speaker_in(said.group("speaker")), attributed_after.rule.id)
    named = Q.speaker_noun_after.match(after)
    if named and not _is_term(m):
        return Quote(m.start, m.end, speaker_in(named.group("speaker")), attributed_after.rule.id)
    if after and Q.speech_noun_after.match(after):
        if not _is_term(m):
            return Quote(m.start, m.end, _named_before(m.text, m.floor, m.open_mark), attributed_after.rule.id)
        # Someone "has" the words (笛卡尔曾有“我思故我在”的论断): short, but his.
        clause = _clause_before(m.text, m.floor, m.open_mark)
        if Q.had_words_before.search(clause):
            speaker = _named_in(Q.had_words_before.sub("", clause))
            if speaker:
                return Quote(m.start, m.end, speaker, attributed_after.rule.id)
    return None


@rule("quote.saying", "QUOTE",
      "an unattributed saying, verse or classical line: a full clause with its own punctuation, or a quotation standing as a sentence of its own",
      "“绳短不能汲深井，浅水难以负大舟。”",
      "“时时放心不下”（8 characters or less, no punctuation: a term; or a slogan naming a principle or policy: 遵循“谁干扰，谁治理”的原则）", 0.85)
def saying(m: Mark) -> Quote | None:
    if m.closed and Q.policy_name_after.match(m.text[m.close_mark + 1:m.close_mark + 8]):
        return None   # (a slogan naming a principle or policy: 坚持“…，…”的原则)
    if _is_saying(m.content) or _stands_alone(m):
        return Quote(m.start, m.end, None, saying.rule.id)
    return None


def find_quotes(text: str, start: int, end: int, disabled: frozenset[str] = frozenset()) -> list[Quote]:
    """QUOTE spans in one paragraph text[start:end] (page-break pieces already joined)."""
    rules = rules_for("QUOTE", disabled=disabled)
    marks: list[tuple[Mark, Quote | None]] = []
    previous: Quote | None = None
    previous_close = -1
    for q_start, q_end, closed in find_quotation_marks(text, start, end):
        s, e = strip_span(text, q_start, q_end)
        # (no word inside the marks, “。” or “……”: nothing is quoted)
        if e <= s or not any(ch.isalnum() for ch in text[s:e]):
            previous = None
            continue
        between = text[previous_close + 1:q_start - 1] if previous is not None else None
        mark = Mark(text, start, end, q_start - 1, q_end, closed, s, e, previous, between)
        quote = next((q for q in (r(mark) for r in rules) if q), None)
        marks.append((mark, quote))
        previous = quote
        previous_close = q_end
    # Back to back the other way (“修身齐家治国平天下”“为天地立心、…”“先天下之忧而忧，…”): a
    # quotation right before a QUOTE is one too, with its speaker.
    if chained.rule.id not in disabled:
        for k in range(len(marks) - 2, -1, -1):
            (mark, quote), (after, next_quote) = marks[k], marks[k + 1]
            between = text[mark.close_mark + 1:after.open_mark]
            if quote is None and next_quote is not None and mark.closed and re.fullmatch(r"[\s，,、]*", between):
                marks[k] = (mark, Quote(mark.start, mark.end, next_quote.speaker, chained.rule.id))
    return [q for _, q in marks if q]
