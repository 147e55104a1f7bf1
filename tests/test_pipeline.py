"""The spaCy side and the task JSON: exact Label Studio regions, offsets, rule ids."""
from __future__ import annotations

import json

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotate.document import Block, Document
from annotate.pipeline import PIPES, SPANS_KEY, add_argument_pipes, annotate_document
from annotate.tasks import model_version, to_task
from annotate.validate import validate_task


def make_document(paragraphs: list[str], title="大力推进科技创新", bold_first=False, kind="article") -> Document:
    text, blocks = title, [Block("title", 0, len(title), 1)]
    for i, p in enumerate(paragraphs):
        text += "\n\n"
        start = len(text)
        text += p
        bold = [(start, start + p.index("。") + 1)] if bold_first and "。" in p else []
        blocks.append(Block("paragraph", start, len(text), i + 3, bold))
    return Document(text=text, source="t.md", path="t.md", kind=kind, title=title,
                    blocks=blocks, line_map=[(b.start, b.line) for b in blocks])


def test_factories_work_in_any_spacy_pipeline():
    nlp = spacy.blank("zh")  # the default character segmenter: no model needed
    for name in PIPES:
        nlp.add_pipe(name)
    doc = nlp("新质生产力\n\n习近平总书记指出：“要牢牢把握高质量发展这个首要任务。”这为我们提供了指引。")
    spans = {(s.label_, s.text, s.id_) for s in doc.spans[SPANS_KEY]}
    assert ("CLAIM", "新质生产力", "claim.title") in spans
    assert ("QUOTE", "要牢牢把握高质量发展这个首要任务。", "quote.attributed") in spans
    quote = [s for s in doc.spans[SPANS_KEY] if s.label_ == "QUOTE"][0]
    assert quote._.speaker == "习近平总书记" and quote._.rule == "quote.attributed"


def test_rules_switched_off_in_the_components_config():
    nlp = spacy.blank("zh")
    nlp.add_pipe("argument_quotes", config={"disabled": ["quote.attributed"]})
    for name in PIPES[1:]:
        nlp.add_pipe(name, config={"disabled": ["claim.title"]})
    doc = nlp("新质生产力\n\n习近平总书记指出：“要牢牢把握高质量发展这个首要任务。”这为我们提供了指引。")
    rules = {s.id_ for s in doc.spans[SPANS_KEY]}
    assert "quote.attributed" not in rules and "claim.title" not in rules
    with pytest.raises(ValueError, match="unknown rule"):
        spacy.blank("zh").add_pipe("argument_units", config={"disabled": ["claim.nope"]})


def test_model_version_names_the_rules_switched_off():
    """Different rules on, different spans: the task's model_version must differ too."""
    from annotate.pipeline import pipeline_disabled

    text = "新质生产力\n\n习近平总书记指出：“要牢牢把握高质量发展这个首要任务。”这为我们提供了指引。"
    document = Document(text=text, source="t.md", path="t.md", kind="article", title="新质生产力",
                        blocks=[Block("title", 0, 5, 1), Block("paragraph", 7, len(text), 3)],
                        line_map=[(0, 1), (7, 3)])
    versions = {}
    for off in ((), ("quote.attributed", "claim.title"), ("claim.title", "quote.attributed")):
        nlp = spacy.blank("zh")
        for name in PIPES:
            nlp.add_pipe(name, config={"disabled": list(off)})
        assert pipeline_disabled(nlp) == tuple(sorted(off))
        versions[off] = to_task(document, nlp(text))["predictions"][0]["model_version"]
    assert versions[()] == model_version()
    assert versions[("quote.attributed", "claim.title")] == model_version(["quote.attributed", "claim.title"])
    assert versions[("quote.attributed", "claim.title")] != model_version()
    # the same set in any order is the same version
    assert versions[("quote.attributed", "claim.title")] == versions[("claim.title", "quote.attributed")]
    assert "claim.title" in versions[("claim.title", "quote.attributed")]


def test_factories_declare_what_they_assign_and_require():
    from spacy.language import Language

    meta = Language.get_factory_meta("argument_relations")
    assert "doc._.argument_relations" in meta.assigns and "doc.spans" in meta.requires
    assert "span._.speaker" in Language.get_factory_meta("argument_quotes").assigns
    nlp = spacy.blank("zh")
    for name in PIPES:
        nlp.add_pipe(name)
    assert not any(nlp.analyze_pipes(pretty=False)["problems"].values())  # each finds what it requires


@pytest.mark.model
def test_task_json_is_exact(nlp):
    document = make_document(["加强基础研究。我们要从源头解决关键技术问题，习近平总书记指出：“要坚持创新。”"], bold_first=True)
    task = to_task(document, annotate_document(nlp, document))
    text = document.text
    assert task["data"]["text"] == text and task["data"]["doc_id"] == document.doc_id
    (pred,) = task["predictions"]
    assert pred["model_version"] == model_version()
    regions = [(r["type"], r["value"].get("labels"), r["value"].get("text"), r.get("meta")) for r in pred["result"] if r["type"] != "relation"]
    assert regions == [
        ("labels", ["CLAIM"], "大力推进科技创新", {"text": ["rule: claim.title"]}),
        ("labels", ["SUPPORT"], "加强基础研究。", {"text": ["rule: support.bold_lead"]}),
        ("labels", ["DIRECTIVE"], "我们要从源头解决关键技术问题，习近平总书记指出：“要坚持创新。”", {"text": ["rule: directive.modal"]}),
        ("labels", ["QUOTE"], "要坚持创新。", {"text": ["rule: quote.attributed"]}),
        ("textarea", None, ["习近平总书记"], None),
    ]
    ids = {r["value"]["text"]: r["id"] for r in pred["result"] if r["type"] == "labels"}
    quote_region = [r for r in pred["result"] if r["type"] == "labels" and r["value"]["labels"] == ["QUOTE"]][0]
    speaker = [r for r in pred["result"] if r["type"] == "textarea"][0]
    assert speaker["id"] == quote_region["id"] and speaker["from_name"] == "speaker"
    assert speaker["value"]["start"] == quote_region["value"]["start"]
    relations = [r for r in pred["result"] if r["type"] == "relation"]
    assert relations == [{"type": "relation", "from_id": ids["加强基础研究。"], "to_id": ids["大力推进科技创新"],
                          "direction": "right", "labels": ["supports"]}]
    for r in pred["result"]:
        if r["type"] == "labels":
            v = r["value"]
            assert text[v["start"]:v["end"]] == v["text"]
            assert r["from_name"] == "label" and r["to_name"] == "text"
    assert validate_task(task) == []
    json.dumps(task, ensure_ascii=False)


@pytest.mark.model
def test_offsets_are_code_points_outside_the_bmp(nlp):
    document = make_document(["𠮷𠮷𠮷习近平总书记强调：“𠮷要坚持从实际出发。”我们必须𠮷因地制宜。"], title="𠮷新质生产力")
    task = to_task(document, annotate_document(nlp, document))
    text = task["data"]["text"]
    labels = [r for r in task["predictions"][0]["result"] if r["type"] == "labels"]
    assert {r["value"]["text"] for r in labels} >= {"𠮷新质生产力", "𠮷要坚持从实际出发。", "我们必须𠮷因地制宜。"}
    for r in labels:
        assert text[r["value"]["start"]:r["value"]["end"]] == r["value"]["text"]


@pytest.mark.model
def test_fragment_spans_support_nothing(nlp):
    document = make_document(["加强基础研究。原创性创新是科技创新的源头，要加强。"], bold_first=True, kind="fragment")
    task = to_task(document, annotate_document(nlp, document))
    assert not [r for r in task["predictions"][0]["result"] if r["type"] == "relation"]


def test_validate_task_reports_bad_regions():
    data = {"text": "一二三", "doc_id": "d", "title": "", "authors": "", "source": "s.md"}
    task = {"data": data, "predictions": [{"model_version": "v", "result": [
        {"id": "a", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 0, "end": 2, "text": "一三", "labels": ["CLAIM"]}},
        {"id": "b", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 1, "end": 9, "text": "x", "labels": ["CLAIM"]}},
        {"id": "c", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 0, "end": 1, "text": "一", "labels": ["THESIS"]}},
        {"type": "relation", "from_id": "a", "to_id": "zz", "labels": ["supports"]}]}]}
    problems = validate_task(task)
    assert len(problems) == 4
    assert "!= text[0:2]" in problems[0] and "outside 0..3" in problems[1]
    assert "not in the scheme" in problems[2] and "no region zz" in problems[3]


_sentence = st.text(alphabet=st.sampled_from(list("要必须重要我们发展新质生产力𠮷“”，。") + ["\n"]), min_size=1, max_size=40)


@pytest.mark.model
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(paragraphs=st.lists(_sentence.map(lambda s: s.replace("\n", "").strip() or "要"), min_size=1, max_size=4))
def test_every_region_slices_back_and_lazy_equals_full(nlp, paragraphs):
    document = make_document(paragraphs, bold_first=True)
    lazy = to_task(document, annotate_document(nlp, document))
    full = to_task(document, annotate_document(nlp, document, full_segmentation=True))
    assert lazy == full
    assert validate_task(lazy) == []


@pytest.mark.model
def test_annotated_doc_round_trips_through_bytes(nlp):
    from spacy.tokens import Doc

    document = make_document(["加强基础研究。我们要从源头解决关键技术问题。"], bold_first=True)
    doc = annotate_document(nlp, document)
    again = Doc(nlp.vocab).from_bytes(doc.to_bytes())
    assert [(s.label_, s.text, s.id_) for s in again.spans[SPANS_KEY]] == [(s.label_, s.text, s.id_) for s in doc.spans[SPANS_KEY]]


def test_docs_spacy_example_runs(capsys):
    import re
    from pathlib import Path

    page = (Path(__file__).resolve().parents[1] / "docs" / "rules.md").read_text(encoding="utf-8")
    section = page.split("### The spaCy components", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    exec(compile(code, "docs/rules.md", "exec"), {})
    out = capsys.readouterr().out
    assert "CLAIM claim.title" in out and "QUOTE quote.attributed 习近平总书记" in out


def test_prelabel_refuses_an_unknown_rule_id_before_loading_anything(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    proc = subprocess.run([sys.executable, "-m", "annotate", "prelabel", str(repo / "corpus"), "-o",
                           str(tmp_path / "out.json"), "--disable-rule", "claim.nope"],
                          cwd=repo, capture_output=True, text=True)
    assert proc.returncode == 2 and "claim.nope" in proc.stderr
    assert not (tmp_path / "out.json").exists()
