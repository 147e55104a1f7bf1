"""Each rule: a hit and a near miss. Pure functions, no model needed."""
from __future__ import annotations

import pytest

from annotate.rules import RULES
from annotate.rules.directives import find_directives, has_modal, is_imperative
from annotate.rules.layout import layout_from_text
from annotate.rules.quotes import find_quotes
from annotate.rules.relations import find_relations
from annotate.rules.text import find_quotation_marks, split_sentences
from annotate.rules.units import find_units
from annotate.scheme import load_scheme


def quotes(text):
    return [(text[q.start:q.end], q.speaker, q.rule) for q in find_quotes(text, 0, len(text))]


def units(text):
    layout = layout_from_text(text)
    qs = [q for b in layout.paragraphs() for q in find_quotes(text, b.start, b.end)]
    return [(u.label, u.rule, text[u.start:u.end]) for u in find_units(layout, qs)]


def rules_of(text):
    return {rule for _, rule, _ in units(text)}


# ---- the catalogue ------------------------------------------------------------

def test_rule_ids_are_unique_and_labels_in_scheme():
    scheme = load_scheme()
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    allowed = set(scheme.label_names) | {r.name for r in scheme.relations}
    assert {r.label for r in RULES} <= allowed
    assert all(r.example and r.near_miss and 0 < r.confidence <= 1 for r in RULES)


def test_precedence_comes_from_the_registry_in_the_schemes_label_order():
    from annotate.rules import RANK

    assert sorted(RANK) == sorted(r.id for r in RULES)
    order = sorted(RANK, key=RANK.get)
    by_id = {r.id: r for r in RULES}
    sentence_labels = [by_id[i].label for i in order if by_id[i].label in load_scheme().precedence]
    first_seen = list(dict.fromkeys(sentence_labels))
    assert first_seen == list(load_scheme().precedence)
    assert sentence_labels == sorted(sentence_labels, key=first_seen.index)  # grouped by label
    # the catalogue lists the labels in the scheme's order, each label's rules as they are tried
    names = (*load_scheme().label_names, *(r.name for r in load_scheme().relations))
    assert [r.label for r in RULES] == sorted((r.label for r in RULES), key=names.index)
    for label in names:
        assert [r.id for r in RULES if r.label == label] == [i for i in order if by_id[i].label == label]


def test_a_registered_rule_runs_without_being_listed_anywhere_else(nlp):
    """One @rule registration is all a rule needs: the pipeline tries it (no tuple, no table)."""
    import annotate.rules.registry as registry
    from annotate.pipeline import annotate_document
    from annotate.sources import read_string

    saved = (list(registry.RULES), list(registry._REGISTERED), dict(registry.RANK))
    seen = []
    try:
        @registry.rule("claim.test_only", "CLAIM", "a test rule", "例", "无", 0.5)
        def test_only(site):
            seen.append(site.i)
            return []

        (document,) = read_string("标题\n\n一段话。", "t.txt")
        annotate_document(nlp, document)
    finally:
        registry.RULES[:], registry._REGISTERED[:] = saved[0], saved[1]
        registry.RANK.clear()
        registry.RANK.update(saved[2])
    assert seen


def test_every_registered_rule_is_tried_by_the_pipeline(nlp, monkeypatch):
    """A rule that exists but never runs (its label has no finder, a finder skips it) fails here."""
    import dataclasses

    import annotate.rules.registry as registry
    from annotate.pipeline import annotate_document
    from annotate.sources import read_string

    called = set()

    def counting(r):
        def fn(*args):
            called.add(r.id)
            return r.fn(*args)
        return fn

    monkeypatch.setattr(registry, "RULES", [dataclasses.replace(r, fn=counting(r)) for r in registry.RULES])
    text = ("# 标题\n\n## 一、小节\n\n科技创新是核心要素。“绳短不能汲深井，浅水难以负大舟。”"
            "新兴产业是重要载体。\n\n### （一）分节\n\n思想是行动的先导。这一段还有一句。")
    (document,) = read_string(text, "t.md")
    annotate_document(nlp, document)
    assert called == {r.id for r in registry.RULES}


def test_every_rule_is_one_function_carrying_its_catalogue_row():
    assert all(callable(r.fn) and r.fn.rule is r for r in RULES)


def test_a_disabled_rule_finds_nothing_and_unknown_ids_are_refused():
    from annotate.rules import check_disabled

    text = "“绳短不能汲深井，浅水难以负大舟。”"
    assert quotes(text)
    assert find_quotes(text, 0, len(text), frozenset({"quote.saying"})) == []
    with pytest.raises(ValueError, match="no.such"):
        check_disabled(["no.such", "quote.saying"])


def test_word_lists_come_from_the_packaged_lexicon():
    from annotate.rules.lexicon import LEX, needs_words

    assert "必须" in LEX.directive.modal_words_set and "指出" in LEX.quote.speech_verbs
    assert needs_words("我们必须坚持") and not needs_words("科技创新是核心")


def test_lexicon_refuses_two_entries_read_under_one_name():
    from annotate.rules.lexicon import parse_lexicon

    assert parse_lexicon('[d]\nx = "着"\ny_re = "a"').d.y.pattern == "a"
    with pytest.raises(ValueError, match="two entries named 'x'"):
        parse_lexicon('[d]\nx = "着"\nx_re = "(?<!随)着"')


def test_no_word_literals_in_the_rule_modules():
    """Words are data (annotate/data/lexicon.toml): the rule modules' code names none, only
    punctuation marks (comments, docstrings and catalogue rows may quote words)."""
    import ast
    import re
    from pathlib import Path

    import annotate.rules as package

    han_word = re.compile(r"[\u4e00-\u9fff]")
    found = []
    for path in sorted(Path(package.__file__).parent.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body \
                    and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant):
                skip.add(id(node.body[0].value))          # a docstring
            if isinstance(node, ast.FunctionDef):
                for d in node.decorator_list:
                    skip.update(id(n) for n in ast.walk(d))  # a catalogue row
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip \
                    and han_word.search(node.value):
                found.append(f"{path.name}:{node.lineno}: {node.value!r}")
    assert found == []


def test_shared_constants_are_defined_once():
    """The Han class, the clause marks, the heading numerals and the block kinds are defined in
    annotate/punctuation.py and annotate/document.py only; readers and rules import them."""
    import ast
    from pathlib import Path

    import annotate
    from annotate.document import HEADING, PARAGRAPH, SUBHEADING
    from annotate.punctuation import CLAUSE_MARKS, HAN_NUMERALS, ITEM_NUMERALS

    root = Path(annotate.__file__).parent
    found = []
    for path in sorted([*root.glob("sources/*.py"), *root.glob("rules/*.py"), root / "pipeline.py"]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                v = node.value
                if ("\u4e00-\u9fff" in v or CLAUSE_MARKS in v or HAN_NUMERALS in v or ITEM_NUMERALS in v
                        or v in (HEADING, SUBHEADING, PARAGRAPH)):
                    found.append(f"{path.name}:{node.lineno}: {v!r}")
    assert found == []


# ---- text helpers ---------------------------------------------------------------

def test_sentences_end_with_closing_marks_and_not_at_semicolons():
    text = "他说：“好。”我们要干；还要干。最后一段没有标点"
    assert [text[s:e] for s, e in split_sentences(text)] == ["他说：“好。”", "我们要干；还要干。", "最后一段没有标点"]


def test_unclosed_quote_runs_to_the_end_and_stray_close_starts_nothing():
    text = "便求知若渴”的精神。他指出：“要及时将成果应用"
    assert [(text[s:e], closed) for s, e, closed in find_quotation_marks(text, 0, len(text))] == [("要及时将成果应用", False)]


# ---- QUOTE --------------------------------------------------------------------------

def test_quote_attributed_hit_and_term_near_miss():
    assert quotes("去年4月，习近平总书记在广东考察时强调：“使粤港澳大湾区成为新发展格局的战略支点。”") == [
        ("使粤港澳大湾区成为新发展格局的战略支点。", "习近平总书记", "quote.attributed")]
    assert quotes("我们要下好“先手棋”，打好主动仗。") == []


def test_quote_attributed_without_colon_and_by_a_document():
    assert quotes("强调“发展新质生产力是推动高质量发展的内在要求和重要着力点”。")[0][2] == "quote.attributed"
    assert quotes("《建议》提出“加快建设现代化产业体系，巩固壮大实体经济根基”。")[0][1] == "《建议》"


def test_quote_naming_verb_is_a_near_miss():
    assert quotes("这被称为“中国式现代化的重要标志和鲜明特征之一”。") == []


def test_quote_attributed_after_hit_and_near_miss():
    assert quotes("“民族复兴是一场接力跑，也是一场马拉松”，习近平总书记的话掷地有声。")[0][1:] == (
        "习近平总书记", "quote.attributed_after")
    assert quotes("既要重视“从0到1”的原始创新。") == []


def test_quote_chained_hit_and_near_miss():
    text = "习近平总书记指出：“要牢牢把握高质量发展这个首要任务”“发展新质生产力不是忽视、放弃传统产业”。"
    assert [r for _, _, r in quotes(text)] == ["quote.attributed", "quote.chained"]
    assert quotes("坚持“先立后破”“因地制宜”。") == []


def test_quote_saying_hit_and_near_miss():
    assert quotes("“绳短不能汲深井，浅水难以负大舟。”能成为事业尖兵的人") == [
        ("绳短不能汲深井，浅水难以负大舟。", None, "quote.saying")]
    assert quotes("以“时时放心不下”的责任感种好自己的“责任田”。") == []


def test_quote_with_surrogate_plane_characters_keeps_code_point_offsets():
    text = "𠮷𠮷习近平总书记指出：“𠮷要坚持。”"
    (q,) = find_quotes(text, 0, len(text))
    assert text[q.start:q.end] == "𠮷要坚持。"


# ---- CLAIM ---------------------------------------------------------------------------

ARTICLE = """发展新质生产力是推动高质量发展的内在要求

粤港澳大湾区是我国经济活力最强的区域之一。这里开放程度高。

一、大力推进科技创新

科技创新是发展新质生产力的核心要素。新质生产力源于新的科学发现。

（一）加强基础研究

思想是行动的先导。争当事业尖兵，首先要思想上走在前列，这是关键所在。

二、结语

总的来看，新质生产力已经形成。"""


def test_claim_title_and_heading_hit_trivial_heading_near_miss():
    found = units(ARTICLE)
    assert ("CLAIM", "claim.title", "发展新质生产力是推动高质量发展的内在要求") in found
    assert ("CLAIM", "claim.heading", "一、大力推进科技创新") in found
    assert not any(text == "二、结语" for _, _, text in found)


def test_claim_section_opening_hit_and_first_sentence_after_title_near_miss():
    found = units(ARTICLE)
    assert ("CLAIM", "claim.section_opening", "科技创新是发展新质生产力的核心要素。") in found
    assert not any(text.startswith("粤港澳大湾区") for label, _, text in found if label == "CLAIM")
    # SCHEME v1.3 SUPPORT 5: the intro of an article with section headings has no short lead …
    assert not any(text.startswith("粤港澳大湾区") for _, _, text in found)
    # … near miss: an article without sections has one from its first body paragraph on.
    no_sections = ARTICLE.split("\n\n一、")[0] + "\n\n第二段说得更多一些。还有一句。"
    assert ("SUPPORT", "support.short_lead", "粤港澳大湾区是我国经济活力最强的区域之一。") in units(no_sections)


def test_claim_section_opening_near_miss_quotation_frame():
    text = "标题\n\n一、加强科技创新和产业创新深度融合\n\n习近平总书记指出：“以科技创新为引领，统筹推进传统产业转型升级，加强科技创新和产业创新深度融合”。新兴产业是重要载体。"
    assert "claim.section_opening" not in rules_of(text)


def test_claim_conclusion_hit_and_near_miss():
    assert ("CLAIM", "claim.conclusion", "总的来看，新质生产力已经形成。") in units(ARTICLE)
    assert "claim.conclusion" not in rules_of("标题\n\n一段话。总体上看起来不错，但还不够。")


# ---- SUPPORT -------------------------------------------------------------------------------

def test_support_subheading_hit_and_top_level_near_miss():
    found = units(ARTICLE)
    assert ("SUPPORT", "support.subheading", "（一）加强基础研究") in found
    assert not any(label == "SUPPORT" and text.startswith("一、") for label, _, text in found)


def test_support_short_lead_hit_and_long_near_miss():
    assert ("SUPPORT", "support.short_lead", "思想是行动的先导。") in units(ARTICLE)
    long_first = "标题\n\n前言段。还有一句。\n\n习近平新时代中国特色社会主义思想在新时代伟大实践中创立并随新时代伟大变革而不断发展。第二句。"
    assert not [t for _, r, t in units(long_first) if r == "support.short_lead" and t.startswith("习近平")]


def test_support_short_lead_near_miss_quotation_only():
    text = "标题\n\n前言段。还有一句。\n\n“绳短不能汲深井，浅水难以负大舟。”能成为事业尖兵的人，定是行家里手。"
    assert not [t for _, r, t in units(text) if r == "support.short_lead" and not t.startswith("前言")]


def test_support_enumeration_hit_and_lone_shouxian_near_miss():
    text = "标题\n\n前言段很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长。一是加快推进农业农村现代化。二是推动城乡融合。"
    assert "support.enumeration" in rules_of(text)
    # SCHEME v1.2: items inside one sentence are no enumeration.
    assert "support.enumeration" not in rules_of(text.replace("现代化。二是", "现代化；二是"))
    assert "support.enumeration" not in rules_of(ARTICLE)  # 首先要… with no 其次


def test_bold_lead_hit_and_mid_paragraph_bold_near_miss():
    from annotate.document import Block
    from annotate.rules.layout import Layout

    text = "加强原创性、颠覆性科技创新。原创性创新是科技创新的源头。"
    layout = Layout(text, [Block("paragraph", 0, len(text), 1, [(0, 14)])])
    assert [(u.rule, text[u.start:u.end]) for u in find_units(layout, [])] == [
        ("support.bold_lead", "加强原创性、颠覆性科技创新。")]
    layout = Layout(text, [Block("paragraph", 0, len(text), 1, [(14, 20)])])
    assert not any(u.rule == "support.bold_lead" for u in find_units(layout, []))


def test_precedence_support_over_claim():
    text = "标题\n\n一、小节\n\n一是加快推进农业农村现代化。二是推动城乡融合。"
    found = units(text)
    first = [f for f in found if f[2].startswith("一是")]
    assert first == [("SUPPORT", "support.enumeration", "一是加快推进农业农村现代化。")]


# ---- DIRECTIVE -----------------------------------------------------------------------------

@pytest.mark.parametrize("words", [
    ["我们", "要", "准确", "把握"], ["就要", "坚持"], ["还要", "在", "实践", "中", "学习"], ["必须", "因地制宜"],
    ["应当", "认识", "到"], ["但", "需要", "认识", "到"], ["迫切", "要求", "我们", "加强"], ["让", "我们", "携手"],
    ["既", "要", "重视"], ["不要", "搞"], ["这", "一点", "不", "能", "忽视"], ["决不", "能", "让"],
])
def test_modal_hits(words):
    assert has_modal(words)


@pytest.mark.parametrize("words", [
    ["新兴产业", "是", "新质", "生产力", "的", "重要", "载体"], ["主要", "依靠", "要素", "投入"],
    ["适应", "新质", "生产力", "发展", "要求"], ["为什么", "要", "发展", "新质", "生产力"],
    ["需要", "一大批", "尖兵"], ["满足", "资金", "需要"], ["首要", "任务"],
    ["具有", "不可", "替代", "的", "作用"], ["这", "决不", "是", "偶然", "的"], ["能", "不", "能"],
    ["要", "想", "富", "先", "修路"], ["应该", "说", "，", "这是", "一个", "重要", "成果"],
])
def test_modal_near_misses(words):
    assert not has_modal(words)


def test_imperative_hit_and_predicate_as_subject_near_miss():
    hit = "实行更加开放的人才政策，完善高端人才培养工作，建设全球人才高地。"
    assert is_imperative(hit, 0, len(hit))
    miss = "推动高质量发展成为全党全社会的共识，成为经济社会发展的主旋律。"
    assert not is_imperative(miss, 0, len(miss))
    described = "紧紧抓住科技革命机遇，在新技术领域取得突破，将重塑创新生态。"
    assert not is_imperative(described, 0, len(described))


def _directives(text, words):
    layout = layout_from_text(text)
    return [(u.rule, text[u.start:u.end]) for u in find_directives(layout, [], [], lambda s, e: words.get(text[s:e], [text[s:e]]))]


def test_imperative_needs_a_run_of_prescriptions():
    alone = "标题\n\n实行更加开放的人才政策，完善人才培养工作。其他描述。"
    assert _directives(alone, {}) == []
    run = "标题\n\n要优化学科设置。实行更加开放的人才政策，完善人才培养工作。"
    found = _directives(run, {"要优化学科设置。": ["要", "优化", "学科", "设置", "。"]})
    assert found == [("directive.modal", "要优化学科设置。"),
                     ("directive.imperative", "实行更加开放的人才政策，完善人才培养工作。")]


def test_modal_inside_quotation_only_is_a_near_miss():
    text = "标题\n\n习近平总书记强调：“各地要坚持从实际出发。”这是方法论。"
    layout = layout_from_text(text)
    qs = find_quotes(text, 0, len(text))
    found = find_directives(layout, [], qs, lambda s, e: ["要"] if "要" in text[s:e] else [text[s:e]])
    assert found == []


def test_necessity_hit_and_near_miss():
    assert _directives("标题\n\n当前最重要的任务，就是撸起袖子加油干。", {}) == [
        ("directive.necessity", "当前最重要的任务，就是撸起袖子加油干。")]
    assert _directives("标题\n\n这是一项重要任务。", {}) == []


# ---- relations -------------------------------------------------------------------------------

def test_relations_hit_and_fragment_near_miss():
    layout = layout_from_text(ARTICLE)
    qs = []
    found = find_units(layout, qs)
    links = {(ARTICLE[l.source.start:l.source.end], ARTICLE[l.target.start:l.target.end], l.rule)
             for l in find_relations(layout, found)}
    assert ("一、大力推进科技创新", "发展新质生产力是推动高质量发展的内在要求", "supports.title") in links
    assert ("（一）加强基础研究", "一、大力推进科技创新", "supports.section") in links
    layout.kind = "fragment"
    assert find_relations(layout, found) == []


def test_quote_standing_as_a_sentence_is_a_saying_and_its_modal_is_not_the_authors():
    text = "标题\n\n这是基调。“打铁必须自身硬”。各级党组织要从严。牢记“三个务必”。"
    assert quotes(text[4:]) == [("打铁必须自身硬", None, "quote.saying")]
    found = _directives(text, {"各级党组织要从严。": ["各级", "党组织", "要", "从严", "。"]})
    assert found == [("directive.modal", "各级党组织要从严。")]


def test_requirement_as_a_noun_is_a_near_miss():
    assert not has_modal(["构建", "新", "发展", "格局", "是", "应对", "新", "形势", "的", "必然", "要求", "。"])


def test_attributed_short_name_used_as_modifier_is_a_term():
    assert quotes("习近平总书记提出了“两个结合”的重大论断。") == []
    assert quotes("习近平总书记强调：“要坚持。”")[0][2] == "quote.attributed"
    assert quotes("习近平总书记强调“发展新质生产力是推动高质量发展的内在要求”的重大意义。")[0][2] == "quote.attributed"


def test_yifangmian_pair_enumerates_and_connective_opening_is_no_short_lead():
    text = ("标题\n\n前言段落写得比较长，比较长，比较长。第二句。\n\n"
            "一方面，要用新技术改造提升传统产业。传统产业占比超过八成。另一方面，要积极培育新兴产业。\n\n"
            "同时也要看到，这是一个长期过程。这就要求我们保持战略定力。")
    found = units(text)
    assert [t for _, r, t in found if r == "support.enumeration"] == [
        "一方面，要用新技术改造提升传统产业。", "另一方面，要积极培育新兴产业。"]
    assert not [t for _, r, t in found if r == "support.short_lead" and t.startswith("同时")]
    assert "support.enumeration" not in rules_of("标题\n\n前言。第二句。\n\n一方面，这很重要。还有一句。")


def test_supports_under_a_trivial_heading_go_to_the_title():
    text = "标题\n\n一、第一节\n\n第一节首句很长很长。\n\n（一）一个分点\n\n结语\n\n结语的第一句。\n\n一是加强学习。二是多做。"
    layout = layout_from_text(text)
    links = {(text[l.source.start:l.source.end], text[l.target.start:l.target.end])
             for l in find_relations(layout, find_units(layout, []))}
    assert ("（一）一个分点", "一、第一节") in links
    assert {("一是加强学习。", "标题"), ("二是多做。", "标题")} <= links


@pytest.mark.parametrize("text, speaker", [
    ("正如习近平总书记所指出的那样，“中国式现代化是人口规模巨大的现代化。”", "习近平总书记"),
    ("用习近平总书记的话说，“幸福都是奋斗出来的。”", "习近平总书记"),
    ("《决定》强调，“必须坚持守正创新。”", "《决定》"),
])
def test_attribution_frames(text, speaker):
    assert quotes(text)[0][1:] == (speaker, "quote.attributed")


# ---- DIRECTIVE semantics (dev2 and own examples) -------------------------------------

@pytest.mark.parametrize("words", [
    ["并", "不是", "要", "把", "信心", "搞", "丢"],                  # negated purpose
    ["纷纷", "表示", "要", "向", "中国", "学习"],                    # someone's stated intention
    ["最终", "要", "看", "是否", "有利于", "人民"],                  # 要看是否 = "depends on"
    ["在于", "不能", "正确", "认识"], ["不但", "不能", "发展"], ["尚", "不能", "满足"],  # cause, inability
    ["干部", "能上", "不能", "下"],                                   # a pair of abilities
    ["既", "明确", "了", "改革", "必须", "坚持", "的", "方向"],        # reported / relative clause
    ["一场", "革命", "要", "取得", "胜利", "，", "往往", "需要", "一个", "漫长", "的", "过程"],  # purpose 要
    ["这", "是", "一个", "需要", "知识分子", "的", "时代"], ["最短", "只", "需要", "3", "天"],
    ["要", "保持", "兴旺", "发达", "是", "很", "不", "容易", "的"],      # judged as hard: purpose 要
    ["那", "实践", "就", "可能", "又", "要", "长期", "徘徊", "了"],       # a possibility
    ["干部", "能", "上", "不", "能", "下", "问题"],                     # 能上不能下 segmented apart
])
def test_modal_near_misses_from_real_articles(words):
    assert not has_modal(words)


@pytest.mark.parametrize("words", [
    ["这", "决定", "了", "生产关系", "也要", "与时俱进"],               # necessity, not a report
    ["归根结底", "都应", "切中", "人", "的", "需求"], ["切", "不可", "表面", "应付"],
])
def test_modal_hits_from_real_articles(words):
    assert has_modal(words)


def test_reported_prescription_hit_and_noun_near_miss():
    hit = "标题\n\n党的二十届三中全会《决定》提出，积极应对人口老龄化，完善发展养老事业和养老产业政策机制。"
    assert _directives(hit, {}) == [("directive.reported", hit.split("\n\n")[1])]
    verb = "标题\n\n这要求城市管理者在制定政策和规划时，充分考虑市民的实际需求。"
    assert [r for r, _ in _directives(verb, {})] == ["directive.reported"]
    assert _directives("标题\n\n阿拉伯人民要求和平与发展的愿望更加迫切。", {}) == []
    assert _directives("标题\n\n会议提出了一系列重要论断，影响深远。", {}) == []


def test_exhortation_hit_and_noun_near_miss():
    hit = "标题\n\n希望我国广大青年充分展现自己的抱负和激情，胸怀理想、锤炼品格。"
    assert [r for r, _ in _directives(hit, {})] == ["directive.exhortation"]
    assert _directives("标题\n\n人们希望的是安居乐业，这很朴素。", {}) == []


def test_necessity_frames_hit_and_question_near_miss():
    hit = "标题\n\n现在，摆在我们面前的任务是把美好蓝图变为现实。"
    assert [r for r, _ in _directives(hit, {})] == ["directive.necessity"]
    assert _directives("标题\n\n困难究竟是“绊脚石”还是“垫脚石”，关键在于能否找到良策妙招。", {}) == []
    assert _directives("标题\n\n加快形成新质生产力的关键是提升原始创新能力。", {}) == []


def test_imperative_in_a_section_run_and_narrated_or_conditional_near_misses():
    run = "标题\n\n要坚持绿色发展。\n\n秉承绿色发展理念，提升人民城市的生产和生活环境。"
    assert _directives(run, {"要坚持绿色发展。": ["要", "坚持", "绿色", "发展", "。"]})[-1] == (
        "directive.imperative", "秉承绿色发展理念，提升人民城市的生产和生活环境。")
    past = "标题\n\n要坚持改革。\n\n改革开放以来，废除领导干部职务终身制，建立完善退休制度。"
    assert len(_directives(past, {"要坚持改革。": ["要", "坚持", "改革", "。"]})) == 1
    conditional = "标题\n\n要坚持改革。\n\n把人作为服务的中心，以特色招揽人，才能带动商机。"
    assert len(_directives(conditional, {"要坚持改革。": ["要", "坚持", "改革", "。"]})) == 1
    statement = "标题\n\n要坚持改革。\n\n培养造就高水平人才队伍，基础在教育。"
    assert len(_directives(statement, {"要坚持改革。": ["要", "坚持", "改革", "。"]})) == 1


# ---- QUOTE semantics (dev2 and own examples) -----------------------------------------

def test_short_quotation_with_its_own_punctuation_is_speech_and_unpunctuated_is_a_term():
    assert [q[0] for q in quotes("这是她对商场的称呼。“去干啥？”“看‘龙’。”孩子口中的“龙”是恐龙。")] == [
        "去干啥？", "看‘龙’。"]
    assert quotes("孩子口中的“龙”，实际是恐龙。") == []


def test_quotations_back_to_back_before_a_saying_are_quotes_too():
    text = "他们有家国情怀。“修身齐家治国平天下”“为天地立心、为生民立命”“先天下之忧而忧，后天下之乐而乐”，是他们的追求。"
    assert [r for _, _, r in quotes(text)] == ["quote.chained", "quote.chained", "quote.saying"]
    assert quotes("坚持“先立后破”“因地制宜”，稳步推进。") == []


def test_a_term_after_a_quotation_that_ended_its_sentence_is_not_chained():
    text = "他指出：“一个社会幸福不幸福，很重要的是看老年人。”“十四五”时期，我国深入实施战略。"
    assert [q[0] for q in quotes(text)] == ["一个社会幸福不幸福，很重要的是看老年人。"]


def test_short_object_of_a_concept_verb_is_a_term_unless_a_speaker_says_it():
    assert quotes("强调“马上就办”，并非鼓励仓促决策。") == []
    assert quotes("其中影响较大的是索洛提出的“索洛余值”。") == []
    assert quotes("习近平总书记强调“雷厉风行抓落实”。")[0][:2] == ("雷厉风行抓落实", "习近平总书记")
    # … with its aspect mark too (提出了“…”), and a short quotation whose wording is talked about
    assert quotes("在本文开始的时候，提出了“道德保守主义”这样一种说法。") == []
    assert quotes("顺便说一句，“小资产”这三个字也受之有愧。") == []
    # near miss: the same after a speaker who says it, and a longer quotation, are his words
    assert quotes("他说：“小资产阶级也是朋友”这句话。")[0][0] == "小资产阶级也是朋友"


def test_zheng_suowei_frames_a_verse_and_suowei_names_a_term():
    assert quotes("世界社会主义遭受严重曲折，正所谓“万花纷谢一时稀”。")[0][0] == "万花纷谢一时稀"
    assert quotes("这就是所谓“新常态”。") == []


# ---- CLAIM / SUPPORT from the outline (dev2 and own examples) ---------------------------

def test_enumeration_needs_two_items_each_opening_a_sentence():
    listed = "标题\n\n影响因素包括四个方面。一是技术创新与研发投入。二是制度创新与结构性改革。"
    assert [t for _, r, t in units(listed) if r == "support.enumeration"] == [
        "一是技术创新与研发投入。", "二是制度创新与结构性改革。"]
    framed = "标题\n\n具体来看，一方面，历史文化保护为城市更新提供动力。另一方面，城市更新为文化传承提供支撑。"
    assert len([r for _, r, _ in units(framed) if r == "support.enumeration"]) == 2
    inline = "标题\n\n执法司法是否具有公信力，主要看两点，一是公正不公正，二是廉洁不廉洁。其他说明。"
    assert "support.enumeration" not in rules_of(inline)
    lone = "标题\n\n首先要思想上走在前列。这是基础。"
    assert "support.enumeration" not in rules_of(lone)


def test_short_lead_near_misses_narration_question_and_transition():
    for first in ("2020年，民营经济发展受到不小冲击。", "去年是十月革命100周年。", "当地时间12月9日下午，峰会举行。",
                  "新型商场变革的底气在哪里？", "不仅是鹅肝和鱼子酱。", "几年前我写过一篇文章。",
                  "三个月以来，成都的天空一直是这个样子。", "过去这些年，客户是我们的重要锚点。",
                  "（大年初七补充）空气突然变好。", "下图是朋友发来的图片。"):
        text = f"标题\n\n引言段落很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长。后文。\n\n{first}后面还有展开的说明。"
        assert "support.short_lead" not in {r for _, r, t in units(text) if t == first}, first
    hit = "标题\n\n引言。后文。\n\n一张清单的变化，意味深长。后面还有展开的说明。"
    assert ("SUPPORT", "support.short_lead", "一张清单的变化，意味深长。") in units(hit)
    # (a number in brackets opens a point, no aside: （一）… is no editorial opening)
    from annotate.rules.lexicon import S
    assert not S.editorial_opening.match("（一）做好碳达峰工作是必然要求。") and S.editorial_opening.match("（补记）空气变好。")
    # (a span of years as the subject, not a time frame: 三年的变化 is a point)
    hit = "标题\n\n引言。后文。\n\n三年的变化，意味深长。后面还有展开的说明。"
    assert ("SUPPORT", "support.short_lead", "三年的变化，意味深长。") in units(hit)


def test_conclusion_marker_youci_guanzhi():
    text = "标题\n\n由此观之，从严管理和鼓励担当是内在统一的关系。"
    assert rules_of(text) >= {"claim.conclusion"}


def test_reported_requirement_addressee_and_zhe_yaoqiu_hits_and_noun_report_near_miss():
    assert [r for r, _ in _directives("标题\n\n中央八项规定精神反对做表面文章，要求干部真抓实干。", {})] == [
        "directive.reported"]
    assert [r for r, _ in _directives("标题\n\n这就要求由新型生产关系激发的创新行为更多投向基础研究。", {})] == [
        "directive.reported"]
    # 部署 as a noun (决策部署) reports nothing: no reported prescription after it.
    assert _directives("标题\n\n党中央及时研判形势、作出决策部署，确保经济航船行稳致远。", {}) == []


def test_conditional_sentence_bare_yao_and_verb_phrase_subject_near_misses():
    words = {"既向变量要增量，又通过增量提质量，商场的效益方能实现质的提高。":
             ["既", "向", "变量", "要", "增量", "，", "又", "通过", "增量", "提", "质量", "，", "商场", "的", "效益",
              "方能", "实现", "质", "的", "提高", "。"]}
    assert _directives("标题\n\n既向变量要增量，又通过增量提质量，商场的效益方能实现质的提高。", words) == []
    run = "标题\n\n要坚持改革。\n\n从历史来看，构建与新的生产力相适应的生产关系是后发国家赶超的关键。"
    assert len(_directives(run, {"要坚持改革。": ["要", "坚持", "改革", "。"]})) == 1


# ---- general constructions seen on unseen articles (own made-up examples) -------------

@pytest.mark.parametrize("words", [
    ["这是", "我们", "必须", "遵循", "的", "原则", "。"],                        # attributive clause
    ["这是", "在", "前进", "道路", "上", "必须", "始终", "坚持", "的", "理念", "。"],
    ["必须", "坚持", "人民", "至上", "，", "是", "该", "思想", "的", "重要", "内容", "。"],  # subject of 是
    ["这种", "制度", "却", "不", "能", "反映", "人们", "的", "需要", "。"],        # cannot, described
    ["这", "更", "让", "我们", "感受", "到", "责任", "重大", "。"],               # causative 让
    ["要", "技术", "没", "技术", "、", "要", "经验", "没", "经验"],                # 要 = want
])
def test_modal_near_misses_general_constructions(words):
    assert not has_modal(words)


@pytest.mark.parametrize("words", [
    ["让", "我们", "携手", "前进", "。"], ["关键", "是", "要", "把", "人民", "放在", "心上", "。"],
    ["我们", "必须", "牢牢", "把握", "这些", "方法论", "，", "将", "其", "融会贯通", "。"],
])
def test_modal_hits_general_constructions(words):
    assert has_modal(words)


def test_topic_of_an_evaluation_is_no_command_and_new_frames_hit():
    run = "标题\n\n要坚持改革。\n\n加强制度建设，有利于巩固改革成果。"
    assert len(_directives(run, {"要坚持改革。": ["要", "坚持", "改革", "。"]})) == 1
    assert [r for r, _ in _directives("标题\n\n有必要适度超前谋划基础设施。", {})] == ["directive.necessity"]
    assert [r for r, _ in _directives("标题\n\n请铭记这一天。", {})] == ["directive.exhortation"]
    assert _directives("标题\n\n请示报告制度已经建立。", {}) == []


def test_past_narration_yao_is_no_modal():
    words = {"当时要技术没技术，一切都要从头摸索。": ["当时", "要", "技术", "没", "技术", "，", "一切", "都要", "从头", "摸索", "。"]}
    assert _directives("标题\n\n当时要技术没技术，一切都要从头摸索。", words) == []
    words = {"当时要技术没技术，要资金没资金。": ["当时", "要", "技术", "没", "技术", "，", "要", "资金", "没", "资金", "。"]}
    assert _directives("标题\n\n当时要技术没技术，要资金没资金。", words) == []


def test_separator_heading_is_no_claim_and_opens_no_section():
    text = "标题\n\n一、第一节\n\n第一节首句很长很长。\n\n*** ***\n\n伟大的时代发出了召唤。让我们携手前进。"
    found = units(text)
    assert not [t for label, _, t in found if label == "CLAIM" and t.startswith(("*", "伟大"))]


def test_greetings_speakers_own_acts_and_settings_are_no_leads():
    for first in ("大家好！", "我代表党中央向大家致以问候。", "今天这个座谈会请来了各界代表。",
                  "随着事业发展，队伍越来越大。", "最后，祝大家节日快乐。"):
        text = f"标题\n\n引言段落很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长。后文。\n\n{first}后面还有展开的说明。"
        assert not [t for _, r, t in units(text) if r == "support.short_lead" and t == first], first
    hit = "标题\n\n引言段落很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长。后文。\n\n我国经济长期向好。后面还有展开的说明。"
    assert ("SUPPORT", "support.short_lead", "我国经济长期向好。") in units(hit)


def test_speaker_carried_from_the_paragraph_when_the_clause_names_nobody():
    text = "习近平总书记高度重视这个问题。他在《发展数字经济》中指出：“要把握数字化方向。”"
    assert quotes(text) == [("要把握数字化方向。", "习近平总书记", "quote.attributed")]
    assert quotes("《决定》明确了方向，并提出“坚持系统观念，统筹发展和安全”。")[0][1] == "《决定》"
    # near miss: nobody named before, a date is no speaker
    assert quotes("5月19日，在河南考察时强调，“文旅融合前景广阔，要推动高质量发展。”")[0][1] is None


def test_shouxian_and_zuihou_alone_are_speech_formulae_not_a_series():
    formulae = "标题\n\n首先，我代表党中央向大家致以问候。其他内容。\n\n最后，祝大家工作顺利。"
    assert "support.enumeration" not in rules_of(formulae)
    series = "标题\n\n首先，要统一思想。其他内容。\n\n其次，要完善制度。\n\n最后，要抓好落实。"
    assert len([r for _, r, _ in units(series) if r == "support.enumeration"]) == 3


def test_report_of_achievements_after_a_past_frame_is_no_directive():
    text = "党的十八大以来，打赢脱贫攻坚战，稳经济、促发展，化危机、应变局。"
    words = {text: ["党的十八大", "以来", "，", "打赢", "脱贫", "攻坚战", "，", "稳", "经济", "、", "促", "发展", "，",
                    "化", "危机", "、", "应", "变局", "。"]}
    assert _directives("标题\n\n" + text, words) == []
    hit = "今后，各地应加快推进改革。"
    assert _directives("标题\n\n" + hit, {hit: ["今后", "，", "各地", "应", "加快", "推进", "改革", "。"]}) == [
        ("directive.modal", hit)]


def test_quotation_followed_by_a_noun_of_speech_is_attributed_and_a_term_is_not():
    text = "习近平总书记主持召开座谈会。“民营企业和民营企业家是我们自己人”的温暖话语直抵人心。"
    assert quotes(text) == [("民营企业和民营企业家是我们自己人", "习近平总书记", "quote.attributed_after")]
    assert quotes("这个“新质生产力”的重要论述影响深远。") == []


def test_xiwang_as_a_noun_is_no_exhortation():
    assert _directives("标题\n\n希望工程已经实施三十年，惠及千万儿童。", {}) == []
    hit = "标题\n\n希望大家珍惜机遇，努力奋斗。"
    assert [r for r, _ in _directives(hit, {})] == ["directive.exhortation"]


# ---- generalisation: structure over words (own examples) -------------------------------

def _directives_after_units(text, words):
    """DIRECTIVEs as the pipeline finds them: after CLAIM/SUPPORT have taken their sentences."""
    layout = layout_from_text(text)
    qs = [q for b in layout.paragraphs() for q in find_quotes(text, b.start, b.end)]
    taken = find_units(layout, qs)
    return [(u.rule, text[u.start:u.end])
            for u in find_directives(layout, taken, qs, lambda s, e: words.get(text[s:e], [text[s:e]]))]


def test_imperative_after_a_stating_lead_or_a_setting_opener_is_no_command():
    # a short lead that states, then a present-setting sentence: nothing is prescribed
    stated = "标题\n\n改革开放是决定当代中国命运的关键一招。当前，改革进入攻坚期和深水区。"
    assert _directives_after_units(stated, {}) == []
    # a lead that commands starts a run: the subjectless sentence after it is a command too
    run = "标题\n\n加强耕地资源保护利用。实行最严格的耕地保护制度，完善耕地占补平衡制度。"
    assert _directives_after_units(run, {}) == [
        ("directive.imperative", "实行最严格的耕地保护制度，完善耕地占补平衡制度。")]
    setting = "当前，发展进入新阶段，改革进入深水区。"
    assert not is_imperative(setting, 0, len(setting))


def test_imperative_near_miss_verb_phrase_as_topic_of_zuowei():
    topic = "发展新质生产力作为推动高质量发展的内在要求，有力带动产业升级，汇聚发展合力。"
    assert not is_imperative(topic, 0, len(topic))
    command = "把科技创新作为发展的第一动力，加快建设科技强国，完善创新体系。"
    assert is_imperative(command, 0, len(command))


def test_exhortation_after_a_short_frame_and_near_miss():
    assert _directives("标题\n\n展望未来，请记住这份沉甸甸的嘱托。", {}) == [
        ("directive.exhortation", "展望未来，请记住这份沉甸甸的嘱托。")]
    assert _directives("标题\n\n今天这个座谈会，请来的是各方代表。", {}) == []


def test_reported_advocacy_with_an_addressee_and_near_miss():
    assert _directives("标题\n\n儒家思想倡导人们在日常生活中修身律己。", {}) == [
        ("directive.reported", "儒家思想倡导人们在日常生活中修身律己。")]
    assert _directives("标题\n\n这是我们所倡导的人们向往的生活方式。", {}) == []


def test_modal_inside_a_relative_clause_headed_by_a_verb_with_zhe_is_a_near_miss():
    assert not has_modal(["这一", "论断", "蕴含", "着", "我们", "必须", "坚持", "的", "基本", "原则"])
    assert has_modal(["我们", "必须", "坚持", "基本", "原则"])
    # 随着 opens a frame, not a relative clause: the prescription stands
    assert has_modal(["随着", "形势", "变化", "我们", "必须", "加强", "党", "的", "建设"])


def test_short_quotation_after_a_noun_of_words_or_a_count_of_speech():
    assert quotes("陆游名句“位卑未敢忘忧国”的情怀激励着后人。") == [("位卑未敢忘忧国", "陆游", "quote.attributed")]
    assert quotes("临别时她说一声“保重身体”，转身离去。")[0][0] == "保重身体"
    assert quotes("读者留言，“看完很受鼓舞”。")[0][:2] == ("看完很受鼓舞", "读者")
    assert quotes("大家都喜欢“保重身体”这个说法。") == []  # unattributed, short: a term


def test_short_words_someone_has_and_a_name_that_is_glossed():
    assert quotes("物理学家牛顿曾有“站在巨人肩上”的论断。") == [("站在巨人肩上", "牛顿", "quote.attributed_after")]
    assert quotes("江南素有“鱼米之乡”的美誉。") == []
    assert quotes("《礼记》提出“三礼”，即三种礼仪。") == []
    assert quotes("《礼记》提出“大道之行也，天下为公”。")[0][1] == "《礼记》"


def test_a_bold_lead_starts_a_run_of_measures_whatever_its_verb():
    from annotate.document import Block, PARAGRAPH, TITLE
    from annotate.rules.layout import Layout

    text = "标题\n\n丰富实践内涵。实行更加开放的政策，完善人才培养工作，人才队伍日益壮大。"
    lead_end = text.index("。") + 1
    bold = Layout(text, [Block(TITLE, 0, 2, 1), Block(PARAGRAPH, 4, len(text), 3, [(4, lead_end)])])
    taken = find_units(bold, [])
    assert [u.rule for u in taken] == ["claim.title", "support.bold_lead"]
    found = find_directives(bold, taken, [], lambda s, e: [text[s:e]])
    assert [(u.rule, text[u.start:u.end]) for u in found] == [
        ("directive.imperative", "实行更加开放的政策，完善人才培养工作，人才队伍日益壮大。")]
    # the same lead unbolded is a short lead that prescribes nothing by its words: no run
    assert _directives_after_units(text, {}) == []
    # …unless the sentence is commands through and through (every clause opens with a command verb)
    strict = "标题\n\n文物是历史的见证。加强文物保护，推进文物活化利用，让文物说话。"
    assert _directives_after_units(strict, {}) == [("directive.imperative", "加强文物保护，推进文物活化利用，让文物说话。")]


def test_yao_glued_to_the_next_verb_by_segmentation_is_still_a_modal():
    assert has_modal(["要紧", "扣", "时代", "脉搏", "，", "讲", "好", "故事", "。"])
    assert not has_modal(["这", "件", "事", "很", "要紧", "。"])
    assert not has_modal(["要紧", "的", "是", "落实", "。"])


def test_a_one_sentence_paragraph_is_no_lead_but_the_same_sentence_opening_a_paragraph_is():
    body = "这是第一段的论述。它有两句话。"
    develops = "人们正在讨论它。讨论还在继续。"
    # alone in its paragraph there is no rest of the paragraph to elaborate it (SCHEME SUPPORT 3)
    text = f"标题\n\n{body}\n\n两个角度，各有启示。\n\n{develops}"
    assert not any(t == "两个角度，各有启示。" for _, _, t in units(text))
    text = f"标题\n\n{body}\n\n两个角度，各有启示。{develops}"
    assert ("SUPPORT", "support.short_lead", "两个角度，各有启示。") in units(text)


def test_short_lead_near_miss_recent_past_narration():
    text = "标题\n\n前不久，某地举办了一场科普展览。展览吸引了大批观众。"
    assert not any(t.startswith("前不久") for _, _, t in units(text))
    assert ("SUPPORT", "support.short_lead", "科普展览吸引观众。") in units("标题\n\n科普展览吸引观众。展览吸引了大批观众。")


def test_quotations_attributed_after_by_a_speaker_and_a_noun_of_speech():
    text = "“很高兴今天能见到各位朋友”“双方合作没有任何上限”……各国代表的热忱话语温暖人心。"
    assert [(q[0], q[1]) for q in quotes(text)] == [("很高兴今天能见到各位朋友", "各国代表"), ("双方合作没有任何上限", "各国代表")]
    assert quotes("“务实合作成果丰硕喜人”，与会嘉宾的真诚讲话令人难忘。")[0][1] == "与会嘉宾"
    assert quotes("“新质生产力”的重要论述。") == []  # a short name before the noun: a term


def test_bare_xu_still_reng_and_qiemo_are_modals_with_near_misses():
    assert has_modal(["发展", "乡村", "产业", "，", "需", "立足", "资源", "禀赋", "。"])
    assert not has_modal(["这", "需", "一个", "过程", "。"])          # 需 + a quantity: a need
    assert not has_modal(["所需", "资金", "一千万", "元", "。"])       # 所需: a noun phrase
    assert has_modal(["仍", "需", "看到", "，", "问题", "依然", "突出", "。"])
    assert has_modal(["仍", "要", "坚持不懈", "。"])
    assert not has_modal(["仍", "不能", "满足", "需求", "。"])          # 仍不能: inability
    assert has_modal(["我们", "切莫", "心浮气躁", "。"])
    assert not has_modal(["莫", "等", "闲", "。"])


def test_quotation_followed_by_a_speaker_and_a_verb_of_saying():
    assert quotes("“没想到文物也能这么有趣”，一位游客说。") == [
        ("没想到文物也能这么有趣", "一位游客", "quote.attributed_after")]
    assert quotes("讲解员告诉记者：“周末客流翻了一番”。")[0][:2] == ("周末客流翻了一番", "讲解员")
    assert quotes("“没想到文物也能这么有趣”，这说明了什么？") == []   # 说明 is no verb of saying
    assert quotes("他向大家介绍“数字敦煌”项目。") == []


def test_section_opening_near_miss_short_quotation_after_a_long_speech_frame():
    frame = "标题\n\n一、人才是第一资源\n\n习近平总书记在全国教育大会上强调：“人才是第一资源。”培养人才要靠教育。"
    assert not any(r == "claim.section_opening" for _, r, _ in units(frame))
    # the author's own sentence that cites a phrase in passing still opens the section
    own = "标题\n\n一、人才是第一资源\n\n正如习近平总书记强调的“人才是第一资源”，人才工作关乎长远发展大局。培养人才要靠教育。"
    assert ("CLAIM", "claim.section_opening", own.split("\n\n")[2].split("。")[0] + "。") in units(own)


def test_short_lead_near_misses_demonstrative_and_past_openings():
    lead = "标题\n\n城市更新不是大拆大建。城市更新要注重保护历史文脉。"
    assert ("SUPPORT", "support.short_lead", "城市更新不是大拆大建。") in units(lead)
    for first in ("这不能不引起我们的重视。", "这一变化意味深长。", "当时，村里要路没路。", "后来，日子好起来了。"):
        assert not any(t == first for _, _, t in units(f"标题\n\n{first}城市更新要注重保护历史文脉。")), first


def test_modal_near_miss_announcing_a_remark():
    assert not has_modal(["需要", "指出", "的", "是", "，", "改革", "从来", "不是", "一帆风顺", "的", "。"])
    assert has_modal(["需要", "指出", "问题", "所在", "，", "及时", "整改", "。"])


def test_bare_xu_heading_a_relative_clause_is_a_near_miss():
    assert not has_modal(["聚焦", "政策", "创新", "等", "需", "人性化", "判断", "的", "领域", "，", "服务", "更", "高效", "。"])
    assert has_modal(["需", "加强", "人性化", "服务", "的", "供给", "体系", "建设", "。"])


def test_conditional_with_bare_na_drops_bare_yao():
    text = "标题\n\n如果当初没有坚持改革，那发展就可能又要走很多弯路。"
    words = {text.split("\n\n")[1]: ["如果", "当初", "没有", "坚持", "改革", "，", "那", "发展", "就", "可能", "又",
                                     "要", "走", "很多", "弯路", "。"]}
    assert _directives(text, words) == []
    plain = "标题\n\n当初坚持改革，那是正确的选择，今后还要坚持。"
    words = {plain.split("\n\n")[1]: ["当初", "坚持", "改革", "，", "那", "是", "正确", "的", "选择", "，", "今后",
                                      "还要", "坚持", "。"]}
    assert len(_directives(plain, words)) == 1


def test_imperative_with_an_ability_as_its_purpose_and_a_described_ability_near_miss():
    purpose = "逐步消除定价机制中的双轨制问题，强化基准作用，确保市场利率能够有效传导。"
    assert is_imperative(purpose, 0, len(purpose))
    described = "完善定价机制，市场利率能够有效传导，基准作用不断强化。"
    assert not is_imperative(described, 0, len(described))


def test_short_quotation_before_a_speaker_and_verb_only_when_the_verb_ends_the_sentence():
    assert [q[0] for q in quotes("“保重身体”，她说。")] == ["保重身体"]  # (a pronoun names no speaker)
    assert quotes("“十四五”规划表示，要加快发展。") == []


# ---- SCHEME v1.3 ---------------------------------------------------------------------------

def test_v13_section_opening_is_a_claim_even_when_its_paragraph_elaborates_it():
    # SUPPORT 6: the first sentence after a heading is CLAIM 2, never a short lead; the
    # section's second paragraph has its short lead.
    text = "标题\n\n一、小节\n\n理解生产率，首先要理解概念。后文展开说明。\n\n耕地是根本。后文展开说明耕地。"
    found = units(text)
    assert ("CLAIM", "claim.section_opening", "理解生产率，首先要理解概念。") in found
    assert ("SUPPORT", "support.short_lead", "耕地是根本。") in found


def test_v13_number_only_section_markers_open_sections_and_relate_to_the_title():
    text = ("城市更新的逻辑\n\n引言一段很长。还有一句。\n\n一\n\n城市是人的家园。后文展开。\n\n"
            "治理要精细。后文展开说明。\n\n二\n\n更新是长期任务。后文展开。")
    found = units(text)
    assert ("CLAIM", "claim.section_opening", "城市是人的家园。") in found
    assert ("CLAIM", "claim.section_opening", "更新是长期任务。") in found
    assert not any(t in ("一", "二") for _, _, t in found)     # the number itself: no CLAIM
    assert not any(t.startswith("引言") for _, _, t in found)   # the intro: SUPPORT 5
    layout = layout_from_text(text)
    qs = [q for b in layout.paragraphs() for q in find_quotes(text, b.start, b.end)]
    us = find_units(layout, qs)
    [link] = [(text[l.source.start:l.source.end], text[l.target.start:l.target.end])
              for l in find_relations(layout, us)]
    assert link == ("治理要精细。", "城市更新的逻辑")
    # near miss: after 结语 (a word, not a number) the paragraph opens no section
    assert "claim.section_opening" not in rules_of("标题\n\n正文一段。\n\n结语\n\n城市是人的家园。后文。")


def test_v13_parenthesised_number_alone_is_no_support_and_a_numbered_heading_is():
    text = "标题\n\n一、小节\n\n首句。\n\n（一）\n\n正文一段。\n\n（二）加强基础研究\n\n正文。"
    found = units(text)
    assert ("SUPPORT", "support.subheading", "（二）加强基础研究") in found
    assert not any(t == "（一）" for _, _, t in found)


def test_v13_a_paragraph_closed_by_a_colon_announces_a_list_and_takes_no_label():
    words = lambda s, e: list(text[s:e])  # noqa: E731 — character "words": 要 stands alone
    text = "标题\n\n一、小节\n\n我们要做好以下几点：\n\n加强耕地保护。后文展开说明。"
    found = units(text)
    assert not any(t.startswith("我们要") for _, _, t in found)
    assert not any(t.startswith("加强耕地") and r == "claim.section_opening" for _, r, t in found)
    layout = layout_from_text(text)
    assert not [u for u in find_directives(layout, [], [], words) if text[u.start:u.end].startswith("我们要")]
    # near miss: the same words closed by a full stop prescribe, and open the section as its CLAIM
    text = text.replace("以下几点：", "以下几点。")
    assert ("CLAIM", "claim.section_opening", "我们要做好以下几点。") in units(text)


def test_v13_a_question_opening_a_section_is_no_claim():
    text = "标题\n\n一、小节\n\n什么是新质生产力？它是先进生产力质态。"
    assert "claim.section_opening" not in rules_of(text)
    assert ("CLAIM", "claim.section_opening", "它是先进生产力质态。") in units(text.replace("什么是新质生产力？", ""))


def _bold_units(paragraphs):
    """find_units over paragraphs given as (text, [bold (start, end) relative to the paragraph])."""
    from annotate.document import Block
    from annotate.rules.layout import Layout

    text, blocks, pos = "", [], 0
    for k, (t, bold) in enumerate(paragraphs):
        if k:
            text += "\n\n"
            pos += 2
        kind = "title" if k == 0 else "paragraph"
        blocks.append(Block(kind, pos, pos + len(t), k + 1, [(pos + s, pos + e) for s, e in bold]))
        text += t
        pos += len(t)
    return [(u.rule, text[u.start:u.end]) for u in find_units(Layout(text, blocks), [])]


def test_v13_bold_that_is_a_whole_paragraph_is_emphasis():
    found = _bold_units([("标题", []), ("前面一段是正文。还有一句。", []), ("这就是我们的答案。", [(0, 9)]),
                         ("后面一段。还有一句。", [])])
    assert not any(r == "support.bold_lead" for r, _ in found)
    # near miss: a bold run followed by plain text in its paragraph is a lead
    found = _bold_units([("标题", []), ("加强耕地保护。耕地是根本。", [(0, 7)])])
    assert ("support.bold_lead", "加强耕地保护。") in found


def test_v13_article_whose_bold_highlights_phrases_has_short_leads_not_bold_leads():
    # an editor's highlighting: bold at a paragraph's start once, in mid-paragraph twice
    paras = [("标题", []), ("创新是第一动力。我们说过很多次，创新要落地。", [(0, 8)]),
             ("人才是第一资源。培养人才，关键在教育。", [(8, 12)]),
             ("开放是必由之路。中国开放的大门只会越开越大。", [(15, 22)])]
    found = _bold_units(paras)
    assert not any(r == "support.bold_lead" for r, _ in found)
    assert ("support.short_lead", "人才是第一资源。") in found
    # near miss: bold only at paragraph starts (print leads): bold leads, no short leads
    paras = [("标题", []), ("创新是第一动力。我们说过很多次。", [(0, 8)]), ("人才是第一资源。培养人才。", [(0, 8)])]
    found = _bold_units(paras)
    assert [r for r, _ in found if r.startswith("support")] == ["support.bold_lead", "support.bold_lead"]


def test_v13_run_in_subheadings_are_points_and_a_lone_number_is_not():
    text = "标题\n\n一、小节\n\n首句断言。\n\n（一）加强耕地保护。耕地是命根子，后文展开。\n\n（二）提高种业水平。种子是农业的芯片。"
    found = units(text)
    assert ("SUPPORT", "support.run_in", "（一）加强耕地保护。") in found
    assert ("SUPPORT", "support.run_in", "（二）提高种业水平。") in found
    # near miss: one numbered paragraph is no series of points
    lone = text.split("\n\n（二）")[0] + "\n\n这一段接着说下去，说得很长很长很长很长很长很长很长很长很长很长。"
    assert "support.run_in" not in rules_of(lone)


# ---- DIRECTIVE: reports of what was done vs plans and commitments (issue 13 item 6) -----------

def test_v13_report_of_results_is_no_command_even_after_a_bold_lead():
    from annotate.document import Block
    from annotate.rules.layout import Layout

    lead = "坚持教育优先发展。"
    report = "推进义务教育优质均衡发展，完善评估体系，全市87%的县通过国家评估。"
    text = lead + report
    layout = Layout(text, [Block("paragraph", 0, len(text), 1, [(0, len(lead))])])
    taken = find_units(layout, [])
    assert [u.rule for u in taken] == ["support.bold_lead"]
    assert find_directives(layout, taken, [], lambda s, e: [text[s:e]]) == []
    # near miss: the same commands without a result figure are a run of prescriptions
    plan = "推进义务教育优质均衡发展，完善评估体系，扩大优质资源供给。"
    text = lead + plan
    layout = Layout(text, [Block("paragraph", 0, len(text), 1, [(0, len(lead))])])
    taken = find_units(layout, [])
    assert [(u.rule, text[u.start:u.end]) for u in find_directives(layout, taken, [], lambda s, e: [text[s:e]])] == [
        ("directive.imperative", plan)]


@pytest.mark.parametrize("sentence", [
    "推进义务教育优质均衡发展，完善评估体系，全市87%的县通过国家评估。",      # a result figure
    "实施教师队伍建设工程，推进教师交流轮岗，累计培训教师4.2万人次。",       # a summing-up word
    "建设智慧教育平台，推进数字校园建设，覆盖全部中小学三千余所。",          # a figure in words
])
def test_v13_reports_are_no_commands(sentence):
    assert not is_imperative(sentence, 0, len(sentence))


def test_v13_near_miss_a_figure_under_a_plan_marker_is_a_target():
    plan = "推进义务教育优质均衡发展，完善评估体系，力争87%的县通过国家评估。"
    assert is_imperative(plan, 0, len(plan))


def test_v13_plans_and_commitments_prescribe_and_predictions_do_not():
    hits = ["我们将坚定不移推进教育强市建设。", "始终坚持立德树人根本任务，完善全面培养体系。",
            "到2027年，新增公办学位5万个，力争普惠率达到92%以上。", "我市将继续扩大优质教育资源供给。"]
    for hit in hits:
        assert _directives("标题\n\n" + hit, {}) == [("directive.commitment", hit)], hit
    misses = ["人工智能将重塑教育生态，我们将迎来新的机遇。", "中国将成为教育强国。",
              "始终坚持人民至上，我们取得了伟大成就。", "未来五年，经济将保持增长。"]
    for miss in misses:
        assert _directives("标题\n\n" + miss, {}) == [], miss


def test_v13_older_prescriptive_forms_hit_and_capabilities_miss():
    for words in (["党员", "干部", "不准", "收受", "礼金"], ["任何", "人", "不许", "搞", "特权"], ["严禁", "弄虚作假"],
                  ["万万", "不可", "掉以轻心"], ["决", "不可", "骄傲自满"]):
        assert has_modal(words), words
    # near misses: 不可 alone is a capability, 不准确 is 不 + 准确
    for words in (["历史", "潮流", "不可", "阻挡"], ["这个", "说法", "是", "不", "准确", "的"], ["不", "许可"]):
        assert not has_modal(words), words
    assert _directives("标题\n\n同志们，努力吧！", {}) == [("directive.exhortation", "同志们，努力吧！")]
    assert _directives("标题\n\n这是真的吧！", {}) == [] and _directives("标题\n\n好吧！", {}) == []


# ---- issue 13 (dev3): sections numbered inside paragraphs, reported prescriptions ----------

_NUMBERED = ("读书的用处\n\n一、读书不是为了文凭，而是为了看清世界。很多人只看到文凭，没有看到书本身。\n\n"
             "身边的例子很多。\n\n二、书读得多，路才走得宽。一个人的眼界决定他的选择。")


def test_claim_numbered_opening_hit_in_an_article_without_headings():
    found = units(_NUMBERED)
    assert ("CLAIM", "claim.numbered_opening", "一、读书不是为了文凭，而是为了看清世界。") in found
    assert ("CLAIM", "claim.numbered_opening", "二、书读得多，路才走得宽。") in found
    assert not any(r == "support.short_lead" and t.startswith("二、") for _, r, t in found)


def test_claim_numbered_opening_near_misses():
    # one numbered paragraph alone is no series of sections
    assert "claim.numbered_opening" not in rules_of(_NUMBERED.split("\n\n二、")[0] + "\n\n最后一段。再说一句。")
    # under section headings the headings open the sections
    headed = "读书的用处\n\n一、总的看法\n\n" + _NUMBERED.split("\n\n", 1)[1]
    assert "claim.numbered_opening" not in rules_of(headed)


def test_section_opening_near_miss_a_prescription_reported_without_quotation_marks():
    text = "标题\n\n一、做好本职工作\n\n老校长讲，要把责任落实在每一天的工作里。这句话我一直记着。"
    assert "claim.section_opening" not in rules_of(text)
    # hit: the author's own assertion after the same kind of heading
    text = "标题\n\n一、做好本职工作\n\n责任落实在每一天的工作里。这句话我一直记着。"
    assert ("CLAIM", "claim.section_opening", "责任落实在每一天的工作里。") in units(text)


_INTERVIEW = ("访谈录\n\n"
              "李：你为什么研究城市？还有别的原因吗？\n\n王：城市是人的家园。我从小在老城长大，街巷里有很多故事。\n\n"
              "李：老城现在怎么样了？\n\n王：老城正在消失。很多老房子拆了，新楼盖起来了。\n\n"
              "李：你觉得该怎么办？\n\n王：保护要趁早。等到拆完再保护就晚了。\n\n"
              "李：这一点我同意。可是钱从哪里来？")


def test_interview_turns_tags_left_out_and_the_interviewer_has_no_leads():
    found = units(_INTERVIEW)
    leads = [t for _, r, t in found if r == "support.short_lead"]
    assert "城市是人的家园。" in leads and "老城正在消失。" in leads
    assert not any(t.startswith(("王：", "李：")) for t in leads)
    assert "这一点我同意。" not in leads
    # nor the space a tag may have after its colon
    spaced = units(_INTERVIEW.replace("王：", "王： "))
    assert "城市是人的家园。" in [t for _, r, t in spaced if r == "support.short_lead"]


def test_an_interview_with_a_long_interviewer_tag_and_two_guests():
    text = ("访谈录\n\n某某周刊：住院率为什么升高？原因在哪里？\n\n王教授：老龄化是主因。人口结构变了，病人多了。\n\n"
            "某某周刊：医保基金够用吗？\n\n李主任：基金压力很大。支出增长快于收入。\n\n"
            "某某周刊：该怎么办？还有别的办法吗？\n\n王教授：要控制不合理住院。这需要制度。\n\n"
            "某某周刊：这一点我们同意。可是谁来监督？")
    leads = [t for _, r, t in units(text) if r == "support.short_lead"]
    assert "老龄化是主因。" in leads and "基金压力很大。" in leads
    assert not any(t.startswith(("王教授：", "李主任：", "某某周刊：")) for t in leads)
    assert "这一点我们同意。" not in leads          # the interviewer has no leads


def test_near_miss_a_few_colon_labels_are_no_interview():
    # two tagged lines are no interview: their first sentence keeps its tag, as any sentence
    text = "标题\n\n第一段说得多一些。还有一句。\n\n王：城市是人的家园。我从小在老城长大。\n\n李：这一点我同意。可是钱从哪里来？"
    leads = [t for _, r, t in units(text) if r == "support.short_lead"]
    assert "王：城市是人的家园。" in leads


def test_claim_conclusion_after_a_conjunction_hit_and_near_miss():
    text = "标题\n\n老城的问题很多。但总而言之，老城值得保护。"
    assert ("CLAIM", "claim.conclusion", "但总而言之，老城值得保护。") in units(text)
    # near miss: a conjunction before a word that only starts like a marker
    assert "claim.conclusion" not in rules_of("标题\n\n老城的问题很多。但总体上看起来不错，还要再看。")


def test_short_lead_near_misses_a_one_word_reply_and_a_causal_or_concessive_opening():
    base = "标题\n\n城市是人的家园。老城有很多故事。\n\n"
    assert ("SUPPORT", "support.short_lead", "城市是人的家园。") in units(base + "第二段。说得更多。")
    for opening in ("是的。老城有很多故事，也有很多问题。", "因为，老城正在消失。很多老房子拆了。",
                    "而老城正在消失。很多老房子拆了。", "是的，老城正在消失。很多老房子拆了。"):
        leads = [t for _, r, t in units(base + opening) if r == "support.short_lead"]
        assert leads == ["城市是人的家园。"], opening


def test_modal_near_miss_yao_in_a_comparison_and_hit_after_a_comparison():
    assert not has_modal(["老城", "的", "问题", "要", "比", "新城", "复杂", "。"])
    assert not has_modal(["这", "条", "路", "比", "那", "条", "要", "远", "得", "多", "。"])
    # hit: a prescription after a comparison clause, and 要 with a long action after 比 in another sense
    assert has_modal(["老城", "比", "新城", "复杂", "，", "我们", "要", "多", "下", "功夫", "。"])
    assert has_modal(["对比", "之后", "要", "把", "经验", "推广", "到", "全市", "各个", "街道", "。"])


def test_short_lead_near_miss_a_decade_in_han_numerals_narrates():
    base = "标题\n\n{}老城有很多故事，也有很多问题。\n\n第二段。说得更多。"
    assert "support.short_lead" in rules_of(base.format("老城是城市的根。"))
    assert "support.short_lead" not in rules_of(base.format("到八十年代，老城更热闹了。"))


def test_modal_near_misses_about_to_and_a_not_a_question_and_hits_beside_them():
    assert not has_modal(["等", "它", "要", "逃", "出", "锅", "时", "却", "晚", "了", "。"])
    assert not has_modal(["市场", "还", "需", "不", "需要", "这种", "人才", "。"])
    # hits: 与时俱进 is no time clause; a plain 需要 + action
    assert has_modal(["生产", "关系", "也", "要", "与", "时", "俱", "进", "。"])
    assert has_modal(["我们", "需要", "培养", "这种", "人才", "。"])


def test_exhortation_near_miss_qing_kan_introduces_evidence():
    text = "标题\n\n请看这座小城，夜市一开，街巷就热闹起来。\n\n请大家多到夜市走走。"
    found = _directives(text, {})
    assert ("directive.exhortation", "请大家多到夜市走走。") in found
    assert not any(t.startswith("请看") for _, t in found)


def test_modal_near_miss_the_speakers_own_speech_act_and_hit_for_we():
    assert not has_modal(["我", "首先", "要", "感谢", "各位", "老师", "。"])
    assert not has_modal(["我", "现在", "还", "不能", "告诉", "你们", "。"])
    # hits: 我们 + 要 + speech verb exhorts a group; 我要 + another action is no speech act
    assert has_modal(["我们", "要", "告诉", "孩子们", "真相", "。"])
    assert has_modal(["你", "要", "告诉", "自己", "：", "别", "放弃", "。"])


def test_modal_near_miss_a_question_asks_and_hit_for_a_statement_before_its_semicolon():
    # near misses: a question with 要 or 不能 asks, it prescribes nothing
    assert _directives("标题\n\n译本早已通行，为什么还要重新翻译呢？", {
        "译本早已通行，为什么还要重新翻译呢？": ["译本", "早已", "通行", "，", "为什么", "还", "要", "重新", "翻译", "呢", "？"]}) == []
    assert _directives("标题\n\n这个城市到底要发展工业还是发展旅游？", {
        "这个城市到底要发展工业还是发展旅游？": ["这个", "城市", "到底", "要", "发展", "工业", "还是", "发展", "旅游", "？"]}) == []
    # hit: the statement before the semicolon prescribes, the question after it asks
    text = "我们不要把这当作笑话听；要想一想，换了你会怎样？"
    # (the rule reads the words of the part before the semicolon)
    found = _directives("标题\n\n" + text, {text.split("；")[0]: ["我们", "不要", "把", "这", "当作", "笑话", "听"]})
    assert found == [("directive.modal", text)]


def test_modal_near_misses_a_guess_an_intention_about_to_and_one_persons_will():
    # a guess about what will come, someone's stated or stubborn intention
    assert not has_modal(["这", "条", "路", "恐怕", "还", "要", "走", "很久", "。"])
    assert not has_modal(["对方", "声称", "要", "封锁", "港口", "。"])
    # 要 … 了 ending the clause: "about to"
    assert not has_modal(["再", "过", "几", "天", "就要", "开学", "了", "。"])
    # one person's wish, intention or inability
    assert not has_modal(["我", "就是", "要", "做", "给", "他们", "看看", "！"])
    assert not has_modal(["它", "不能", "产生", "新", "的", "东西", "。"])
    # hits: a group is told; one person demands something of an addressee; 其他 is no pronoun
    assert has_modal(["我们", "还", "要", "走", "很", "长", "的", "路", "。"])
    assert has_modal(["他", "要", "大家", "服从", "命令", "。"])
    assert has_modal(["其他", "地区", "也", "要", "加快", "发展", "。"])
    assert has_modal(["就要", "把", "工作", "做", "细", "。"])


def test_reported_near_miss_a_document_set_out_a_noun_phrase():
    assert _directives("标题\n\n《方案》提出了优化电网主网架，补齐结构短板的总体要求。", {}) == []
    hit = "标题\n\n《方案》提出，优化电网主网架，补齐结构短板。"
    assert [r for r, _ in _directives(hit, {})] == ["directive.reported"]


def test_older_prescriptive_forms_hit_and_their_look_alikes_miss():
    assert has_modal(["我们", "必得", "先", "把", "基础", "打", "好", "。"])
    assert has_modal(["青年", "不可不", "读书", "。"])
    assert has_modal(["此类", "问题", "宜", "从严", "处理", "。"])
    # near misses: 宜 inside a word, 不可 as a capability
    assert not has_modal(["这", "是", "一", "座", "宜居", "城市", "。"])
    assert not has_modal(["这种", "作用", "不可", "替代", "。"])
    # 非…不可 'must': a necessity; not 不可或缺 / 并非…不可
    assert _directives("标题\n\n这件事非改不可。", {}) == [("directive.necessity", "这件事非改不可。")]
    assert _directives("标题\n\n这种作用不可或缺。", {}) == []
    assert _directives("标题\n\n此事并非绝对不可。", {}) == []


def test_short_lead_near_miss_a_period_in_han_numerals_narrates():
    text = "标题\n\n引言。后文。\n\n一百年来，学校培养了一大批人才。后面还有展开的说明。"
    assert not any(t.startswith("一百年来") for _, _, t in units(text))
    # hit: a period that is no time span (一张清单…) and a 以来 frame of an era stay leads
    assert ("SUPPORT", "support.short_lead", "新时代以来，我国民营经济持续壮大。") in units(
        "标题\n\n引言。后文。\n\n新时代以来，我国民营经济持续壮大。后面还有展开的说明。")


# ---- issue 13: rule semantics that carry over to unseen genres (own examples) ------------------

def test_command_clause_opening_with_a_verb_that_is_also_an_adverb_or_with_a_manner_adverb():
    # 加快 / 统筹 are verbs too; 深入 / 及时 / 有序 open a predicate without a subject, whatever verb follows
    for hit in ("加快城乡融合发展，推动乡村全面振兴。", "统筹城乡规划，优化空间布局。",
                "深入研究新情况，及时提出新对策。", "推进产业转型升级，有序减量替代。"):
        assert is_imperative(hit, 0, len(hit)), hit
    # near misses: an adverb-looking word heading a noun phrase (积极性, 合理的), a subject before the adverb
    for miss in ("积极性普遍提高，群众得到实惠。", "合理的制度安排，保障了改革成功。",
                 "企业深入研究市场，产品不断升级。"):
        assert not is_imperative(miss, 0, len(miss)), miss


def test_bu_neng_segmented_apart_goes_through_the_same_tests_as_the_word_buneng():
    # one person's view or inability, whether pkuseg writes 不能 or 不/能
    assert not has_modal(["我", "想", "不", "能", "轻易", "下", "结论", "。"])
    assert not has_modal(["它", "不", "能", "产生", "效益", "，", "只能", "增加", "负担", "。"])
    assert not has_modal(["我", "想", "不能", "轻易", "下", "结论", "。"])
    # hits: a prohibition to us or to anyone, segmented either way
    assert has_modal(["我们", "不", "能", "忽视", "这", "一点", "。"])
    assert has_modal(["这", "一点", "不", "能", "忽视", "。"])
    # near misses kept: 能不能 asks, 能上不能下 pairs two abilities
    assert not has_modal(["能", "不", "能", "做到", "？"])
    assert not has_modal(["干部", "能", "上", "不", "能", "下", "。"])


def test_modal_clause_that_is_the_topic_of_a_later_evaluation_is_no_prescription():
    # 要…，还是/仍是 + a judgement: the 要-clause is the subject judged ("to do X is still a dream")
    assert not has_modal(["但", "要", "彻底", "解决", "这个", "问题", "，", "还是", "一个", "长期", "任务", "。"])
    assert not has_modal(["要", "实现", "这一", "目标", "，", "仍然是", "一", "项", "艰巨", "工作", "。"])
    # hit: 还是要 prescribes again
    assert has_modal(["要", "彻底", "解决", "问题", "，", "还是", "要", "靠", "改革", "。"])


def test_shang_before_a_positive_modal_still_prescribes_and_before_a_negation_is_inability():
    assert has_modal(["相关", "标准", "尚", "需", "完善", "。"])
    assert has_modal(["这项", "工作", "尚", "须", "加强", "。"])
    assert not has_modal(["现有", "技术", "尚", "不能", "满足", "需求", "。"])


def test_reported_near_miss_a_noun_yaoqiu_closing_a_clause_with_le():
    # 提出了…的总体要求，…举措: what a document set out, reported; 要求 is a noun there
    assert _directives("标题\n\n《方案》提出了完善电网的总体要求，优化主网架、补齐结构短板的举措。", {}) == []
    hit = "标题\n\n《方案》要求，优化电网主网架，补齐结构短板。"
    assert [r for r, _ in _directives(hit, {})] == ["directive.reported"]


def test_exhortation_near_miss_qing_inside_a_word_after_a_frame():
    assert _directives("标题\n\n在这种情况下，请愿人一般不愿走法律程序。", {}) == []
    assert _directives("标题\n\n战斗打响后，请战书雪片般飞来。", {}) == []
    assert [r for r, _ in _directives("标题\n\n在这种情况下，请大家保持冷静。", {})] == ["directive.exhortation"]


def test_short_attributed_quotation_heading_a_noun_is_a_term_unless_it_is_referred_back_to():
    # 提出“双碳”目标: the quotation modifies the noun right after it; a name, not someone's words
    assert quotes("党中央提出“双碳”目标以来，各地积极行动。") == []
    assert quotes("会议强调“六稳”工作要抓实。") == []
    # hits: a demonstrative or a noun of speech after it refers back to the words
    assert [q[0] for q in quotes("他引用杜勒斯所说“中立是不道德的”这句话。")] == ["中立是不道德的"]
    assert [q[0] for q in quotes("总书记强调“马上就办”。")] == ["马上就办"]


def test_resolve_or_plan_narrated_before_yao_is_no_prescription():
    # 决心要 / 立志要 / 发誓要: the subject's resolve, told; not a prescription to anyone
    assert not has_modal(["市长", "便", "决心", "要", "整顿", "市场", "。"])
    assert not has_modal(["许多", "青年", "立志", "要", "建设", "家乡", "。"])
    # hit: 要 + 下定决心 prescribes
    assert has_modal(["我们", "要", "下定", "决心", "推进", "改革", "。"])


def test_marker_clause_that_a_consequence_with_hui_follows_is_a_condition():
    # X 不能 Y，会 Z: "if X cannot Y, Z follows" — a condition and its consequence, nothing prescribed
    assert not has_modal(["工厂", "不能", "开工", "，", "会", "造成", "巨大", "损失", "。"])
    assert not has_modal(["企业", "要", "承担", "全部", "成本", "，", "就会", "失去", "竞争力", "。"])
    # hit: the consequence is a warning after 否则, the prohibition stands
    assert has_modal(["我们", "不能", "松懈", "，", "否则", "会", "前功尽弃", "。"])


def test_words_that_only_look_like_a_command_verb_or_a_preposition_open_no_command():
    # 以后 / 将来 / 用户 open with 以 / 将 / 用 but are a time word and a noun: a narration or a statement
    for miss in ("以后他还多次参加座谈会，并发表讲话，推动工会组织起来。", "将来大家会有更多选择，推动行业发展。",
                 "用户体验不断改善，推动产品升级。"):
        assert not is_imperative(miss, 0, len(miss)), miss
    # hits: the verb 用 / 将 and the preposition 以 still open commands and frames
    for hit in ("用好改革这个关键一招，推动高质量发展。", "以改革促发展，推动产业升级，完善治理体系。"):
        assert is_imperative(hit, 0, len(hit)), hit


def test_yao_bu_after_a_subject_is_yao_plus_a_negated_word_and_at_a_clause_start_is_or_else():
    # pkuseg writes 要不计得失 as 要不/计/得失: 要 + 不计, a prescription
    assert has_modal(["青年", "要不", "计", "得失", "，", "勇于", "担当", "。"])
    # near misses: the conjunction 要不 ("or else") at a clause's start or before 就/然
    assert not has_modal(["要不", "我们", "先", "走", "吧", "。"])
    assert not has_modal(["他", "要不", "就是", "忘", "了", "。"])


def test_short_lead_near_miss_words_reported_after_a_speech_verb_and_a_colon():
    intro = "标题\n\n引言段落很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长。后文。\n\n"
    miss = intro + "老校长接着说：我首先要感谢大家。后面还有展开的说明。"
    assert not [t for _, r, t in units(miss) if r == "support.short_lead"]
    # hit: a colon that announces the author's own point is no speech frame
    hit = intro + "改革的方向很明确：市场化。后面还有展开的说明。"
    assert ("SUPPORT", "support.short_lead", "改革的方向很明确：市场化。") in units(hit)


def test_reported_near_miss_a_negated_report_verb():
    # 没有(明确)要求 / 并未提出: it reports that nothing was prescribed
    assert _directives("标题\n\n该条款没有明确要求，加强入网检测。", {}) == []
    assert _directives("标题\n\n该法规并未要求各级政府加强监管。", {}) == []
    assert [r for r, _ in _directives("标题\n\n该条款明确要求，加强入网检测。", {})] == ["directive.reported"]


def test_imperative_near_miss_an_example_frame_describes_what_was_done_there():
    miss = "以德国为例，建立设备更新激励机制，完善技术创新支持体系。"
    assert not is_imperative(miss, 0, len(miss))
    hit = "以改革为动力，建立设备更新激励机制，完善技术创新支持体系。"
    assert is_imperative(hit, 0, len(hit))


def test_reported_requirement_of_an_addressee_with_a_short_modifier():
    assert [r for r, _ in _directives("标题\n\n他要求基层干部深入群众、倾听呼声。", {})] == ["directive.reported"]
    # near miss: 要求 as a noun (要求的…): what they asked for, no addressee told to act
    assert _directives("标题\n\n他们要求的待遇和干部一样。", {}) == []


def test_marker_whose_action_is_only_inside_the_quotation_after_it_is_no_directive():
    # with the quoted text removed no action remains after 要 (SCHEME: DIRECTIVE, reported prescriptions)
    text = "市长还提出要“保护好城市的天空”的号召。"
    assert _directives("标题\n\n" + text, {"市长还提出要": ["市长", "还", "提出", "要"]}) == []
    hit = "我们必须坚持“两个毫不动摇”。"
    assert _directives("标题\n\n" + hit, {"我们必须坚持": ["我们", "必须", "坚持"]}) == [("directive.modal", hit)]


def test_words_shouted_or_asked_aloud_are_attributed_and_a_term_is_not():
    assert [q[0] for q in quotes("冲锋时，连长高喊“跟我上”，战士们冲向阵地。")] == ["跟我上"]
    assert [q[0] for q in quotes("有的军官喊的是“给我上”。")] == ["给我上"]
    # near miss: a short quoted word without a verb of saying before it is a term
    assert quotes("他们搞的是“一言堂”，听不进意见。") == []


def test_support_question_lead_series_hit_and_lone_question_near_miss():
    """Paragraphs that open with a short question and answer it, two or more in a section: the
    questions are the article's points (SUPPORT); one such paragraph alone is a rhetorical
    question, and an interview's questions are its interviewer's turns."""
    series = ("标题\n\n引言一段，交代背景。再说一句。\n\n国家战略腹地为何建？这是实现高水平安全的应变之策。\n\n"
              "国家战略腹地建在哪？腹地主要指中西部内陆地区。\n\n国家战略腹地如何建？必须深入学习贯彻全会精神。\n")
    found = units(series)
    for q in ("国家战略腹地为何建？", "国家战略腹地建在哪？", "国家战略腹地如何建？"):
        assert ("SUPPORT", "support.question_lead", q) in found
    lone = ("标题\n\n引言一段，交代背景。再说一句。\n\n国家战略腹地为何建？这是实现高水平安全的应变之策。\n\n"
            "后面还有一段。再说一句。\n")
    assert "support.question_lead" not in rules_of(lone)
    # a question answered by another question is no point either (a chain of rhetorical questions)
    chain = series.replace("这是实现高水平安全的应变之策。", "难道不是为了安全吗？")
    assert "国家战略腹地为何建？" not in {t for _, r, t in units(chain) if r == "support.question_lead"}


def test_claim_conclusion_drawn_from_what_was_set_out_hit_and_frame_near_miss():
    """从以上…看出，… / 由此不难看出，…: a conclusion drawn from what came before (CLAIM); 从…角度看，
    frames a point of view and 从以上几个方面入手 a plan: neither concludes."""
    for first in ("从以上数字看出，301程序的作用更多的是体现在威胁上。", "由此不难看出，改革的方向是正确的。",
                  "从上述分析中可以看出，制度优势十分明显。"):
        assert ("CLAIM", "claim.conclusion", first) in units(f"标题\n\n一段话。还有一句。\n\n{first}后面还有一句。"), first
    for first in ("从这个角度看，改革的方向是正确的。", "从以上几个方面入手，推进制度建设。"):
        assert "claim.conclusion" not in rules_of(f"标题\n\n一段话。还有一句。\n\n{first}后面还有一句。"), first


def test_modal_near_misses_what_is_bound_to_happen_or_usually_happens_and_hit():
    """势必要/迟早要/难免要 predict what is bound to happen, 往往要 tells what usually happens:
    nobody is told to act. The same verbs after a plain 要 prescribe."""
    assert not has_modal(["这样", "下去", "，", "势必", "要", "付出", "沉重", "的", "代价", "。"])
    assert not has_modal(["历史", "迟早", "要", "作出", "结论", "。"])
    assert not has_modal(["这种", "做法", "难免", "要", "引起", "群众", "不满", "。"])
    assert not has_modal(["他们", "往往", "要", "等到", "问题", "成堆", "才", "动手", "。"])
    assert has_modal(["我们", "要", "作出", "结论", "。"])
    assert has_modal(["各地", "要", "及早", "付出", "努力", "。"])


def test_modal_near_misses_what_someone_wants_and_a_need_for_a_noun_phrase_and_hits():
    """要的是… names what someone wants; 需要 + a modifier with 的 (需要很大的勇气, 需要我们的支持) needs a
    noun phrase (SCHEME: 需要 prescribes only before an action). 需要把…的… and 需要有…的… are actions."""
    assert not has_modal(["香港人", "要", "的", "是", "真", "普选", "。"])
    assert not has_modal(["这", "需要", "很", "大", "的", "勇气", "。"])
    assert not has_modal(["改革", "需要", "我们", "的", "共同", "努力", "。"])
    assert has_modal(["我们", "需要", "把", "群众", "的", "利益", "放", "在", "首位", "。"])
    assert has_modal(["都", "需要", "有", "过硬", "的", "能力", "本领", "。"])
    assert has_modal(["需要", "进一步", "完善", "相关", "的", "制度", "。"])
    assert has_modal(["我们", "要", "讲", "真", "话", "。"])


def test_quote_saying_near_miss_a_slogan_naming_a_principle_and_hit():
    """A quoted slogan that names a principle or policy (遵循“谁干扰，谁治理”的原则) is a name used in
    the author's sentence, even with commas; the same clause standing as a saying is a QUOTE."""
    assert quotes("遵循“谁干扰，谁治理”的原则及时处理问题。") == []
    assert quotes("详细阐述政府“公私兼顾，劳资两利，发展生产，繁荣经济”的政策。") == []
    assert quotes("古人说得好，“谁干扰，谁治理”。") != []
    assert [r for _, _, r in quotes("他常说“谁干扰，谁治理”。")] == ["quote.attributed"]
    assert [r for _, _, r in quotes("这就是“谁干扰，谁治理”。")] == ["quote.saying"]


def test_modal_near_miss_zong_yao_what_is_bound_to_come():
    """总要/总是要: what is bound to come (这鞭子总要来), no prescription; 总 + a plain modal verb
    phrase elsewhere in the sentence still prescribes."""
    assert not has_modal(["这", "鞭子", "总", "要", "来", "，", "然而", "总", "要", "打到", "的", "。"])
    assert has_modal(["总", "的", "来说", "，", "我们", "要", "坚持", "改革", "。"])


def test_short_lead_hit_the_authors_opinion_and_near_miss_his_own_act():
    """我想，… / 我认为… opens the author's view of the matter: a point (SUPPORT 3); 我 + an act
    (我去过…, 我代表…) narrates and opens none."""
    body = "后面还有展开的说明。再说一句。"
    hit = f"标题\n\n引言一段，交代背景。再说一句。\n\n我想，中国的情况不太一样。{body}\n"
    assert ("SUPPORT", "support.short_lead", "我想，中国的情况不太一样。") in units(hit)
    miss = f"标题\n\n引言一段，交代背景。再说一句。\n\n我去过很多次延安。{body}\n"
    assert "support.short_lead" not in {r for _, r, t in units(miss) if t == "我去过很多次延安。"}


def test_modal_gai_should_after_an_adverb_and_bu_keyi_hits_and_demonstrative_near_miss():
    """该 "should" after an adverb (不该, 也该: segmented 不/该) and 不可以 "must not" prescribe;
    该 before a noun with no adverb is "the said" (该公司, 该条例), and 可以 alone permits."""
    assert has_modal(["政府", "不", "该", "再", "拖延", "改革", "。"])
    assert has_modal(["我们", "也", "该", "反思", "自己", "的", "责任", "。"])
    assert has_modal(["政府", "不", "可以", "漠视", "民意", "。"])
    assert not has_modal(["该", "条例", "已经", "通过", "。"])
    assert not has_modal(["该", "公司", "可以", "申请", "补贴", "。"])


def test_modal_recommendations_buru_bufang_hits_and_comparison_near_miss():
    """不妨…, 还不如/倒不如 + an action and 与其…，不如… recommend what to do (a DIRECTIVE);
    A 不如 B compares two things and prescribes nothing."""
    assert has_modal(["新闻", "封锁", "也", "难", "，", "还", "不如", "透明化", "一点", "。"])
    assert has_modal(["与其", "坐等", "，", "不如", "主动", "出击", "。"])
    assert has_modal(["我们", "不妨", "换", "个", "角度", "看", "问题", "。"])
    assert not has_modal(["情况", "并", "不如", "人们", "想象", "的", "那样", "。"])
    assert not has_modal(["我", "的", "成绩", "不如", "他", "。"])


def test_short_lead_near_miss_an_editorial_note_and_hit():
    """注：图片来自网络。 opening a paragraph is a note on the article (SCHEME: not annotated), not a
    point; a short first sentence without the label is a lead."""
    body = "后面还有展开的说明。再说一句。"
    miss = f"标题\n\n引言一段，交代背景。再说一句。\n\n注：图片来自网络。{body}\n"
    assert "support.short_lead" not in {r for _, r, t in units(miss) if t.startswith("注")}
    hit = f"标题\n\n引言一段，交代背景。再说一句。\n\n图片里的道理很深。{body}\n"
    assert ("SUPPORT", "support.short_lead", "图片里的道理很深。") in units(hit)


def test_modal_near_miss_a_passive_and_hit_with_us_as_its_subject():
    """A marker before 被 tells what happens to its subject (建议就不能被…否定掉), nobody is told to
    act; with us as the subject (我们不能被…吓倒) it prescribes."""
    assert not has_modal(["委员会", "的", "建议", "就", "不", "能", "被", "一个", "成员国", "否定", "掉", "。"])
    assert not has_modal(["你", "的", "党籍", "要", "被", "开除", "。"])
    assert has_modal(["我们", "不能", "被", "困难", "吓倒", "。"])


def test_modal_near_miss_what_a_notion_comprises_and_hit():
    """应包括/应该包含 says what a notion comprises (现代化应包括政治、经济…): no action is prescribed;
    应 + an action still prescribes."""
    assert not has_modal(["现代化", "应", "包括", "政治", "、", "经济", "、", "文化", "诸多", "方面", "。"])
    assert has_modal(["现代化", "应", "兼顾", "政治", "、", "经济", "、", "文化", "诸多", "方面", "。"])


def test_modal_near_miss_the_consequence_after_otherwise_and_hit():
    """否则 + a marker states the consequence of not acting (否则不能解释…, 否则就要落后): a warning;
    the prescription itself (我们要改革) is the DIRECTIVE."""
    assert not has_modal(["否则", "不", "能", "解释", "这种", "现象", "。"])
    assert not has_modal(["否则", "就", "要", "落后", "。"])
    assert has_modal(["我们", "要", "改革", "，", "否则", "就", "要", "落后", "。"])


def test_modal_hit_before_an_interjection_yes_and_subject_clause_near_miss():
    """是的，… opening the next clause is "yes", not the predicate 是 that makes the marker's clause
    a subject: 言论应当更加自由；是的，… prescribes; 必须坚持人民至上，是… still does not."""
    assert has_modal(["言论", "应当", "更加", "自由", "；", "是的", "，", "工作", "无分", "高下", "。"])
    assert not has_modal(["必须", "坚持", "人民", "至上", "，", "是", "该", "思想", "的", "重要", "内容", "。"])


def test_some_of_a_group_failing_is_a_list_of_shortcomings_not_a_prescription():
    # near miss: 有的/有些 as the subject of the sentence part (back to its ；): they fail to, nobody is told to
    assert not has_modal(["比如", "，", "有的", "干部", "只", "讲", "小集体", "，", "不能", "很好", "地", "观照", "全局", "；"])
    assert not has_modal(["有些", "地方", "对", "决策", "部署", "搞", "选择性", "落实", "，", "不能", "一以贯之", "。"])
    # hits: another part of the sentence, or 我们 among them, still prescribes
    assert has_modal(["有的", "干部", "只", "讲", "小集体", "；", "我们", "要", "观照", "全局", "。"])
    assert has_modal(["有的", "同志", "说", "，", "我们", "必须", "观照", "全局", "。"])


def test_should_be_rhetorical_why_and_want_what_are_no_prescription_and_spoken_forms_are():
    # near misses: 应该是 / 就该是 (what something is supposed to be), 干嘛要 (a rhetorical why), 要什么 (want what)
    assert not has_modal(["知识分子", "应该", "是", "在", "大学", "供职", "的", "人", "。"])
    assert not has_modal(["就", "该", "是", "这样", "的", "。"])
    assert not has_modal(["北京", "的", "女孩子", "，", "干嘛", "要", "用", "鼻子", "说话", "！"])
    assert not has_modal(["你", "要", "什么", "我", "做", "什么", "。"])
    assert not has_modal(["该", "公司", "不", "符合", "条件", "。"])            # 该 + a noun: "the said"
    assert not has_modal(["别人", "都", "这样", "做", "。"])
    # hits: 应该 + an action, the addressees + 该, and 别 / 可别 forbidding
    assert has_modal(["我们", "应该", "坚持", "原则", "。"])
    assert has_modal(["我们", "该", "攒着", "，", "见到", "那种", "人", "再", "说", "。"])
    assert has_modal(["咱们", "可别", "讲出", "这种", "话", "来", "。"])
    assert has_modal(["别", "活着", "现眼", "。"])


def test_cannot_beside_an_inability_and_need_with_cai_state_no_duty_with_near_misses():
    # coordinated with 无法 in its sentence: what something cannot do
    assert not has_modal(["益生菌", "无法", "杀灭", "细菌", "，", "不能", "替代", "抗生素", "。"])
    assert has_modal(["我们", "不能", "放松", "警惕", "。"])
    assert has_modal(["这个", "问题", "无法", "回避", "。", "我们", "不能", "回避", "。"])   # another sentence
    # 需 … 才 in one clause: a necessary condition
    assert not has_modal(["需", "每天", "服用", "数斤", "才", "可能", "见效", "。"])
    assert has_modal(["需要", "加强", "监管", "，", "才能", "见效", "。"])               # 才 in the next clause


def test_claims_voiced_and_so_called_after_the_one_who_says_it_with_near_misses():
    assert quotes("美国部分政客声称“中国新能源产能过剩”，其实是市场有需求。") == [
        ("中国新能源产能过剩", "美国部分政客", "quote.attributed")]
    got = quotes("美国一些政客所谓“中国产能过剩威胁其他国家产业发展”“给国际市场带来灾难”等言论，站不住脚。")
    assert [q[0] for q in got] == ["中国产能过剩威胁其他国家产业发展", "给国际市场带来灾难"]
    # 所谓 with nobody before it names; so does a short term after someone's 所谓
    assert quotes("所谓“卡脖子技术”，就是关键核心技术。") == []
    assert quotes("这就是所谓“灯下黑”现象的由来，值得警惕。") == []
    assert quotes("西方所谓“民主”并不民主。") == []


def test_a_modal_in_the_clause_of_a_verb_of_consequence_describes_with_a_near_miss():
    assert not has_modal(["贸易战", "导致", "美国", "家庭", "每年", "要", "多", "支出", "831", "美元", "。"])
    assert has_modal(["这", "导致", "了", "问题", "，", "我们", "要", "解决", "它", "。"])   # another clause


def test_conditions_depends_on_evaluations_and_narrated_proposals_are_no_prescriptions_with_near_misses():
    # a marker in a condition, before its consequence
    assert not has_modal(["如果", "我们", "不能", "坚持", "改革", "，", "就", "会", "落后", "。"])
    assert has_modal(["如果", "要", "发展", "，", "就", "必须", "坚持", "创新", "。"])      # the consequence prescribes
    assert has_modal(["一旦", "发生", "险情", "，", "要", "第一", "时间", "报告", "。"])    # its own clause
    # 要看 + an A-not-A question: it depends on
    assert not has_modal(["罪名", "，", "要", "看", "他", "有没有", "理由", "这样", "做", "。"])
    assert has_modal(["要", "看", "到", "成绩", "，", "也", "要", "看", "到", "问题", "。"])
    # 不能令人满意: an evaluation
    assert not has_modal(["结论", "不", "能", "令", "人", "满意", "。"])
    assert has_modal(["我们", "不", "能", "让", "人民", "失望", "。"])
    # 曾提出要…: a proposal narrated
    assert not has_modal(["冯友兰", "先生", "曾", "提出", "要", "修改", "自己", "的", "书", "。"])
    assert has_modal(["我们", "提出", "要", "修改", "这", "本", "书", "。"])
    # a clause that 这 then evaluates is its topic
    assert not has_modal(["不过", "，", "要", "旌表", "一个", "戏中人", "，", "这", "可", "太", "古怪", "了", "。"])
    assert has_modal(["要", "坚持", "改革", "，", "这样", "才能", "发展", "。"])


def test_so_called_after_a_verb_names_a_term_however_long():
    assert quotes("从市场需求看，都不存在所谓“中国新能源产能过剩”问题。") == []
    assert quotes("一些政客抛出所谓的“中国新能源产能过剩论”，混淆视听。") == []


def test_a_short_first_sentence_reporting_a_counted_figure_is_no_lead_with_a_near_miss():
    rest = "消息一出，市场振奋。各方反应积极。"
    assert not any(t.startswith("上次会议部署") for _, _, t in units(f"标题\n\n上次会议部署6方面33项措施。{rest}"))
    assert ("SUPPORT", "support.short_lead", "稳经济政策贵在落实。") in units(f"标题\n\n稳经济政策贵在落实。{rest}")


def test_should_before_a_negated_copula_or_a_future_is_a_guess_not_a_prescription():
    # near misses: 应该不是… / 应该不会… / 应该会…: "probably (not)"
    assert not has_modal(["从", "反应", "来", "看", "，", "应该", "不", "是", "无中生有", "。"])
    assert not has_modal(["这", "件", "事", "应该", "不会", "再", "发生", "了", "。"])
    assert not has_modal(["明年", "的", "增速", "应该", "会", "回升", "。"])
    # hits: 应该 + an action, and 应当会同 (会同 "jointly with" is another word)
    assert has_modal(["我们", "应该", "不", "断", "改进", "工作", "。"]) or has_modal(["我们", "应该", "改进", "工作", "。"])
    assert has_modal(["各地", "应当", "会同", "有关", "部门", "制定", "办法", "。"])


def test_quotation_marks_printed_the_wrong_way_or_mistyped_and_empty_quotations():
    # marks the wrong way round around a short phrase pair as one quotation (a term here), and the
    # opening mark after it no longer quotes to the paragraph's end
    from annotate.rules.text import find_quotation_marks
    text = "性侵事件中的”舆论审判“是多么的没有牙齿。他说：“我们要改。”"
    got = [text[s:e] for s, e, _ in find_quotation_marks(text, 0, len(text))]
    assert got == ["舆论审判", "我们要改。"]
    text = "该词汇的全称是”Führer und Reichskanzler“）——纳粹以这个词汇来体现希特勒的绝对权威。"
    assert [text[s:e] for s, e, _ in find_quotation_marks(text, 0, len(text))] == ["Führer und Reichskanzler"]
    # an opening mark before 的 closes the quotation it ends (“牙齿“的): no quotation runs on
    text = "舆论审判是没有“牙齿“的。刑事诉讼的背后是国家公权力，“法律是底线。”"
    got = [text[s:e] for s, e, _ in find_quotation_marks(text, 0, len(text))]
    assert got == ["牙齿", "法律是底线。"]
    # near miss: a real nested quotation stays inside the outer one
    text = "他说：“你们记住“实事求是”四个字。”"
    assert [text[s:e] for s, e, _ in find_quotation_marks(text, 0, len(text))] == ["你们记住“实事求是”四个字。"]
    # no word between the marks, or only a pattern with ellipses: no QUOTE
    assert quotes("他说了一个“。”就走了。") == []
    assert quotes("我们不得不作出“既要……又要……”的选择。") == []
    assert quotes("古人说：“学而不思则罔……”") != []


def test_an_epistemic_hedge_and_a_topic_say_are_no_prescription_and_need_not_is():
    assert not has_modal(["但", "至少", "有", "一点", "不能", "否认", "，", "很多", "行为", "内含", "了", "承认", "。"])
    assert not has_modal(["他", "乱瞅", "人家", "，", "但", "要", "说", "这", "就是", "流氓", "，", "好像", "还", "差点", "劲儿", "。"])
    assert not has_modal(["普通人", "不再", "需要", "通过", "大众", "媒体", "。"])
    assert not has_modal(["舆论", "审判", "比", "法律", "审判", "要", "更加", "不", "严谨", "、", "更加", "情绪化", "。"])
    # hits: 不必 "need not", 我们要说真话, 不能否定 an achievement is still a prohibition
    assert has_modal(["我们", "不必", "夸大", "这种", "问题", "。"])
    assert has_modal(["我们", "要", "说", "真话", "。"])
    assert has_modal(["我们", "不能", "否定", "改革", "的", "成就", "。"])


def test_mind_you_an_example_frame_alone_and_an_informal_first_person_are_no_prescription():
    assert not has_modal(["要", "知道", "，", "这", "份", "报纸", "是", "党报", "。"])
    assert not has_modal(["俺", "要", "稍微", "唱", "一下", "反调", "。"])
    assert not is_imperative("以明朝开国皇帝朱元璋为例。", 0, len("以明朝开国皇帝朱元璋为例。"))
    # hits: 要知道 + an object is knowing prescribed; 俺们 (plural) prescribes as 我们 does
    assert has_modal(["我们", "要", "知道", "国情", "。"])
    assert has_modal(["俺们", "要", "团结", "。"])


def test_needless_prescribes_and_potential_complements_embedded_questions_and_attainment_do_not():
    # 没必要 / 没有必要 / 无必要 + an action: what need not be done, as 不必
    assert has_modal(["所以", "没", "必要", "在", "美国", "餐厅", "战战兢兢"])
    assert has_modal(["更", "无", "必要", "动用", "刑罚", "。"])
    # near misses: asked (有没有必要), alone (完全没必要。)
    assert not has_modal(["有", "没有", "必要", "爱", "政府"])
    assert not has_modal(["俺", "觉得", "完全", "没", "必要", "。"])
    # a verb + 不得 is "cannot" (容不得, 算不得); 不得 after a subject prohibits
    assert not has_modal(["轨道", "基座", "建", "在", "岩石", "上", "，", "容", "不得", "半点", "波动", "。"])
    assert not has_modal(["实在", "算", "不得", "是", "理性", "的", "选择", "。"])
    assert has_modal(["任何", "人", "不得", "擅自", "改变", "。"])
    # a marker before a question word in a statement: an embedded question
    assert not has_modal(["他", "就", "知道", "以后", "应该", "怎么", "做", "了", "。"])
    assert not has_modal(["我", "最", "关心", "他", "是", "要", "干", "什么", "。"])
    assert has_modal(["我们", "应该", "做", "好", "工作", "。"])
    # 不能 + a verb of attaining: an inability; 不能 + a chosen act: a prohibition
    assert not has_modal(["法律", "体系", "也", "不能", "解决", "一切", "问题", "。"])
    assert has_modal(["我们", "不能", "放松", "警惕", "。"])
    # 要知道 opening its sentence, with no comma, is "mind you" too
    assert not has_modal(["要", "知道", "半夜", "的", "时候", "路上", "几乎", "没有", "车", "的", "！"])


def test_degree_if_if_you_ask_me_let_alone_embedded_questions_and_others_will_do_not_prescribe():
    # 要 + a predicate + a degree complement: a comparison with its 比 left out
    assert not has_modal(["负担", "就", "要", "少", "得", "多", "，", "火气", "也", "就", "要", "小", "得", "多", "。"])
    assert not has_modal(["而且", "，", "要", "我", "说", "前者", "还", "要", "更", "糟糕", "一些", "。"])
    assert not has_modal(["要", "维护", "的话", "，", "东西", "太", "多", "了", "。"])
    assert not has_modal(["更", "不要", "说", "和", "谁", "长久", "在", "一起", "了", "。"])
    assert not has_modal(["不", "知道", "生命", "应该", "向", "何处", "去", "。"])
    assert not has_modal(["时间", "他们", "要", "用", "去", "参加", "培训班", "。"])
    # someone's insistence (非要…不可, 硬是要…) and 要和X比 ("if one compares with X")
    assert not has_modal(["咱们", "又", "接受", "不", "了", "，", "非", "要", "有点", "特色", "不可", "。"])
    assert not has_modal(["原理", "，", "硬是", "要", "用", "图灵机", "搞", "得", "复杂", "。"])
    assert not has_modal(["要", "和", "林彪", "比", "滑头", "，", "大伙", "都", "比", "不过", "。"])
    assert has_modal(["我们", "要", "和", "群众", "打成一片", "。"])
    # near misses: 要更加 + an action, 思考如何 after the marker, 他们应该, 不要说空话 prescribe
    assert has_modal(["我们", "要", "更加", "努力", "。"])
    assert has_modal(["我们", "要", "思考", "如何", "应对", "挑战", "。"])
    assert has_modal(["他们", "应该", "承担", "责任", "。"])
    assert has_modal(["不要", "说", "空话", "。"])


def test_a_block_without_han_is_no_unit(nlp):
    from annotate.pipeline import SPANS_KEY, annotate_document
    from annotate.sources import read_string

    def spans(md):
        (document,) = read_string(md, "t.md")
        doc = annotate_document(nlp, document)
        return [s.text for s in doc.spans[SPANS_KEY]]
    # (an image prompt in bold after a credit: no bold lead)
    assert not [t for t in spans("# 标题\n\n开头一段。说明问题。\n\n**Cinematic photography, muted tones.** More words.\n\n"
                                 "第二段。这里说明。\n") if "Cinematic" in t]
    # near miss: the same paragraph with Han text is a lead
    assert [t for t in spans("# 标题\n\n开头一段。说明问题。\n\n**电影摄影的色调。** 还有更多的话。\n\n第二段。这里说明。\n")
            if t.startswith("电影摄影")]


def _pipeline_spans(nlp, body):
    from annotate.pipeline import SPANS_KEY, annotate_document
    from annotate.sources import read_string
    (document,) = read_string("标题\n\n" + body, "t.txt")
    doc = annotate_document(nlp, document)
    return [s for s in doc.spans[SPANS_KEY] if s.label_ != "CLAIM" or s.id_ != "claim.title"]


def directives_of(nlp, body):
    return [s.text for s in _pipeline_spans(nlp, body) if s.label_ == "DIRECTIVE"]


def labels_of(nlp, body):
    return [s.label_ for s in _pipeline_spans(nlp, body) if s.label_ in ("DIRECTIVE", "CLAIM", "SUPPORT")]


def test_presumably_naming_a_titles_words_and_asked_necessity_prescribe_nothing(nlp):
    # 应该都晓得 (the marker before 都 + a cognition verb): "presumably"; 都应该知道 still prescribes
    assert not has_modal(["大伙儿", "应该", "都", "晓得", "，", "俺", "就", "不", "解释", "啦", "。"])
    assert has_modal(["大家", "都", "应该", "知道", "这", "一", "点", "。"])
    # 不妨称之为…: the author's naming; 不妨 + another action still recommends
    assert not has_modal(["咱们", "不妨", "称之为", "阶级", "一元论", "。"])
    assert has_modal(["咱们", "不妨", "换", "个", "角度", "想", "想", "。"])
    # a modal inside a title in 《…》 is the title's, not the author's
    text = "上星期，《辽宁日报》发了那篇《老师，请不要这样讲中国》。\n\n我们不要这样讲。"
    assert directives_of(nlp, text) == ["我们不要这样讲。"]
    # a necessity frame asked about, or 关键在于 + a statement
    assert labels_of(nlp, "但是，有没有必要爱政府呢？") == []
    assert labels_of(nlp, "这三种政权能够作恶，关键在于：有一大堆狂热民众的支持。") == []
    assert labels_of(nlp, "当前，关键在于加快改革。") == ["DIRECTIVE"]
    # 请注意，… / 请注意：… before a fact is "note that"; 请注意安全 asks
    assert labels_of(nlp, "请注意，这是他在会议上的讲话。") == []
    assert labels_of(nlp, "请注意安全，不要靠近水边。") == ["DIRECTIVE"]


def test_short_lead_near_misses_an_essays_turns_asides_and_others_views():
    for opening in ("反之，官员的影响力很难跨层次。", "至于宗教极端主义，前文已经谈过。", "顺便说一下：这也是一种反生产力。",
                    "上个月，这个名字迅速走红。", "在希特勒看来，其他民族都是劣等民族。", "按照他们的说法：自己人是兄弟。"):
        text = "标题\n\n" + opening + "后面的句子展开说明这一点。还有一句。"
        assert not any(t == opening for _, _, t in units(text)), opening
    # hits: the author's own view (在我看来，…) and a plain point still lead
    text = "标题\n\n在我看来，舆论审判有其意义。后面的句子展开说明这一点。还有一句。"
    assert ("SUPPORT", "support.short_lead", "在我看来，舆论审判有其意义。") in units(text)


def test_a_modal_pseudo_cleft_prescribes_unless_its_verb_is_a_remark_or_a_feeling():
    assert has_modal(["需要", "反思", "的", "是", "深层", "阻力", "何在", "。"])
    assert has_modal(["我们", "需要", "想", "清楚", "的", "是", "，", "喊打喊杀", "有", "何", "用", "。"])
    assert has_modal(["需要", "重点", "争取", "的", "，", "是", "另外", "一些", "人", "。"])
    # near misses: a remark, a feeling, a noun phrase
    assert not has_modal(["需要", "指出", "的", "是", "，", "产能", "不是", "产品", "。"])
    assert not has_modal(["应该", "庆幸", "的", "是", "，", "我们", "还", "有", "自由", "。"])
    assert not has_modal(["这", "是", "我们", "需要", "的", "东西", "。"])
