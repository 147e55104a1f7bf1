"""End to end on hand-checked articles in every input format, with and without bold leads.

tests/fixtures/articles/ holds short commentary articles written for these tests
(not the seed): plain text with 一、/（一） headings and 一是… enumerations, a
GB18030 plain-text 评论员 piece with no headings or bold, HTML with <strong> leads
and 黑体 headings, Markdown with a column tag in the title, bold-only headings
and 首先/其次/最后. tests/fixtures/articles.expected.jsonl is their annotation in
the gold format of SCHEME.md, checked by hand against the scheme.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotate.pipeline import annotate_document
from annotate.sources import iter_source_files, read_file
from annotate.tasks import to_task
from annotate.validate import validate_task

FIXTURES = Path(__file__).parent / "fixtures"
EXPECTED = {
    obj["file"]: obj
    for obj in map(json.loads, (FIXTURES / "articles.expected.jsonl").read_text(encoding="utf-8").splitlines())
}


def annotations(task: dict) -> dict:
    result = task["predictions"][0]["result"]
    labels = [r for r in result if r["type"] == "labels"]
    index = {r["id"]: i for i, r in enumerate(labels)}
    speakers = {r["id"]: r["value"]["text"][0] for r in result if r["type"] == "textarea"}
    return {
        "spans": [{"label": r["value"]["labels"][0], "text": r["value"]["text"], "speaker": speakers.get(r["id"])}
                  for r in labels],
        "relations": [(index[r["from_id"]], index[r["to_id"]]) for r in result if r["type"] == "relation"],
    }


@pytest.mark.model
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_article_is_annotated_as_expected(nlp, name):
    (document,) = read_file(FIXTURES / "articles" / name)
    task = to_task(document, annotate_document(nlp, document))
    assert validate_task(task) == []
    got = annotations(task)
    want = EXPECTED[name]
    assert got["spans"] == want["spans"]
    assert got["relations"] == [(r["from"], r["to"]) for r in want["relations"]]


def test_every_fixture_has_an_expectation():
    assert {p.name for p in iter_source_files([FIXTURES / "articles"])} == set(EXPECTED)


def _seed_as(fmt: str, tmp_path: Path) -> Path:
    """The seed corpus document rewritten as HTML (<h1>/<h2>/<strong>) or as bare GB18030 text."""
    import html
    import re

    body = (FIXTURES.parent.parent / "corpus" / "000_02b36b855911883c.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    if fmt == "html":
        out = ["<html><head><meta charset='utf-8'></head><body>"]
        for line in filter(None, (l.strip() for l in body.split("\n"))):
            m = re.match(r"^(#+)\s*(.*)", line)
            if m:
                out.append(f"<h{len(m.group(1))}>{html.escape(m.group(2))}</h{len(m.group(1))}>")
            else:
                out.append("<p>&nbsp;&nbsp;" + re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html.escape(line)) + "</p>")
        path = tmp_path / "000_02b36b855911883c.txt.html"
        path.write_text("\n".join(out + ["</body></html>"]), encoding="utf-8")
    else:
        text = re.sub(r"^#+\s*", "", body, flags=re.M).replace("**", "")
        path = tmp_path / "000_02b36b855911883c.txt"
        path.write_bytes(text.replace("\n", "\r\n").encode("gb18030"))
    return path


@pytest.mark.model
@pytest.mark.parametrize("fmt, floor", [("html", 0.99), ("txt", 0.95)])
def test_seed_in_other_formats_scores_against_gold(nlp, tmp_path, fmt, floor):
    from annotate.evaluate import evaluate, load_gold, pred_docs

    gold = load_gold([FIXTURES.parent.parent / "gold" / "seed.gold.jsonl"])
    tasks = []
    for document in read_file(_seed_as(fmt, tmp_path)):
        document.source = "000_02b36b855911883c.txt"  # the gold's file name
        tasks.append(to_task(document, annotate_document(nlp, document)))
    result = evaluate(gold, pred_docs(tasks), ("CLAIM", "SUPPORT", "QUOTE", "DIRECTIVE")).result()
    assert result["offset_errors"] == 0 and result["gold_spans_not_in_text"] == 0
    assert min(r["lenient"]["f1"] for r in result["labels"].values()) >= floor
    assert result["relations"]["f1"] >= floor
