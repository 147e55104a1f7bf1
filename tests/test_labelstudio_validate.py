"""Validation of tasks before they are pushed (no server needed)."""
import copy
import json
from pathlib import Path

import pytest

from annotate.labelstudio.errors import StudioError
from annotate.labelstudio.push import load_task_file
from annotate.labelstudio.regions import source_line
from annotate.validate import validate_task

FIXTURE = Path(__file__).parent / "fixtures" / "tasks_small.json"


@pytest.fixture
def tasks():
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def regions(task):
    return [r for r in task["predictions"][0]["result"] if r.get("type") == "labels"]


def test_fixture_is_valid_and_has_every_kind(tasks):
    assert len(tasks) == 3
    for t in tasks:
        assert validate_task(t) == []
    result = [r for t in tasks for r in t["predictions"][0]["result"]]
    labels = {r["value"]["labels"][0] for r in result if r["type"] == "labels"}
    assert labels == {"CLAIM", "SUPPORT", "QUOTE", "DIRECTIVE"}
    assert any(r["type"] == "textarea" and r["value"]["text"] for r in result)
    assert any(r["type"] == "relation" for r in result)
    # a code point outside the BMP before a span: offsets are code points, not UTF-16 units
    t = tasks[0]
    text = t["data"]["text"]
    i = text.index("𠮷")
    after = [r for r in regions(t) if r["value"]["start"] > i]
    assert after and all(text[r["value"]["start"]:r["value"]["end"]] == r["value"]["text"] for r in after)
    assert len(text.encode("utf-16-le")) // 2 == len(text) + 1


def test_source_line_from_line_map(tasks):
    lm = tasks[0]["data"]["line_map"]
    assert source_line(lm, 0) == lm[0][1]
    assert source_line(lm, lm[1][0]) == lm[1][1]
    assert source_line(lm, lm[1][0] - 1) == lm[0][1]
    assert source_line([], 5) is None


@pytest.mark.parametrize("breakage, expected", [
    (lambda t: regions(t)[0]["value"].update(labels=["THESIS"]), "not in the scheme"),
    (lambda t: regions(t)[0]["value"].update(start=5, end=5), "outside"),
    (lambda t: regions(t)[0]["value"].update(end=10_000), "outside"),
    (lambda t: regions(t)[0]["value"].update(start=-1), "outside"),
    (lambda t: regions(t)[0]["value"].update(text="别的"), "!= text["),
    (lambda t: regions(t)[0]["value"].update(start="0"), "integers"),
    (lambda t: t["predictions"][0]["result"].append(
        {"type": "relation", "from_id": "nope", "to_id": regions(t)[0]["id"], "labels": ["supports"]}), "no region nope"),
    (lambda t: t["predictions"][0]["result"].append(
        {"type": "relation", "from_id": regions(t)[1]["id"], "to_id": regions(t)[0]["id"], "labels": ["attacks"]}),
     "not in the scheme"),
    (lambda t: t["predictions"][0]["result"].append(
        {"id": regions(t)[0]["id"], "from_name": "speaker", "to_name": "text", "type": "textarea",
         "value": {"start": 0, "end": 17, "text": ["某人"]}}), "not a QUOTE"),
    (lambda t: t["predictions"][0]["result"].append(dict(regions(t)[0])), "duplicate region id"),
    (lambda t: t["data"].pop("doc_id"), "doc_id"),
    (lambda t: t["data"].pop("title"), "data.title is missing"),
    (lambda t: t["predictions"][0].pop("model_version"), "model_version"),
])
def test_bad_regions_are_reported(tasks, breakage, expected):
    t = copy.deepcopy(tasks[0])
    breakage(t)
    problems = validate_task(t)
    assert problems and any(expected in p for p in problems), problems


def test_a_shifted_span_after_an_astral_character_is_caught(tasks):
    """Offsets counted in UTF-16 units (as JavaScript does) are off by one after 𠮷."""
    t = copy.deepcopy(tasks[0])
    text = t["data"]["text"]
    i = text.index("𠮷")
    r = next(r for r in regions(t) if r["value"]["start"] > i)
    r["value"]["start"] += 1
    r["value"]["end"] += 1
    assert any("!= text[" in p for p in validate_task(t))


def test_task_file_json_and_jsonl(tmp_path, tasks):
    a = tmp_path / "a.json"
    a.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    b = tmp_path / "b.jsonl"
    b.write_text("\n".join(json.dumps(t, ensure_ascii=False) for t in tasks) + "\n", encoding="utf-8")
    assert load_task_file(a) == tasks == load_task_file(b)
    c = tmp_path / "c.jsonl"
    c.write_text(json.dumps(tasks[0]) + "\n{oops\n", encoding="utf-8")
    with pytest.raises(StudioError, match=r"c.jsonl:2: not JSON"):
        load_task_file(c)
    with pytest.raises(StudioError, match="cannot read"):
        load_task_file(tmp_path / "missing.json")
