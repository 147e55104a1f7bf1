"""`annotate evaluate` (annotate/evaluate.py): hand-made gold, the matching, the CLI,
and the same figures as the project's score tool on the seed and dev2.

The score tool lives outside the repository (../shared/bin/score, or
$ANNOTATE_SHARED/bin/score); the comparison with it skips when it is absent.
"""
from __future__ import annotations

import csv
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotate.evaluate import NONE, Span, evaluate, load_gold, normalise, pred_docs, select_files, EvaluateError
from annotate.scoring import _candidates, match

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ANNOTATE_SHARED", REPO.parent / "shared"))
SCORE = SHARED / "bin" / "score"
GOLD = REPO / "gold"
LABELS = ("CLAIM", "SUPPORT", "QUOTE", "DIRECTIVE")

TEXT = "标题论点\n\n第一段。我们要坚持创新。习近平总书记指出：“创新是第一动力。”\n\n第二段讲事实。"


def region(rid, label, text, piece, rule=None, start=None):
    start = text.index(piece) if start is None else start
    item = {"id": rid, "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": start, "end": start + len(piece), "text": text[start:start + len(piece)],
                      "labels": [label]}}
    if rule:
        item["meta"] = {"text": [f"rule: {rule}"]}
    return item


def task(result, source="a.md", text=TEXT, key="predictions"):
    return {"data": {"text": text, "source": source}, key: [{"result": result}]}


def gold_line(file="a.md", spans=(), relations=(), **extra):
    return {"file": file, "spans": [{"label": lab, "text": t, "speaker": sp} for lab, t, sp in spans],
            "relations": [{"type": "supports", "from": a, "to": b} for a, b in relations], **extra}


def run(gold_records, tasks, use="predictions", files=None):
    gold = {g["file"]: g for g in gold_records}
    return evaluate(gold, pred_docs(tasks, use), LABELS, files).result()


# ------------------------------------------------------------------ hand-made gold


def test_normalisation_strict_and_lenient():
    gold = [gold_line(spans=[("CLAIM", "标题 论点", None),              # whitespace differs
                             ("DIRECTIVE", "我们要坚持创新。", None),
                             ("QUOTE", "创新是第一动力。", "习近平总书记")])]
    result = [region("c", "CLAIM", TEXT, "标题论点", "claim.title"),
              region("d", "DIRECTIVE", TEXT, "我们要坚持创新", "directive.modal"),   # without 。: lenient only
              region("q", "QUOTE", TEXT, "创新是第一", "quote.attributed"),          # 5 of 8: lenient only
              {"id": "q", "from_name": "speaker", "to_name": "text", "type": "textarea",
               "value": {"text": ["习近平总书记"]}}]
    r = run(gold, [task(result)])
    assert r["labels"]["CLAIM"]["strict"]["f1"] == 1.0
    assert r["labels"]["DIRECTIVE"]["strict"]["f1"] == 0.0 and r["labels"]["DIRECTIVE"]["lenient"]["f1"] == 1.0
    assert r["labels"]["QUOTE"]["lenient"]["f1"] == 1.0
    assert r["labels"]["SUPPORT"] == {"gold": 0, "pred": 0, "strict": {"p": 1.0, "r": 1.0, "f1": 1.0},
                                      "lenient": {"p": 1.0, "r": 1.0, "f1": 1.0}}
    assert r["macro_f1"] == {"strict": 0.5, "lenient": 1.0}
    assert r["speakers"] == {"quotes_matched": 1, "same_speaker": 1, "accuracy": 1.0}


def test_lenient_needs_half_of_the_longer_span_and_is_one_to_one():
    gold = [gold_line(spans=[("DIRECTIVE", "我们要坚持创新。", None)])]
    short = region("a", "DIRECTIVE", TEXT, "我们要")            # 3 of 8: no match
    r = run(gold, [task([short])])
    assert r["labels"]["DIRECTIVE"]["lenient"] == {"p": 0.0, "r": 0.0, "f1": 0.0}
    two = [region("a", "DIRECTIVE", TEXT, "我们要坚持"), region("b", "DIRECTIVE", TEXT, "我们要坚持创新。")]
    r = run(gold, [task(two)])
    assert r["labels"]["DIRECTIVE"]["pred"] == 2
    assert r["labels"]["DIRECTIVE"]["lenient"] == {"p": 0.5, "r": 1.0, "f1": 0.667}
    assert r["labels"]["DIRECTIVE"]["strict"]["p"] == 0.5


def test_relations_need_both_ends_and_the_type():
    gold = [gold_line(spans=[("CLAIM", "标题论点", None), ("SUPPORT", "第二段讲事实。", None)], relations=[(1, 0)])]
    spans = [region("c", "CLAIM", TEXT, "标题论点"), region("s", "SUPPORT", TEXT, "第二段讲事实。")]
    rel = {"type": "relation", "from_id": "s", "to_id": "c", "direction": "right", "labels": ["supports"]}
    assert run(gold, [task(spans + [rel])])["relations"] == {"gold": 1, "pred": 1, "p": 1.0, "r": 1.0, "f1": 1.0}
    backwards = dict(rel, from_id="c", to_id="s")
    assert run(gold, [task(spans + [backwards])])["relations"]["f1"] == 0.0
    # drawn c→s with the arrow pointing left means s→c
    assert run(gold, [task(spans + [dict(backwards, direction="left")])])["relations"]["f1"] == 1.0
    other = dict(rel, labels=["attacks"])
    assert run(gold, [task(spans + [other])])["relations"]["f1"] == 0.0
    # an end that matched nothing: the relation cannot be found
    wrong_end = [spans[0], region("s", "SUPPORT", TEXT, "第一段。"), rel]
    assert run(gold, [task(wrong_end)])["relations"]["r"] == 0.0


def test_mask_keeps_gold_spans_out_of_an_editors_note():
    text = "标题\n\n编者按：我们要坚持创新。\n\n正文。我们要坚持创新。"
    gold = [gold_line(spans=[("DIRECTIVE", "我们要坚持创新。", None)], mask=["编者按：我们要坚持创新。"])]
    body = text.rindex("我们要坚持创新。")
    hit = region("d", "DIRECTIVE", text, "我们要坚持创新。", start=body)
    assert run(gold, [task([hit], text=text)])["labels"]["DIRECTIVE"]["strict"]["f1"] == 1.0
    no_mask = [dict(gold[0], mask=[])]
    assert run(no_mask, [task([hit], text=text)])["labels"]["DIRECTIVE"]["strict"]["f1"] == 0.0


def test_gold_not_in_text_offset_errors_and_absent_files():
    gold = [gold_line(spans=[("CLAIM", "不在文中的标题", None), ("CLAIM", "标题论点", None)]),
            gold_line(file="b.md", spans=[("CLAIM", "别的", None)])]
    bad = region("x", "DIRECTIVE", TEXT, "第一段。")
    bad["value"]["text"] = "别的文字"                              # text[start:end] != value.text
    out_of_range = region("y", "DIRECTIVE", TEXT, "第一段。")
    out_of_range["value"]["end"] = len(TEXT) + 5
    r = run(gold, [task([region("c", "CLAIM", TEXT, "标题论点"), bad, out_of_range], source="dir/a.md")])
    assert r["gold_spans_not_in_text"] == 2  # one in a.md, and b.md has no task
    assert r["offset_errors"] == 2
    assert r["files_without_prediction"] == ["b.md"]
    assert r["labels"]["CLAIM"]["gold"] == 3 and r["labels"]["CLAIM"]["lenient"]["r"] == 0.333
    assert r["labels"]["DIRECTIVE"]["pred"] == 1                  # the bad-text span still counts


def test_tasks_of_one_source_are_joined():
    a, b = "标题论点\n\n我们要坚持创新。", "片段。我们要加快发展。"
    gold = [gold_line(spans=[("CLAIM", "标题论点", None), ("DIRECTIVE", "我们要坚持创新。", None),
                             ("DIRECTIVE", "我们要加快发展。", None)])]
    tasks = [task([region("c", "CLAIM", a, "标题论点"), region("d", "DIRECTIVE", a, "我们要坚持创新。")], text=a),
             task([region("d", "DIRECTIVE", b, "我们要加快发展。")], text=b)]
    r = run(gold, tasks)
    assert r["macro_f1"]["strict"] == 1.0


def test_rules_confusion_and_errors():
    gold = [gold_line(spans=[("CLAIM", "标题论点", None), ("DIRECTIVE", "我们要坚持创新。", None),
                             ("SUPPORT", "第一段。", None)])]
    result = [region("c", "CLAIM", TEXT, "标题论点", "claim.title"),
              region("d", "SUPPORT", TEXT, "我们要坚持创新。", "support.short_lead"),  # wrong label
              region("e", "DIRECTIVE", TEXT, "第二段讲事实。", "directive.modal")]      # false alarm
    ev = evaluate({"a.md": gold[0]}, pred_docs([task(result)]), LABELS)
    r = ev.result()
    assert r["confusion"]["CLAIM"]["CLAIM"] == 1
    assert r["confusion"]["DIRECTIVE"]["SUPPORT"] == 1
    assert r["confusion"]["SUPPORT"][NONE] == 1
    assert r["confusion"][NONE]["DIRECTIVE"] == 1
    assert sum(r["confusion"]["DIRECTIVE"].values()) == r["labels"]["DIRECTIVE"]["gold"]
    assert sum(row["SUPPORT"] for row in r["confusion"].values()) == r["labels"]["SUPPORT"]["pred"]
    rules = {x["rule_id"]: (x["pred"], x["correct"], x["precision"]) for x in r["rules"]}
    assert rules == {"claim.title": (1, 1, 1.0), "support.short_lead": (1, 0, 0.0), "directive.modal": (1, 0, 0.0)}
    kinds = sorted((e["kind"], e["gold_label"], e["pred_label"]) for e in ev.errors())
    assert kinds == [("false alarm", "", "DIRECTIVE"), ("false alarm", "DIRECTIVE", "SUPPORT"),
                     ("miss", "DIRECTIVE", "SUPPORT"), ("miss", "SUPPORT", "")]


def test_annotations_skip_cancelled_ones():
    gold = [gold_line(spans=[("CLAIM", "标题论点", None)])]
    t = {"data": {"text": TEXT, "source": "a.md"},
         "annotations": [{"was_cancelled": True, "result": []},
                         {"result": [region("c", "CLAIM", TEXT, "标题论点")]}],
         "predictions": [{"result": []}]}
    assert run(gold, [t], use="annotations")["labels"]["CLAIM"]["strict"]["f1"] == 1.0
    assert run(gold, [t])["labels"]["CLAIM"]["strict"]["f1"] == 0.0


def test_empty_gold_and_prediction_is_perfect():
    r = run([gold_line(spans=[])], [task([])])
    assert r["macro_f1"] == {"strict": 1.0, "lenient": 1.0}
    assert r["relations"]["f1"] == 1.0


def test_select_files_and_groups(tmp_path):
    g = tmp_path / "g.jsonl"
    g.write_text("\n".join(json.dumps(gold_line(file=f)) for f in ("p01.md", "p02.md", "q01.md", "000.txt")),
                 encoding="utf-8")
    gold = load_gold([g])
    assert select_files(gold, ["p*"]) == ["p01.md", "p02.md"]
    assert select_files(gold, ["q01.md,000.txt"]) == ["000.txt", "q01.md"]
    with pytest.raises(EvaluateError, match="x\\*"):
        select_files(gold, ["x*"])
    ev = evaluate(gold, {}, LABELS)
    assert ev.groups(r"^([a-z])") == {"p": ["p01.md", "p02.md"], "q": ["q01.md"]}
    assert ev.groups([r"seed=^0", r"dev \1NN (md)=^([pq])\d+\.md$", r"\.md$"]) == {
        "seed": ["000.txt"], "dev pNN (md)": ["p01.md", "p02.md"], "dev qNN (md)": ["q01.md"],
        ".md": ["p01.md", "p02.md", "q01.md"]}


def test_bad_gold_names_the_file_and_record(tmp_path):
    g = tmp_path / "g.jsonl"
    g.write_text(json.dumps(gold_line()) + "\n" + json.dumps({"file": "b.md"}) + "\n", encoding="utf-8")
    with pytest.raises(EvaluateError, match=r"g\.jsonl:line 2: "):
        load_gold([g])
    twice = tmp_path / "h.jsonl"
    twice.write_text(json.dumps(gold_line()) + "\n", encoding="utf-8")
    with pytest.raises(EvaluateError, match="a.md has gold in"):
        load_gold([twice, twice.with_name("g.jsonl").with_name("h.jsonl"), _good(tmp_path)])


@pytest.mark.parametrize("record,reason", [
    (gold_line(spans=[("CLAIMS", "我们要坚持创新", None)]),
     "span 0: label 'CLAIMS' is not one of the scheme's (CLAIM, SUPPORT, QUOTE, DIRECTIVE)"),
    (gold_line(spans=[(None, "我们要坚持创新", None)]), "span 0: label None is not one of the scheme's"),
    (gold_line(spans=[("CLAIM", "我们要坚持创新", None)], relations=[(0, 1)]),
     "relation 0: 'to': span index 1 is out of range (the record has 1 spans)"),
    (gold_line(spans=[("CLAIM", "我们要坚持创新", None)], relations=[(-1, 0)]),
     "relation 0: 'from': span index -1 is out of range"),
    (gold_line(spans=[("CLAIM", "我们要坚持创新", None)], relations=[("没有这段", 0)]),
     "relation 0: 'from': '没有这段' is not the text of any span"),
    ({**gold_line(spans=[("CLAIM", "我们要坚持创新", None), ("SUPPORT", "第二段讲事实。", None)]),
      "relations": [{"type": "attacks", "from": 1, "to": 0}]},
     "relation 0: type 'attacks' is not one of the scheme's (supports)"),
    (gold_line(mask="第一段。"), "'mask' must be a list of strings, not a string"),
    (gold_line(mask=[3]), "'mask' must be a list of strings"),
])
def test_gold_content_is_checked_one_line_per_bad_record(tmp_path, record, reason):
    g = tmp_path / "g.jsonl"
    g.write_text(json.dumps(gold_line(file="ok.md")) + "\n\n" + json.dumps(record, ensure_ascii=False) + "\n",
                 encoding="utf-8")
    errors: list = []
    gold = load_gold([g], errors.append)
    assert list(gold) == ["ok.md"] and len(errors) == 1  # the bad record left out, the rest kept
    assert errors[0].startswith(f"{g}:line 3: {reason}")
    res = cli("--gold", g, _tasks_file(tmp_path), "--json")
    assert res.returncode == 1 and res.stderr.splitlines() == [f"error: {errors[0]}"]


def _tasks_file(tmp_path):
    p = tmp_path / "tasks.jsonl"
    p.write_text(json.dumps(task([region(1, "CLAIM", TEXT, "我们要坚持创新")], source="ok.md"),
                            ensure_ascii=False) + "\n", encoding="utf-8")
    return p


def test_an_empty_gold_file_is_an_error_not_a_perfect_score(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    res = cli("--gold", empty, _tasks_file(tmp_path), "--json")
    assert res.returncode == 1 and res.stdout == ""
    assert res.stderr.splitlines() == [f"error: {empty}: no gold records (an empty file scores nothing)",
                                       f"error: no usable gold in {empty}; nothing to score"]


def test_the_same_tasks_given_twice_are_counted_once(tmp_path):
    g = tmp_path / "g.jsonl"
    g.write_text(json.dumps(gold_line(file="ok.md", spans=[("CLAIM", "我们要坚持创新", None)]),
                            ensure_ascii=False) + "\n", encoding="utf-8")
    tasks = _tasks_file(tmp_path)
    once = json.loads(cli("--gold", g, tasks, "--json").stdout)
    assert once["labels"]["CLAIM"]["pred"] == 1
    repeated = tmp_path / "repeated.jsonl"  # a task repeated inside a file
    repeated.write_text(tasks.read_text(encoding="utf-8") * 2, encoding="utf-8")
    for args in ([tasks, tasks], [repeated]):
        res = cli("--gold", g, *args, "--json")
        assert res.returncode == 0 and json.loads(res.stdout) == once
        assert res.stderr.splitlines() == [
            "warning: 1 repeated task left out — the same source and text came before, one copy is scored: "
            "ok.md (1)"]
    # two copies of a task in a Label Studio snapshot: the annotated one counts, wherever it is
    bare = {**task([], source="ok.md"), "annotations": []}
    annotated = task([region(1, "CLAIM", TEXT, "我们要坚持创新")], source="ok.md", key="annotations")
    snap = tmp_path / "snapshot.json"
    snap.write_text(json.dumps([bare, annotated], ensure_ascii=False), encoding="utf-8")
    res = cli("--gold", g, snap, "--use", "annotations", "--json")
    assert res.returncode == 0 and json.loads(res.stdout)["labels"]["CLAIM"]["strict"]["f1"] == 1.0


def _good(tmp_path):
    p = tmp_path / "good.jsonl"
    p.write_text(json.dumps(gold_line()) + "\n", encoding="utf-8")
    return p


# ------------------------------------------------------------------ the matching


def brute_candidates(gold, pred):
    out = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            ov = max(0, min(g.end, p.end) - max(g.start, p.start))
            longer = max(g.length, p.length)
            if ov > 0 and ov * 2 >= longer:
                out.append((ov / longer, gi, pi))
    return sorted(out)


spans = st.lists(st.tuples(st.integers(0, 60), st.integers(1, 25)), max_size=12)


@settings(max_examples=300, deadline=None)
@given(spans, spans)
def test_windowed_candidates_equal_all_pairs(g, p):
    gold = [Span("X", s, s + n, "") for s, n in g]
    pred = [Span("X", s, s + n, "") for s, n in p]
    assert sorted(_candidates(gold, pred, strict=False)) == brute_candidates(gold, pred)
    pairs = match(gold, pred, strict=False)
    assert len({gi for gi, _ in pairs}) == len(pairs) == len({pi for _, pi in pairs})


# ------------------------------------------------------------------ the command


def cli(*args, cwd=REPO):
    return subprocess.run([sys.executable, "-m", "annotate", "evaluate", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd)


@pytest.fixture
def small(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(gold_line(spans=[("CLAIM", "标题论点", None), ("DIRECTIVE", "我们要坚持创新。", None)],
                                         relations=[]), ensure_ascii=False) + "\n", encoding="utf-8")
    tasks = tmp_path / "tasks.jsonl"
    result = [region("c", "CLAIM", TEXT, "标题论点", "claim.title"),
              region("d", "DIRECTIVE", TEXT, "第二段讲事实。", "directive.modal")]
    tasks.write_text(json.dumps(task(result), ensure_ascii=False) + "\n", encoding="utf-8")
    return gold, tasks


def test_cli_json_tables_and_csv(small, tmp_path):
    gold, tasks = small
    res = cli("--gold", gold, tasks, "--json", "--group-by", "^(.)", "-o", tmp_path / "out")
    assert res.returncode == 0, res.stderr
    obj = json.loads(res.stdout)
    assert list(obj)[:7] == ["labels", "files", "files_without_prediction", "gold_spans_not_in_text",
                             "offset_errors", "macro_f1", "relations"]
    assert obj["labels"]["CLAIM"]["strict"]["f1"] == 1.0 and obj["labels"]["DIRECTIVE"]["pred"] == 1
    assert obj["per_file"]["a.md"]["macro_f1"] == obj["macro_f1"]
    assert obj["sources_without_gold"] == []
    assert obj["groups"]["a"]["files_in_group"] == ["a.md"]
    out = tmp_path / "out"
    with open(out / "eval_labels.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {(r["scope"], r["name"]) for r in rows} == {("all", "all"), ("group", "a"), ("file", "a.md")}
    claim = next(r for r in rows if r["scope"] == "all" and r["label"] == "CLAIM")
    assert (claim["gold"], claim["strict_tp"], claim["strict_f1"]) == ("1", "1", "1.0")
    with open(out / "eval_rules.csv", encoding="utf-8") as f:
        assert {r["rule_id"]: r["precision"] for r in csv.DictReader(f)} == {"claim.title": "1.0",
                                                                            "directive.modal": "0.0"}
    with open(out / "eval_errors.csv", encoding="utf-8") as f:
        assert sorted(r["kind"] for r in csv.DictReader(f)) == ["false alarm", "miss"]

    res = cli("--gold", gold, tasks, "--markdown")
    assert res.returncode == 0, res.stderr
    assert "| CLAIM | 1 | 1 | 1.00 | 1.00 | 1.00 | 1.00 | 1.00 | 1.00 |" in res.stdout
    assert "| claim.title | CLAIM | 1 | 1 | 1.00 |" in res.stdout


def test_cli_bad_task_is_one_line_and_the_rest_is_scored(small, tmp_path):
    gold, tasks = small
    broken = tmp_path / "broken.json"
    broken.write_text("[{\"data\": {\"text\": \"x\"}}]", encoding="utf-8")
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps(task([], source="b.md")) + "\n", encoding="utf-8")
    res = cli("--gold", gold, tasks, broken, other, "--json")
    assert res.returncode == 1
    assert res.stderr.strip().splitlines() == [f"error: {broken}: task 1: needs data.text and data.source; skipped"]
    obj = json.loads(res.stdout)
    assert obj["labels"]["CLAIM"]["strict"]["f1"] == 1.0 and obj["sources_without_gold"] == ["b.md"]
    res = cli("--gold", gold, tmp_path / "missing.json")
    assert res.returncode == 1 and "missing.json" in res.stderr
    res = cli("--gold", gold, tasks, "--files", "zz*")
    assert res.returncode == 1 and res.stderr.strip() == "error: --files zz*: no gold for it"


def test_cli_a_json_article_record_is_a_source_and_a_task_file_stays_tasks(small, tmp_path):
    gold, tasks = small
    record = tmp_path / "r.json"
    record.write_text(json.dumps({"title": "标题论点", "paragraphs": ["创新是第一动力，这是共识。我们要坚持创新。"]},
                                 ensure_ascii=False), encoding="utf-8")
    gold2 = tmp_path / "gold2.jsonl"
    gold2.write_text(json.dumps(gold_line(spans=[("CLAIM", "标题论点", None), ("DIRECTIVE", "我们要坚持创新。", None)],
                                          relations=[], file="r.json"), ensure_ascii=False) + "\n", encoding="utf-8")
    res = cli("--gold", gold2, record, "--json")          # read and pre-annotated as an article
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["labels"]["DIRECTIVE"]["strict"]["f1"] == 1.0
    as_json = tmp_path / "tasks.json"                      # a tasks file named .json is still tasks
    as_json.write_text("[" + tasks.read_text(encoding="utf-8").strip() + "]", encoding="utf-8")
    res = cli("--gold", gold, as_json, "--json")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["labels"]["CLAIM"]["strict"]["f1"] == 1.0


# ------------------------------------------------------------------ against the score tool


def score_tool(gold: Path, pred: Path, *extra) -> dict:
    if not SCORE.exists():
        pytest.skip(f"no score tool at {SCORE} (it lives outside the repository)")
    out = subprocess.run([sys.executable, str(SCORE), "--gold", str(gold), "--pred", str(pred), "--json", *extra],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def assert_same_figures(ours: dict, theirs: dict) -> None:
    assert list(ours)[:len(theirs)] == list(theirs)
    for key, value in theirs.items():
        assert ours[key] == value, key


def perturbed(tasks: list[dict], seed: int) -> list[dict]:
    """The predictions moved to annotations with spans dropped, shifted, shortened and relabelled."""
    rnd = random.Random(seed)
    out = []
    for t in tasks:
        text = t["data"]["text"]
        result = []
        for r in t["predictions"][0]["result"]:
            r = json.loads(json.dumps(r))
            if r["type"] == "labels":
                v = r["value"]
                roll = rnd.random()
                if roll < 0.1:
                    continue
                if roll < 0.25:
                    v["start"] = min(v["start"] + rnd.randint(1, 4), v["end"] - 1)
                elif roll < 0.35:
                    v["end"] = max(v["start"] + 1, v["end"] - rnd.randint(1, 30))
                elif roll < 0.45:
                    v["labels"] = [rnd.choice(LABELS)]
                v["text"] = text[v["start"]:v["end"]]
            elif r["type"] == "relation" and rnd.random() < 0.15:
                continue
            result.append(r)
        out.append({"data": t["data"], "annotations": [{"result": result}], "predictions": t["predictions"]})
    return out


@pytest.fixture(scope="module")
def predicted(nlp, tmp_path_factory):
    """The seed and dev2 (corpus/) pre-annotated with today's rules, as tasks files."""
    from annotate.prelabel import prelabel

    folder = tmp_path_factory.mktemp("pred")
    sets = {"seed": [REPO / "corpus" / "000_02b36b855911883c.md"], "dev2": [REPO / "corpus" / "dev2"]}
    out = {}
    for name, paths in sets.items():
        tasks = list(prelabel(paths, nlp, on_error=lambda p, r: pytest.fail(f"{p}: {r}")))
        path = folder / f"{name}.json"
        path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
        out[name] = (path, tasks)
    return out


@pytest.mark.model
@pytest.mark.parametrize("name", ["seed", "dev2"])
def test_same_figures_as_the_score_tool(predicted, name, tmp_path):
    path, tasks = predicted[name]
    gold = GOLD / f"{name}.gold.jsonl"
    theirs = score_tool(gold, path)
    res = cli("--gold", gold, path, "--json")
    assert res.returncode == 0, res.stderr
    assert_same_figures(json.loads(res.stdout), theirs)
    # corrected annotations (an export snapshot) and a selection of files
    snap = tmp_path / "snapshot.json"
    snap.write_text(json.dumps(perturbed(tasks, seed=len(name)), ensure_ascii=False), encoding="utf-8")
    theirs = score_tool(gold, snap, "--use", "annotations")
    assert theirs["labels"] != score_tool(gold, path)["labels"]  # the perturbation changed something
    res = cli("--gold", gold, snap, "--use", "annotations", "--json")
    assert_same_figures(json.loads(res.stdout), theirs)
    files = sorted(load_gold([gold]))[::3]
    theirs = score_tool(gold, path, "--files", ",".join(files))
    ours = evaluate(load_gold([gold]), pred_docs(tasks), LABELS, files).result()
    assert_same_figures(ours, theirs)


@pytest.mark.model
def test_articles_are_pre_annotated_on_the_fly(predicted):
    """PATH may be articles: the same figures as scoring the tasks file."""
    path, _ = predicted["seed"]
    gold = GOLD / "seed.gold.jsonl"
    on_the_fly = cli("--gold", gold, REPO / "corpus" / "000_02b36b855911883c.md", "--json")
    from_file = cli("--gold", gold, path, "--json")
    assert on_the_fly.returncode == 0, on_the_fly.stderr
    a, b = json.loads(on_the_fly.stdout), json.loads(from_file.stdout)
    assert a == b
    assert a["macro_f1"] == {"strict": 1.0, "lenient": 1.0}

