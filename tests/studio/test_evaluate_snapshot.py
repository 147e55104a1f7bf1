"""`annotate evaluate --use annotations` on a real Label Studio export snapshot:
push → annotate through the API (one task skipped first, then annotated) → export → evaluate."""
from __future__ import annotations

import copy
import json
import subprocess
import sys

import pytest

from studio_helpers import FIXTURE, task_ids_by_doc

REPO = FIXTURE.parents[2]
D1, D2, D3 = "f9ee44bdd6d4ff37", "b0dcfede4e277743", "6aedc6af0c9f2abe"


def gold_records(tasks: list[dict]) -> list[dict]:
    """The fixture's predictions as gold: every span and relation, per source file."""
    by_file: dict[str, dict] = {}
    for t in tasks:
        rec = by_file.setdefault(t["data"]["source"], {"file": t["data"]["source"], "spans": [], "relations": []})
        index = {}
        for r in t["predictions"][0]["result"]:
            if r["type"] == "labels":
                index[r["id"]] = len(rec["spans"])
                rec["spans"].append({"label": r["value"]["labels"][0], "text": r["value"]["text"], "speaker": None})
        rec["relations"] += [{"type": "supports", "from": index[r["from_id"]], "to": index[r["to_id"]]}
                             for r in t["predictions"][0]["result"] if r["type"] == "relation"]
    return list(by_file.values())


def evaluate(*args) -> dict:
    res = subprocess.run([sys.executable, "-m", "annotate", "evaluate", *map(str, args), "--json"],
                         capture_output=True, text=True, cwd=REPO)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


@pytest.fixture(scope="module")
def snapshot(studio, conn, cli_module, tmp_path_factory):
    tasks = json.loads(FIXTURE.read_text(encoding="utf-8"))
    title = "evaluate-snapshot"
    res = cli_module("push", "--project", title, "--tasks", FIXTURE)
    assert res.exit_code == 0, res.output
    project = next(p for p in conn.sdk.projects.list(title=title) if p.title == title)
    ids = {d: v[0] for d, v in task_ids_by_doc(conn, project.id).items()}
    by_doc = {t["data"]["doc_id"]: t for t in tasks}

    def annotate(doc, result, **extra):
        conn.sdk.annotations.create(id=ids[doc], result=result, lead_time=5.0, **extra)

    annotate(D1, copy.deepcopy(by_doc[D1]["predictions"][0]["result"]))         # accepted as it is
    changed = copy.deepcopy(by_doc[D2]["predictions"][0]["result"])
    support = next(r for r in changed if r["type"] == "labels" and r["value"]["labels"] == ["SUPPORT"])
    support["value"]["labels"] = ["CLAIM"]                                          # SUPPORT → CLAIM
    annotate(D2, changed)
    annotate(D3, [], was_cancelled=True)                                            # skipped first …
    first = next(r for r in by_doc[D3]["predictions"][0]["result"] if r["type"] == "labels")
    annotate(D3, [copy.deepcopy(first)])                                            # … then one DIRECTIVE kept
    out = tmp_path_factory.mktemp("export")
    res = cli_module("export", "--project", title, "-o", out)
    assert res.exit_code == 0, res.output
    (raw,) = (out / "raw").iterdir()
    gold = out / "fixture.gold.jsonl"
    gold.write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in gold_records(tasks)), encoding="utf-8")
    return raw, gold


@pytest.fixture(scope="module")
def cli_module(studio):
    from typer.testing import CliRunner

    from annotate.labelstudio.cli import make_app

    app = make_app()
    return lambda *args: CliRunner().invoke(app, [str(a) for a in args])


def test_annotations_of_a_snapshot_are_scored(snapshot):
    raw, gold = snapshot
    got = evaluate("--gold", gold, raw, "--use", "annotations")
    labels = {lab: (r["gold"], r["pred"], r["strict"]["f1"]) for lab, r in got["labels"].items()}
    assert labels == {"CLAIM": (4, 5, 0.889), "SUPPORT": (2, 1, 0.667), "QUOTE": (2, 2, 1.0),
                      "DIRECTIVE": (4, 3, 0.857)}
    assert got["relations"] == {"gold": 3, "pred": 3, "p": 0.667, "r": 0.667, "f1": 0.667}
    assert got["macro_f1"] == {"strict": 0.853, "lenient": 0.853}
    assert got["confusion"]["SUPPORT"]["CLAIM"] == 1
    assert got["offset_errors"] == 0 and got["files_without_prediction"] == []


def test_predictions_of_a_snapshot_equal_the_tasks_file(snapshot):
    raw, gold = snapshot
    from_snapshot = evaluate("--gold", gold, raw)
    assert from_snapshot == evaluate("--gold", gold, FIXTURE)
    assert from_snapshot["macro_f1"] == {"strict": 1.0, "lenient": 1.0}
