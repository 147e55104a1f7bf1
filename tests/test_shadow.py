"""Traditional script: the rules read a simplified shadow of the text, spans keep the text's offsets."""
from __future__ import annotations

import spacy

from annotate.pipeline import PIPES, SPANS_KEY, annotate_document
from annotate.shadow import pair_straight_quotes, rules_shadow, shadow
from annotate.sources import read_string


def test_shadow_is_simplified_and_of_the_same_length():
    text = "習近平總書記強調：「要堅持黨的領導，發展新質生產力。」我們必須為此努力，後來說『這裡』。"
    out = shadow(text)
    assert out == "习近平总书记强调：“要坚持党的领导，发展新质生产力。”我们必须为此努力，后来说‘这里’。"
    assert len(out) == len(text)


def test_simplified_text_is_left_as_it_is():
    # near miss: characters that OpenCC lists as Taiwan's forms but that simplified text writes too
    # (著 in 显著, 么 in 什么) are not touched; nor is anything outside Han script
    text = "这是显著的成就，什么也挡不住。We must — 2025年，“新质生产力”！"
    assert shadow(text) == text


def test_zhu_is_read_as_zhe_only_in_traditional_text():
    trad = "隨著時代發展，我們必須著力推動高質量發展，這是顯著的成就。" * 2
    assert "随着" in shadow(trad) and "着力" in shadow(trad)
    assert shadow("他的著作很显著") == "他的著作很显著"   # simplified: 著 is 著


def _spans(nlp, text):
    (doc_,) = [d for d in read_string(text, "t.txt") if d.kind == "article"]
    doc = annotate_document(nlp, doc_)
    for s in doc.spans[SPANS_KEY]:
        assert doc_.text[s.start_char:s.end_char] == s.text
    return doc_.text, {(s.label_, s.start_char, s.end_char, s.id_, s._.speaker) for s in doc.spans[SPANS_KEY]}


SIMPLIFIED = ("坚持发展新质生产力\n\n"
              "习近平总书记强调：“要牢牢把握高质量发展这个首要任务，因地制宜发展新质生产力。”\n\n"
              "发展是第一要务。各级党委要切实负起责任，着力推动产业升级。下好“先手棋”。\n")


def test_traditional_article_gets_the_spans_of_its_simplified_twin(nlp):
    trad = ("堅持發展新質生產力\n\n"
            "習近平總書記強調：「要牢牢把握高質量發展這個首要任務，因地制宜發展新質生產力。」\n\n"
            "發展是第一要務。各級黨委要切實負起責任，著力推動產業升級。下好「先手棋」。\n")
    assert len(trad) == len(SIMPLIFIED)
    s_text, s_spans = _spans(nlp, SIMPLIFIED)
    t_text, t_spans = _spans(nlp, trad)
    labels = {lab for lab, *_ in t_spans}
    assert {"QUOTE", "DIRECTIVE", "CLAIM"} <= labels
    # same places, the speaker as the text writes it
    assert {x[:4] for x in t_spans} == {x[:4] for x in s_spans}
    assert {x[4] for x in t_spans if x[0] == "QUOTE"} == {"習近平總書記"}
    # near miss: 「先手棋」 is a term (no speaker, no clause), no QUOTE, as “先手棋” is not
    assert not any(lab == "QUOTE" and t_text[s:e] == "先手棋" for lab, s, e, *_ in t_spans)


def test_a_doc_not_built_by_the_reader_reads_the_shadow_too():
    nlp = spacy.blank("zh")
    for name in PIPES:
        nlp.add_pipe(name)
    doc = nlp("新質生產力\n\n習近平總書記強調：「要牢牢把握高質量發展這個首要任務。」這為我們提供了指引。")
    quote = [s for s in doc.spans[SPANS_KEY] if s.label_ == "QUOTE"]
    assert [q.text for q in quote] == ["要牢牢把握高質量發展這個首要任務。"]
    assert quote[0]._.speaker == "習近平總書記"


# ---- straight double quotes ("…") as many web and converted texts print Chinese quotations ----

def test_straight_quotes_around_chinese_text_pair_as_curly_ones():
    text = '他说"我们要努力奋斗"，又写道"天下之至柔，驰骋天下之至坚"。\n\n第二段"好"。'
    out = pair_straight_quotes(text)
    assert out == '他说“我们要努力奋斗”，又写道“天下之至柔，驰骋天下之至坚”。\n\n第二段“好”。'
    assert len(out) == len(text) and rules_shadow(text) == out


def test_near_miss_straight_quotes_that_cannot_be_paired_or_are_markup_stay():
    odd = '一个"孤单的引号，还有"一对"。'              # three on the line: which opens cannot be told
    latin = 'class="note" id="x" 中文在外'             # no Han between the marks
    english = 'He said "yes" and left.'              # no Han on the line
    for text in (odd, latin, english):
        assert pair_straight_quotes(text) == text
    # the readers' shadow leaves them alone (a source's straight quotes may be markup)
    assert shadow('<p class="a">他说"好"</p>') == '<p class="a">他说"好"</p>'


def test_a_quotation_in_straight_quotes_is_a_quote_cut_from_the_text(nlp):
    text = '坚持发展新质生产力\n\n习近平总书记强调："要牢牢把握高质量发展这个首要任务，因地制宜发展新质生产力。"\n'
    t_text, spans = _spans(nlp, text)
    quotes = [(t_text[s:e], speaker) for lab, s, e, _rule, speaker in spans if lab == "QUOTE"]
    assert quotes == [("要牢牢把握高质量发展这个首要任务，因地制宜发展新质生产力。", "习近平总书记")]
