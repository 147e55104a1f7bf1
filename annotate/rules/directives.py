"""DIRECTIVE: a prescription in the author's voice.

Modal markers are read off the word segmentation (要 in 重要/主要/要素/要求/
首要 is inside another word and is not a marker), and only outside quotation
marks: a sentence whose prescription sits inside a quotation (or a quoted term
such as “三个务必”) is not a DIRECTIVE.
Subjectless commands (实行…，完善…，建设…。) count when they stand in a run of
prescriptions.

Each rule is a function of one sentence (a `Sentence`) that says whether it
prescribes; they are tried in the order they are registered here (annotate.rules.rules_for),
the rules that count only in a run of prescriptions (`in_a_run`) last.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Callable

from annotate.document import PARAGRAPH
from annotate.punctuation import CLAUSE_MARKS, HAN, SENTENCE_END
from annotate.rules.registry import rule, rules_for
from annotate.rules.layout import Layout
from annotate.rules.lexicon import D, G, needs_words
from annotate.rules.quotes import Quote
from annotate.rules.text import Intervals, find_book_titles, find_quotation_marks, split_clauses
from annotate.rules.units import Unit, announces_list, pieces_outside_quotes, quotes_in

MODAL_WORDS = D.modal_words_set
IMPERATIVE_VERBS = D.command_verbs
_QUANTITY = D.quantity
_NECESSITY = D.necessity
_ADVERBS = D.command_adverbs
_CONNECTIVES = D.clause_connectives
_DESCRIPTIVE = D.descriptive
_PREDICATE_AS_SUBJECT = D.predicate_as_subject
_PREPOSITIONS = D.prepositions
_MANNER = tuple(sorted(D.manner_adverbs, key=len, reverse=True))


_CLAUSE_END = frozenset(CLAUSE_MARKS + SENTENCE_END)
_HAN_CHAR = re.compile(f"[{HAN}]")
# Markers that prescribe an action (not a prohibition): 仍 before them still prescribes (仍要坚持).
_POSITIVE_MODALS = G.positive_modals_set
_YAO_FAMILY = G.yao_modals


_NOT_REPORT_LE = G.necessity_le
_PURPOSE_AFTER = G.purpose_after


def _clause_before(words: list[str], i: int) -> str:
    """The text of the clause before words[i] (back to the last clause-ending mark)."""
    text = "".join(words[:i])
    cut = max(text.rfind(ch) for ch in _CLAUSE_END)
    return text[cut + 1:]


def _clause_after(words: list[str], i: int) -> str:
    """The text of the clause after words[i] (up to the next clause-ending mark)."""
    rest = "".join(words[i + 1:])
    cut = min([rest.find(ch) for ch in _CLAUSE_END if ch in rest] or [len(rest)])
    return rest[:cut]


# (时 ends the time clause: the clause ends there or its main verb phrase follows with 却/就/才…;
# 与时俱进 has 时 inside an idiom)
_TIME_CLAUSE = G.time_clause


def _about_to(words: list[str], i: int) -> bool:
    """要 at words[i] heads a time clause (要挣扎着逃离时, 要出发的时候), or its clause ends with
    a sentence-final 了 (就要开学了, 天要下雨了): "about to", not "must"."""
    after = _clause_after(words, i)
    clause = after.rstrip("”’」』）)")
    return bool(_TIME_CLAUSE.match(after)) or (len(clause) >= 2 and clause.endswith(G.perfective))


def _own_speech_act(words: list[str], i: int) -> bool:
    """要/不能 at words[i] between 我 (a few adverbs apart: 我首先要, 我现在还不能) and a speech
    verb (告诉, 感谢…): the speaker announces or withholds his own words."""
    if i + 1 >= len(words) or words[i + 1] not in D.speech_act_verbs_set:
        return False
    clause = _clause_before(words, i)
    at = clause.rfind(G.speaker_self)
    return at >= 0 and not clause[at + 1:at + 2] == G.plural and len(clause) - at - 1 <= 4


# One person as the subject (lexicon: 我/他/她/它, not 我们/我国/其他/自我/他人 …).
_ONE_PERSON = G.one_person


def _subject_near(pattern: re.Pattern, clause: str, reach: int = 4) -> bool:
    """The last match of `pattern` in the clause before a marker ends at most `reach` characters
    before it: the marker's subject, a few adverbs apart (他硬是要…, 他们要用去…)."""
    m = None
    for m in pattern.finditer(clause):
        pass
    return m is not None and len(clause) - m.end() <= reach


def _one_persons_will(words: list[str], i: int) -> bool:
    """The marker at words[i] has one person for its subject, a few words before it in its clause
    (他硬是要…, 我陈毅就是要…, 它不能产生…, 我想不能…): his wish, intention or inability, not a
    prescription to anyone. (他要大家…: 要 + an addressee demands; 要求 is another word.)"""
    if not _subject_near(_ONE_PERSON, _clause_before(words, i)):
        return False
    after = words[i + 1] if i + 1 < len(words) else ""
    return after not in D.require_addressees_set and after not in D.addressee_words_set


def _some_of_them(words: list[str], i: int) -> bool:
    """The marker at words[i] stands in a sentence part (back to the last ；) whose subject is some of
    a group (有的党员…，不能很好地观照全局；有些地方…): a list of shortcomings, not a prescription."""
    text = "".join(words[:i])
    part = text[max(text.rfind(ch) for ch in SENTENCE_END + "；;") + 1:]
    return bool(G.some_of_them.search(part)) and not any(a in part for a in D.require_addressees)


def _a_not_a(words: list[str], i: int) -> bool:
    """The marker at words[i] is a half of an A-not-A question (需不需要, 要不要, 应不应该):
    it asks, it does not prescribe."""
    before = "".join(words[max(0, i - 3):i])
    after = "".join(words[i + 1:i + 3])
    w = words[i]
    return ((before.endswith(G.negator) and len(before) >= 2 and before[-2] == w[0])
            or (after.startswith(G.negator) and after[1:2] == w[0]))


def _comparative(words: list[str], i: int) -> bool:
    """要 at words[i] weighs a comparison: 要比 … (A 要比 B 严重), or 比/比起 … 要 + a short
    predicate ending the clause (A 比 B 要快 / 要困难得多)."""
    after = words[i + 1] if i + 1 < len(words) else ""
    if after.startswith(G.comparison):
        return True
    before = _clause_before(words, i)
    if not G.comparison_before.search(before):
        return False
    # (…比法律审判要更加不严谨、更加情绪化: a degree adverb opens the compared predicate, however long)
    return 0 < len(_clause_after(words, i)) <= 8 or after.startswith(G.more)


def _reported_in_clause(words: list[str], i: int) -> bool:
    """A marker inside a reported or relative clause: a verb with 了 before it in the same
    clause (有效解决了…必须“…”这两个问题, 明确了…必须坚持的方向) describes, it does not prescribe.
    (这决定了…也要… is a necessity.) Read off the text, not the words, so that it does not
    depend on how far segmentation went."""
    clause = _clause_before(words, i)
    at = clause.rfind(G.perfective)
    return at >= 0 and not _NOT_REPORT_LE.search(clause[:at + 1])


def _attributive(words: list[str], i: int) -> bool:
    """A marker inside an attributive clause or a subject: 这是我们必须遵循的原则 (是 … marker … 的 +
    noun ending the clause), 必须坚持人民至上，是该思想的重要内容 (the clause is the subject of 是)."""
    before = _clause_before(words, i)
    rest = "".join(words[i + 1:])
    cut = min([rest.find(ch) for ch in _CLAUSE_END if ch in rest] or [len(rest)])
    after, next_clause = rest[:cut], rest[cut + 1:]
    # (…蕴含着我们必须遵循的原则: a verb with 着 heads the relative clause as 是 does; not 随着)
    copula = max(before.rfind(G.copula), before.rfind(G.durative) if G.durative_verb.search(before) else -1)
    if 0 <= copula < len(before) - 1 and G.attributive in after and len(after) - after.rfind(G.attributive) <= 9:
        return True
    # (是的，… opening the next clause is "yes", an interjection, no predicate of this clause)
    if G.interjection_yes.match(next_clause):
        return False
    opener = next((p for p in D.topic_predicates if next_clause.startswith(p)), None)
    return opener is not None and not next_clause.startswith(opener + G.yao)


def _relative_clause_after(words: list[str], i: int) -> bool:
    after = _clause_after(words, i)
    return G.attributive in after and len(after) - after.rfind(G.attributive) <= 5


def _coordinated_inability(words: list[str], i: int) -> bool:
    """不能 at words[i] coordinated with an inability in the clause before it or its own, in its
    sentence (…但无法杀灭病菌，不能替代抗生素): it says what something cannot do."""
    text = "".join(words[:i])
    sentence = text[max(text.rfind(ch) for ch in SENTENCE_END) + 1:]
    marks = [k for k, ch in enumerate(sentence) if ch in _CLAUSE_END]
    start = marks[-2] + 1 if len(marks) >= 2 else 0
    return any(w in sentence[start:] for w in G.inability)


def _in_condition(words: list[str], i: int) -> bool:
    """The marker at words[i] stands in a condition (如果我们不能坚持…, 假定有君王专心要…): its clause
    opens with a conditional conjunction and no consequence word (就, 则 …) comes before the marker."""
    clause_words = []
    for w in reversed(words[:i]):
        if w and w[0] in _CLAUSE_END:
            break
        clause_words.append(w)
    clause_words.reverse()
    at = next((k for k, w in enumerate(clause_words) if w in G.conditions), None)
    return at is not None and not any(w in G.consequence_words for w in clause_words[at + 1:])


def _depends_on(words: list[str], i: int) -> bool:
    """要看 + an A-not-A or whether question in its clause (要看他有没有理由): "it depends on"."""
    if i + 1 >= len(words) or words[i + 1] != G.look:
        return False
    return bool(G.a_not_a.search(_clause_after(words, i + 1)))


def _pseudo_cleft_verb(words: list[str], i: int) -> str | None:
    """The verb phrase of the pseudo-cleft the marker at words[i] opens (marker + a verb phrase +
    的(，)是: 需要反思的是… → 反思), or None."""
    m = G.pseudo_cleft.match("".join(words[i + 1:i + 8]))
    return m.group("verb") if m else None


def _condition_xu(words: list[str], i: int) -> bool:
    """需/需要 at words[i] with the word 才 later in its clause (需每天服用数斤才可能见效): a
    necessary condition, no duty (人才 is another word)."""
    for w in words[i + 1:]:
        if w and w[0] in _CLAUSE_END:
            return False
        if w == G.condition_then:
            return True
    return False


def _purpose_yao(words: list[str], i: int) -> bool:
    """要 meaning "in order to": its clause is followed by a non-prescriptive 需要 (…要取得胜利，
    往往需要一个漫长的过程) or judged as hard (要保持…是很不容易的)."""
    return bool(_PURPOSE_AFTER.search("".join(words[i + 1:])))


def _join_bu_neng(words: list[str]) -> list[str]:
    """The marker words as the rules read them, whatever the segmentation: 要不 + a word after a
    subject is 要 + 不… (要不断…), and 不 + 能 is one word 不能 (这一点不能忽视 is often segmented 不/能), so that every test on
    the marker sees it (我想不能…, 它不能… are one person's view or inability); but not in 能不能
    (a question) or 能上不能下 (能 + X + 不能 + Y: a pair of abilities), where it stays apart."""
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        if (w == G.negator and i + 1 < len(words) and words[i + 1] == G.can and (not i or words[i - 1] != G.can)
                and not (i >= 2 and words[i - 2] == G.can)):
            out.append(G.cannot)
            i += 2
            continue
        # 不/该, 也/该 …: "should" as one marker word (不该); 不/可以: "must not" (不可以)
        if w in G.should_adverbs and i + 1 < len(words) and words[i + 1] in (G.should, G.may) \
                and (words[i + 1] == G.should or w == G.negator):
            out.append(w + words[i + 1])
            i += 2
            continue
        # 还/不如 + an action recommends (还不如透明化一点); so does 不如 opening the clause after 与其
        if w == G.rather_before and i + 1 < len(words) and words[i + 1] == G.rather:
            out.append(G.rather_joined)
            i += 2
            continue
        if w == G.rather and i and words[i - 1] in _CLAUSE_END and G.rather_frame in "".join(words[:i]):
            out.append(G.rather_marker)
            i += 1
            continue
        # 知识分子要不计毁誉 segmented 要不/计: 要 + 不计 (so not 要 + 不, which asks), not the conjunction 要不 ("or else")
        if (w == G.yao_bu and i and words[i - 1] not in _CLAUSE_END and i + 1 < len(words)
                and _HAN_CHAR.match(words[i + 1]) and not words[i + 1].startswith(tuple(G.conjunction_after_yao_bu))):
            out.extend((G.yao, G.negator + words[i + 1]))
            i += 2
            continue
        out.append(w)
        i += 1
    return out


def has_modal(words: list[str]) -> bool:
    """Does a modal marker stand among these words (quotations already removed)?"""
    words = _join_bu_neng(words)
    for i, w in enumerate(words):
        before = words[i - 1] if i else ""
        # (also one adverb apart: 就可能又要…)
        frame = before if before not in G.frame_adverbs or i < 2 else words[i - 2]
        if (frame in D.not_prescribing_before_set and (w in MODAL_WORDS or w in (G.negator, G.require))
                and not (frame in G.still and w in _POSITIVE_MODALS)):
            continue
        if w not in MODAL_WORDS:
            # 要求 + 我们, 迫切 + 要求 are markers as a pair.
            if w == G.require and ((i + 1 < len(words) and words[i + 1] in D.require_addressees_set)
                                   or (i and words[i - 1] == G.urgent)):
                return True
            # Hortative 让我们 opens a sentence or clause; 更让我们感受到 is causative.
            if w == G.let and i + 1 < len(words) and words[i + 1] == G.we and (not i or words[i - 1] in _CLAUSE_END):
                return True
            # 要紧扣… segmented as 要紧 + 扣: at a clause's start and before a word, 要紧 is 要 + 紧X
            # (the adjective 要紧 "important" is a predicate: 很要紧。, 不要紧).
            if (w == G.important and (not i or words[i - 1] in _CLAUSE_END) and i + 1 < len(words)
                    and _HAN_CHAR.match(words[i + 1]) and words[i + 1] not in G.not_a_verb_after_important):
                return True
            # 没必要 / 没有必要 / 无必要 + an action: what need not be done (not 有没有必要, nor + 的).
            if (w == G.needless and before in G.needless_negators_set and (i < 2 or words[i - 2] != G.have)
                    and i + 1 < len(words) and _HAN_CHAR.match(words[i + 1]) and words[i + 1] != G.attributive):
                return True
            # 切不可 / 万万不可 / 决不可 segmented as adverb + 不可.
            if w in D.emphatic_before_buke_set and i + 1 < len(words) and words[i + 1] == G.must_not:
                return True
            # 我们该…, 咱们还是该… (the addressees, then 该 + a verb)
            if (w == G.should and i and i + 1 < len(words) and _HAN_CHAR.match(words[i + 1])
                    and "".join(words[max(0, i - 2):i]).endswith(G.should_subjects)):
                return True
            continue
        after = words[i + 1] if i + 1 < len(words) else ""
        # 需要反思的是…: a pseudo-cleft names what must be done, then says it (before the tests below,
        # which read "需要 + …的" as a noun phrase and a marker before 是 as a subject)
        # (its verb a feeling, 应该庆幸的是…: nothing to do; a remark, 需要指出的是…: the test below)
        verb = _pseudo_cleft_verb(words, i) if w in G.cleft_modals_set else None
        if verb is not None:
            if verb.startswith(G.feeling_verbs):
                continue
            if not verb.startswith(D.remark_verbs):
                return True
        # 容不得 / 算不得: a verb + the potential complement 不得, "cannot"
        if w == G.cannot_complement and before in G.complement_verbs_set:
            continue
        # …就知道以后应该怎么做了, 不知道生命应该向何处去: an embedded question; 不能解决…: what cannot be achieved
        if "".join(words[i + 1:i + 3]).startswith(G.embedded_question) and (
                after.startswith(G.embedded_question) or len(after) == 1):
            continue
        clause_before, clause_after = _clause_before(words, i), _clause_after(words, i)
        if G.cognition_before.search(clause_before) and G.question_word_after.search(clause_after):
            continue
        if w in _YAO_FAMILY:
            # 负担就要少得多: a degree; 要维护的话，…: "if"; 要我说: "if you ask me"; 更不要说: "let alone"
            if (G.degree_after.match(clause_after) or (w == G.yao and G.if_then in clause_after)
                    or (w == G.yao and clause_after.startswith(G.ask_me))):
                continue
            # 非要…不可, 硬是要…: insistence; 要和X比…: a comparison
            if before in G.insist_before_set or (
                    after in G.compare_with_set and G.comparison in clause_after[len(after):]):
                continue
            # 他们要用去…: others' will or lot in the telling (a few characters before the marker)
            if _subject_near(G.others, clause_before):
                continue
        if w == G.dont and after == G.say and before in G.let_alone_before_set:
            continue
        if w == G.cannot and after in G.attaining_after_cannot_set:
            continue
        # 能上不能下: a pair of abilities, not a prohibition.
        if w == G.cannot and before.startswith(G.can) and len(before) > 1:
            continue
        if _reported_in_clause(words, i) or _attributive(words, i):
            continue
        # 要 in a comparison (A 要比 B 快, A 比 B 要快得多) weighs two things: no prescription;
        # 要…时 is "about to" (要逃离时); 需不需要 / 要不要 asks.
        if w in _YAO_FAMILY and (_comparative(words, i) or _about_to(words, i)):
            continue
        # 导致家庭每年要多支出…: the consequence of something, described
        if w in _YAO_FAMILY and G.consequence.search(clause_before):
            continue
        if _a_not_a(words, i) or _own_speech_act(words, i) or _one_persons_will(words, i) or _some_of_them(words, i):
            continue
        # 要技术没技术: 要 as the verb "want", in narration.
        if w == G.yao and i + 2 < len(words) and words[i + 2] in G.lack:
            continue
        if w in _YAO_FAMILY and (_purpose_yao(words, i) or (after == G.look and i + 2 < len(words)
                                                             and words[i + 2] in G.whether)):
            continue
        if w == G.yao and (before in D.not_modal_before_set or after in D.not_modal_after_set):
            continue
        # 如果我们不能…: a condition; 要看…有没有…: it depends on; 不能令人满意: an evaluation;
        # 曾提出要…: a proposal narrated
        if (_in_condition(words, i) or (w in _YAO_FAMILY and _depends_on(words, i))
                or (w == G.cannot and "".join(words[i + 1:i + 3]).startswith(G.evaluative_after_cannot))
                or any(o in clause_before for o in G.once)):
            continue
        # …无法杀灭病菌，不能替代…: inability in a series; 需…才…: a condition
        if (w == G.cannot and _coordinated_inability(words, i)) or (w in G.need_words and _condition_xu(words, i)):
            continue
        # 聚焦…等需人性化判断的领域: bare 需 heading a relative clause (…的 + a noun ends the clause).
        if w == G.bare_need and _relative_clause_after(words, i):
            continue
        if w in G.need_words and (before in D.need_noun_before_set or not after or _QUANTITY.match(after)
                                  or not re.match(r"\w", after) or after == G.attributive
                                  or G.need_noun_phrase.match("".join(words[i + 1:i + 5]))):
            continue
        # A marker before a passive (建议就不能被…否定掉, 党籍要被开除) tells what happens to its subject,
        # not what anyone should do; with us or an addressee as the subject (我们决不能被困难吓倒) it
        # still prescribes.
        if after == G.passive and not any(a in clause_before for a in D.addressee_words):
            continue
        if after in G.comprises:
            continue
        if w == G.bare_should and after in G.should_have:
            continue
        # 应该是… / 就该是…: "is supposed to be", no action; 应该不是… / 应该不会…: "probably not"
        if w in G.epistemic_should_set and (after == G.copula or after == G.will
                                            or "".join(words[i + 1:i + 4]).startswith(G.epistemic_after)):
            continue
        if w in G.never and after in D.not_prohibition_after_set:
            continue
        # 不能否认 / 不能不承认: "it cannot be denied", a hedge; 但要说…: "if one were to say"
        if w == G.cannot and "".join(words[i + 1:i + 3]).startswith(D.undeniable_after_cannot):
            continue
        if w == G.yao and after == G.say and (not i or before in D.say_topic_before_set or before[:1] in _CLAUSE_END):
            continue
        # 应该都晓得 / 应该也听说过: "presumably" (the marker before 都); 不妨称之为…: naming
        if w in G.epistemic_should_set and after in D.presumably_between_set and i + 2 < len(words) \
                and "".join(words[i + 2:i + 4]).startswith(D.cognition_verbs):
            continue
        if D.naming_in_clause.search(clause_after):
            continue
        # 要知道，…: "mind you", a discourse marker before a fact (also opening its sentence with no comma:
        # 要知道半夜的时候路上几乎没有车的！)
        if w == G.yao and after == G.know and (not i or i + 2 >= len(words) or words[i + 2][:1] in _CLAUSE_END):
            continue
        # 需要指出的是，… announces a remark.
        if (after in D.remark_verbs_set and i + 2 < len(words) and words[i + 2] == G.attributive
                and i + 3 < len(words) and words[i + 3] == G.copula):
            continue
        # 应该说，… / 应当说，… is a hedge ("it must be said"), not a prescription.
        if w in D.hedge_words_set and after == G.say and (i + 2 >= len(words) or not words[i + 2][:1].isalnum()):
            continue
        return True
    return False


def _prepositional(clause: str) -> bool:
    """The clause opens with a preposition (在…中, 通过…, 以…): a frame (not 以后, 以来 …)."""
    return clause.startswith(_PREPOSITIONS) and not clause.startswith(D.not_a_command_opening)


def _command_clause(clause: str) -> bool:
    """The clause opens (after a connective and adverbs) with a command verb, or with an adverb of
    manner: a predicate with no subject (深入研究…, 有序减量替代)."""
    clause = _CONNECTIVES.sub("", clause)
    if clause.startswith(D.not_a_command_opening):
        return False
    # (加快/统筹 are verbs as well as adverbs: 加快商贸流通…转型)
    if clause.startswith(IMPERATIVE_VERBS):
        return True
    if clause.startswith(_MANNER):
        rest = clause[len(next(a for a in _MANNER if clause.startswith(a))):]
        if _HAN_CHAR.match(rest) and not D.not_a_verb_after_adverb.match(rest):
            return True
    return _ADVERBS.sub("", clause).startswith(IMPERATIVE_VERBS)


def reports_results(sentence: str) -> bool:
    """A report of what was done, not a command, however verb-first (新建改建学校三百余所，入学率提高到
    95%。 / 累计培训教师4.2万人次。): a result figure or a summing-up word, where no plan marker
    (到2027年, 力争, 确保, 将) makes the figure a target."""
    return bool(D.report_words.search(sentence)
                or (D.report_figure.search(sentence) and not D.plan_markers.search(sentence)))


def commits(sentence: str) -> bool:
    """A plan or a commitment in the author's voice: an agent + 将/愿/决心 + a command verb
    (我们将坚定不移推进…), a steadfast 始终坚持…/坚定不移…, or a future frame + a command
    (到2027年，建成…；下一步，力争…). Not a prediction (…将成为…, 将迎来…: no command verb), not a
    report (了, 已, a result figure)."""
    m = D.commitment_agent.match(sentence) or D.commitment_steadfast.match(sentence) \
        or D.future_frame.match(sentence)
    if not m or _DESCRIPTIVE_DONE.search(sentence) or reports_results(sentence):
        return False
    rest = sentence[m.end():]
    # (after a future frame any clause may carry the plan: 到2027年，新增…，力争…)
    clauses = re.split(r"[，,；;]", rest) if m.re is D.future_frame else [rest]
    for clause in clauses:
        adverbs = D.commitment_adverbs.match(clause).group()
        if clause[len(adverbs):].startswith(IMPERATIVE_VERBS) or any(w in adverbs for w in G.strive):
            return True
    return False


# Signs of a report in a commitment-looking sentence (we will … is no report; 了/已 are).
_DESCRIPTIVE_DONE = G.done
_PURPOSE_ABILITY = G.purpose_ability


def is_imperative(text: str, start: int, end: int, strict: bool = False) -> bool:
    """A subjectless command: it opens with a command verb (after a prepositional frame), at least
    half of its other clauses do too, and nothing in it describes, narrates or conditions.
    `strict`: every clause, two or more, opens with a command verb (加强…，推进…，让…)."""
    sentence = text[start:end]
    # 确保…能够…, 使…能够…: the ability is the purpose of the command, not a description.
    described = _PURPOSE_ABILITY.sub("", sentence)
    if (_DESCRIPTIVE.search(described) or D.conditional.search(sentence) or D.past_frame.match(sentence)
            or D.setting_opening.match(sentence) or D.example_frame.match(sentence) or reports_results(sentence)):
        return False
    clauses = [text[s:e].strip() for s, e in split_clauses(text, start, end)]
    clauses = [c for c in (_CONNECTIVES.sub("", c) for c in clauses) if c]
    if not clauses:
        return False
    first = clauses[0]
    # The verb phrase is a subject (构建…生产关系是…, 加快形成…的关键是…), also after a frame (从…看，).
    first_core = next((c for c in clauses if not _prepositional(c) or _command_clause(c)), first)
    # (凝聚民心作为…的内在要求，有力推动…: X作为Y makes the verb phrase a topic; 把/将/以…作为 commands)
    if (_PREDICATE_AS_SUBJECT.search(first) or _PREDICATE_AS_SUBJECT.search(first_core)
            or (G.as_ in first and not first.startswith(G.disposal))
            or any(c.startswith(D.topic_predicates) and not c.startswith(G.copula_yao)
                   for c in clauses[1:])):
        return False
    if not (_command_clause(first) or _prepositional(first)):
        return False
    # Prepositional frames (在…中, 通过…, 围绕…) are neither commands nor statements.
    core = [c for c in clauses if _command_clause(c) or not _prepositional(c)]
    commands = sum(_command_clause(c) for c in core)
    # A two-clause sentence needs both (培养…人才队伍，基础在教育 states where the basis lies).
    if strict:
        return len(clauses) >= 2 and all(_command_clause(c) for c in clauses)
    return commands * 2 > len(core) or (len(core) >= 4 and commands * 2 == len(core))


@dataclass
class Sentence:
    """One body sentence as the DIRECTIVE rules see it."""
    text: str
    start: int
    end: int
    quoted: Intervals       # every quotation in its paragraph (QUOTE or term), as Quote
    quotes: Intervals       # the QUOTE spans
    words_of: Callable[[int, int], list[str]]
    titled: Intervals | None = None   # the quotations and the titles in 《…》 (None: no title, `quoted` alone)

    @cached_property
    def pieces(self) -> list[tuple[int, int]]:
        return pieces_outside_quotes(self.start, self.end, self.quoted)

    @cached_property
    def words_pieces(self) -> list[tuple[int, int]]:
        """The pieces the modal rule reads: outside quotations and outside titles in 《…》."""
        return self.pieces if self.titled is None else pieces_outside_quotes(self.start, self.end, self.titled)

    @cached_property
    def outside(self) -> str:
        """The author's own words: the sentence with every quotation cut out."""
        return "".join(self.text[a:b] for a, b in self.pieces)


@rule("directive.modal", "DIRECTIVE",
      "a modal marker as a word of its own, outside quotations and with an action outside them (not 提出要“…”): 要/就要/还要/更要/不要/仍要, 必须, 应当/应该/应, 须/需/务必, "
      "deontic 需要, 不能/不得/决不/切忌/切不可/切莫/切勿, older 必得/不可不/宜, 该 after an adverb (不该/也该/就该), 不可以, a recommendation 不妨/还不如/与其…不如…, 迫切要求/要求我们, 让我们, 没必要/无必要 + an action (not a hedge 应该说，…, a remark 需要指出的是，…, "
      "a verb + 不得 'cannot': 容不得, an embedded question: 知道应该怎么做, 不知道…应该向何处去, 不能 + a verb of attaining: 不能解决…, "
      "要 + a degree: 就要少得多, 要…的话 'if', 要我说, 更不要说 'let alone', others' will or lot: 他们要…, insistence: 非要…不可, 硬是要…, "
      "要和X比… 'if one compares with', "
      "要 weighing a comparison: 要比…, 比…要快, 要 'about to' in a time clause: 要逃离时, an A-not-A question: 需不需要, the speaker's own speech act: 我要告诉…, a question: 为什么还要…？, "
      "one person's wish or inability: 他硬是要…, 它不能…, a guess or someone's intention or resolve: 恐怕还要…, 声称要…, 决心要…, 要…了 'about to', what is bound to happen or usual: 势必要…, 迟早要…, 往往要…, what someone wants: 要的是…, 需要 + a noun phrase: 需要很大的勇气)",
      "我们要准确把握新一轮科技革命演变趋势，下好“先手棋”，打好主动仗。",
      "新兴产业是新质生产力的重要载体……（要 inside 重要 is not a marker）", 0.85)
def modal(s: Sentence) -> bool:
    if not needs_words(s.outside):
        return False
    # In a conditional (既向变量要增量…方能…, 只有…才能…) a bare 要 is a verb or a condition;
    # in past narration (当时要技术没技术) it is "want".
    conditional = bool(D.conditional.search(s.outside))
    past = bool(D.past_opening.match(s.outside) or D.past_frame.match(s.outside))
    pieces = s.words_pieces
    if _QUESTION_END.search(s.text, s.start, s.end):
        # A question asks (为什么还要…？, 到底要A还是B？): only a statement before its last
        # semicolon may prescribe (我们不要…；要想一想，…会有什么感受？).
        cut = max(s.text.rfind("；", s.start, s.end), s.text.rfind(";", s.start, s.end))
        pieces = [(a, min(b, cut)) for a, b in pieces if a < cut] if cut >= 0 else []
    for a, b in pieces:
        if needs_words(s.text[a:b]):
            words = s.words_of(a, b)
            if conditional:
                words = [w for w in words if w != G.yao]
            if past:  # a report of what was done (党的十八大以来，…化危机、应变局)
                words = [w for w in words if w not in _YAO_FAMILY and w != G.bare_should]
            # A marker right before a quotation (提出要“…”的号召, 必须“…”) has its action only inside
            # the quotation: with the quoted text removed, no action remains after it.
            if b < s.end and words and words[-1] in MODAL_WORDS:
                words = words[:-1]
            if has_modal(words):
                return True
    return False


@rule("directive.necessity", "DIRECTIVE",
      "a necessity frame: 当务之急是…, 最重要的任务就是…, 关键在于…, 重中之重是…, 非…不可",
      "当前最重要的任务，就是撸起袖子加油干……",
      "这是一项重要任务。（重要 describes, nothing is prescribed）", 0.75)
def necessity(s: Sentence) -> bool:
    m = _NECESSITY.search(s.outside)
    if not m or _QUESTION_END.search(s.outside) or s.outside[:m.start()].endswith(D.necessity_asked_before):
        return False
    # (关键在于 + a statement: 关键在于：有一大堆…的支持)
    after = s.outside[m.end():].lstrip("：:，, ")
    return not (m.group().startswith(G.key) and after.startswith(D.statement_openers))


@rule("directive.imperative", "DIRECTIVE",
      "a subjectless command (clauses opening with 实行/完善/建设/推动/把…, or with an adverb of manner that only modifies a verb: 深入研究…, 有序推进…) in a run of prescriptions (another "
      "prescription in its paragraph or the next, a bold lead or a lead that prescribes, or any lead when every clause "
      "commands); not after a setting opener (当前，…) or an example frame (以欧洲为例，…)",
      "实行更加开放的人才政策，完善高端人才、专业人才培养工作，……建设集聚国内外优秀人才的全球人才高地。",
      "推动高质量发展成为全党全社会的共识……（the verb phrase is the subject of 成为）", 0.7, in_a_run=True)
def imperative(s: Sentence) -> bool:
    return is_imperative(s.text, s.start, s.end) and not quotes_in(s.quotes, s.start, s.end)


# (提出了…的要求 names what a document set out, a noun phrase: no command follows 了)
_REPORT_THEN = re.compile(r"(?:" + "|".join(D.report_verbs) + r")(?!" + G.perfective + r")[^，。：:“”]{0,12}[，,：:]")
_QUESTION_END = re.compile(r"[？?][”’」』）)]*\s*$")


@rule("directive.reported", "DIRECTIVE",
      "a prescription reported without quotation marks and without a modal: a source + 提出/强调/倡议… followed by "
      "a subjectless command (not after a negation: 没有明确要求…; not 提出了…的要求, a noun phrase, nor anything after a 了 in the verb's clause: 提出了…管理要求，…), 要求 as a verb + an addressee or an action, or 倡导/号召/呼吁 + an addressee",
      "党的二十届三中全会《决定》提出，积极应对人口老龄化，完善发展养老事业和养老产业政策机制。",
      "阿拉伯人民要求和平与发展的愿望更加迫切。（要求 + a noun phrase: others' wishes, no action prescribed）", 0.75)
def reported(s: Sentence) -> bool:
    outside = s.outside
    required = D.require_verb.search(outside)
    if required and not D.negated_report.search(outside, 0, required.start()):
        return True
    m = _REPORT_THEN.search(outside)
    if not m or quotes_in(s.quotes, s.start, s.end) or D.negated_report.search(outside, 0, m.start()):
        return False
    # A 了 in the verb's clause (提出了…管理要求，…) reports what was set out: the 要求 there is a
    # noun ending that report, and what follows names its content, not a command.
    clause = re.split(r"[，,；;。！？]", outside[:m.start()])[-1]
    if G.perfective in clause:
        return False
    at = s.start + m.end()
    # Map the match back into the sentence: only when no quotation precedes it (outside == text).
    return s.text[s.start:at] == outside[:m.end()] and is_imperative(s.text, at, s.end)


@rule("directive.exhortation", "DIRECTIVE",
      "an exhortation: a sentence that opens, after at most a short frame, with 希望 (+ addressee + action) or 请 + action, 请 as a word of its own (not 请看…, which introduces evidence, nor 请愿/请示/请战…)",
      "希望我国广大知识分子充分发挥自身优势，勇于担当、敢于创新，服务社会、报效人民。",
      "人们希望的是安居乐业。（希望 as a noun: nothing is asked of anyone）", 0.8)
def exhortation(s: Sentence) -> bool:
    return bool(D.exhort.match(s.text[s.start:s.end])) and s.end - s.start > 4


@rule("directive.commitment", "DIRECTIVE",
      "a plan or commitment: an agent + 将/愿/决心 + a command verb (我们将…推进…), a steadfast 始终坚持…/坚定不移…, or a "
      "future frame + a command (到2027年，建成…; 下一步，力争…); not a prediction (将成为/将迎来) or a report (了/已, result figures)",
      "我们将坚定不移推进教育强市建设。",
      "人工智能将重塑教育生态，我们将迎来新的机遇。（predictions: no command verb after 将）", 0.75)
def commitment(s: Sentence) -> bool:
    return not quotes_in(s.quotes, s.start, s.end) and commits(s.outside)


def _prescribes(sent: Sentence, rules) -> bool:
    return any(r(sent) for r in rules)


def find_directives(layout: Layout, taken: list[Unit], quotes: list[Quote], words_of,
                    disabled: frozenset[str] = frozenset()) -> list[Unit]:
    """DIRECTIVE sentences among the paragraphs' sentences not already CLAIM or SUPPORT.

    words_of(start, end) gives the words (strings) of text[start:end] as segmented.
    A subjectless command counts in a run of prescriptions: its paragraph holds another
    prescription or a SUPPORT lead, or a neighbouring paragraph of its section prescribes.
    Linear in the text: taken spans and quotes are looked up by offset, not scanned.
    """
    text = layout.text
    # Rules that prescribe on their own, and rules that need a run of prescriptions around them.
    alone = [r for r in rules_for("DIRECTIVE", disabled=disabled) if not r.in_a_run]
    in_run = [r for r in rules_for("DIRECTIVE", disabled=disabled) if r.in_a_run]
    taken_index = Intervals(taken)
    quote_index = Intervals(quotes)
    paragraphs = []  # per block: None for headings, else (lead_taken, candidates)
    for block, sentences in zip(layout.blocks, layout.sentences):
        if block.kind != PARAGRAPH:
            paragraphs.append(None)
            continue
        # Everything between quotation marks (QUOTE or term) is someone else's words.
        marks = [(s, e) for s, e, _ in find_quotation_marks(text, block.start, block.end)]
        quoted = Intervals([Quote(s, e, None, "") for s, e in marks])
        # (and every title in 《…》 outside them: a work's name is someone else's words too, for the modal rule)
        titles = [(s, e) for s, e in find_book_titles(text, block.start, block.end) if not quoted.overlapping(s - 1, e + 1)]
        quoted_or_titled = Intervals([Quote(s, e, None, "") for s, e in marks + titles]) if titles else None
        # A lead starts a run when it is a printed (bold) point heading a list of measures, or
        # when it prescribes itself (加强耕地资源保护利用。); after a short lead that states
        # (改革开放是…关键一招。) a subjectless sentence is no command in a run.
        leads = [u for u in taken_index.starting_at(block.start) if u.label == "SUPPORT"]
        lead_taken = any(u.rule == "support.bold_lead" or _prescribes(
            Sentence(text, u.start, u.end, quoted, quote_index, words_of, quoted_or_titled), alone + in_run) for u in leads)
        # (after a stating lead, only a sentence that is commands through and through follows on)
        any_lead = bool(leads)
        candidates = []  # (sentence, id of the standalone rule that hit, id of the run rule that hit)
        for s, e in sentences:
            # (a paragraph closed by a colon announces a list: that sentence takes no label)
            if taken_index.overlapping(s, e) or announces_list(text, block, e):
                continue
            sent = Sentence(text, s, e, quoted, quote_index, words_of, quoted_or_titled)
            hit = next((r.id for r in alone if r(sent)), None)
            run_hit = None if hit else next((r.id for r in in_run if r(sent)), None)
            candidates.append((sent, hit, run_hit))
        paragraphs.append((lead_taken, any_lead, candidates))
    found: list[Unit] = []
    for i, para in enumerate(paragraphs):
        if para is None:
            continue
        lead_taken, any_lead, candidates = para
        n_prescriptive = sum(1 for _, hit, run_hit in candidates if hit or run_hit)
        neighbours = [paragraphs[j] for j in (i - 1, i + 1) if 0 <= j < len(paragraphs) and paragraphs[j]]
        in_section_run = any(hit or run_hit for *_, c in neighbours for _, hit, run_hit in c)
        for sent, hit, run_hit in candidates:
            if hit:
                found.append(Unit(sent.start, sent.end, "DIRECTIVE", hit))
            elif run_hit and (lead_taken or n_prescriptive >= 2 or in_section_run
                              or (any_lead and is_imperative(text, sent.start, sent.end, strict=True))):
                found.append(Unit(sent.start, sent.end, "DIRECTIVE", run_hit))
    return found
