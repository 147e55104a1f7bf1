"""Corpora at scale: tables in, tables out, workers, Dask, --resume (annotate.scale).

Readers of tables need no model; the rest runs the real pipeline (marked `model`).
Runs with worker processes, a Dask LocalCluster or a kill are real subprocesses
(`python -m annotate` from this tree); single-process runs go through typer's
runner with the pipeline loaded once for the session.
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from annotate.scale.parts import partitions
from annotate.scale.rows import Columns, iter_rows, read_row

REPO = Path(__file__).resolve().parent.parent
TABLES = ("documents", "spans", "relations")


def _rows(where: Path, columns=Columns()) -> tuple[list, list]:
    errors: list = []
    return list(iter_rows(where, columns, lambda w, r: errors.append((w, r)))), errors


# --------------------------------------------------------------------------- readers (no model)


def test_csv_rows_bad_rows_named_and_the_rest_read(tmp_path):
    f = tmp_path / "t.csv"
    long = "长" * 200_000  # longer than the csv module's default field limit
    f.write_text('id,text,year\na,第一篇。,2020\nb,,2021\nc,x,y,z\nd,"第二,篇。",2022\ne,' + long + ",2023\n",
                 encoding="utf-8")
    rows, errors = _rows(f)
    assert [(r.number, r.id, r.meta) for r in rows] == [
        (0, "a", {"year": "2020"}), (3, "d", {"year": "2022"}), (4, "e", {"year": "2023"})]
    assert rows[1].text == "第二,篇。" and len(rows[2].text) == 200_000
    assert errors == [(f"{f}:row 1", "no text"), (f"{f}:row 2", "4 fields, the header has 3")]


def test_jsonl_rows(tmp_path):
    f = tmp_path / "t.jsonl"
    f.write_text('{"text": "甲。", "id": 7, "tags": ["x"]}\n\n{not json\n[1]\n{"text": 3}\n{"text": "乙。"}\n',
                 encoding="utf-8")
    rows, errors = _rows(f)
    assert [(r.number, r.id, r.text, r.meta) for r in rows] == [
        (0, "7", "甲。", {"tags": '["x"]'}), (4, None, "乙。", {})]
    assert [w for w, _ in errors] == [f"{f}:row 1", f"{f}:row 2", f"{f}:row 3"]
    assert errors[2][1] == "text is not a string (int)"


def test_a_text_cell_holding_a_list_of_paragraphs_is_those_paragraphs(tmp_path):
    f = tmp_path / "t.jsonl"
    f.write_text('{"text": ["第一段。", "第二段。"], "title": "标题"}\n{"text": ["甲", 3]}\n{"text": []}\n',
                 encoding="utf-8")
    rows, errors = _rows(f)
    assert [r.text for r in rows] == ["第一段。\n\n第二段。"]
    [doc] = read_row(rows[0], "txt", str(f))
    assert [doc.text[b.start:b.end] for b in doc.blocks] == ["标题", "第一段。", "第二段。"]
    # a list that is not all strings, or an empty one, is no text (one line each)
    assert [w for w, _ in errors] == [f"{f}:row 1", f"{f}:row 2"]


def test_parquet_rows_streamed_with_types(tmp_path):
    import annotate.scale.rows as rows_mod

    f = tmp_path / "t.parquet"
    n = rows_mod.BATCH_ROWS * 2 + 5  # several record batches
    pd.DataFrame({"body": [f"第{i}篇。" for i in range(n)], "year": range(n)}).to_parquet(f)
    rows, errors = _rows(f, Columns(text="body"))
    assert errors == [] and len(rows) == n and rows[-1].number == n - 1 and rows[-1].meta == {"year": n - 1}


def test_missing_columns(tmp_path):
    from annotate.scale.rows import TableError

    f = tmp_path / "t.csv"
    f.write_text("body\n甲。\n", encoding="utf-8")
    with pytest.raises(TableError, match="no text column 'text'"):
        _rows(f)
    rows, _ = _rows(f, Columns(text="body"))  # --id-column / --title-column left at their defaults: optional
    assert rows[0].id is None and rows[0].title is None
    with pytest.raises(TableError, match="no column 'doc' \\(--id-column\\)"):
        _rows(f, Columns(text="body", id="doc", explicit=frozenset({"--id-column"})))


def test_csv_a_bad_byte_costs_its_row_only(tmp_path):
    f = tmp_path / "t.csv"
    f.write_bytes("id,text\na,第一篇。\nb,第二".encode() + b"\xff" + "篇。\nc,第三篇。\nd,第四篇。\n".encode())
    rows, errors = _rows(f)
    assert [r.id for r in rows] == ["a", "c", "d"] and rows[1].number == 2
    assert errors == [(f"{f}:row 1", "not valid UTF-8 (byte 0xff)")]
    j = tmp_path / "t.jsonl"
    j.write_bytes(b'{"text": "\xe7\x94\xb2\xff"}\n{"text": "\xe4\xb9\x99"}\n')
    rows, errors = _rows(j)
    assert [r.text for r in rows] == ["乙"] and errors == [(f"{j}:row 0", "not valid UTF-8 (byte 0xff)")]


@pytest.mark.parametrize("body,ids,bad_row,line", [
    ('a,甲。\nb,"乙。\nc,丙。\nd,丁。\n', ["a", "c", "d"], 1, 3),              # never closed: to the end
    ('a,甲。\nb,"乙。\nc,丙。\nd,"丁"。\ne,戊。\n', ["a", "c", "d", "e"], 1, 3),  # "closed" by a later quote
    ('a,甲。\nb,乙。\nc,"丙。\n', ["a", "b"], 2, 4),                            # on the last line
])
def test_csv_unterminated_quote_names_its_row_and_the_rest_is_read(tmp_path, body, ids, bad_row, line):
    f = tmp_path / "t.csv"
    f.write_text("id,text\n" + body, encoding="utf-8")
    rows, errors = _rows(f)
    assert [r.id for r in rows] == ids and [r.text for r in rows][:1] == ["甲。"]
    assert [w for w, _ in errors][:1] == [f"{f}:row {bad_row}"]
    assert errors[0][1].startswith(f"unterminated quote (the row starts on line {line};")
    # a quoted field that spans lines, and text after a closing quote on one line, are fine
    f.write_text('id,text\na,"甲\n乙。"\nb,"丙"丁。\n', encoding="utf-8")
    rows, errors = _rows(f)
    assert errors == [] and [r.text for r in rows] == ["甲\n乙。", "丙丁。"]


def test_duplicate_ids_are_an_error_naming_the_row_which_is_skipped(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.jsonl"
    a.write_text("id,text\nx,甲。\ny,乙。\nx,甲。\n", encoding="utf-8")
    b.write_text('{"id": "y", "text": "丙。"}\n{"id": "z", "text": "丁。"}\n', encoding="utf-8")
    errors: list = []
    parts = list(partitions([a, b], 10_000, Columns(), lambda *e: errors.append(e)))
    assert [(p.table, [r.id for r in p.rows]) for p in parts] == [(str(a), ["x", "y"]), (str(b), ["z"])]
    assert errors == [] and [e for p in parts for e in p.errors] == [
        (f"{a}:row 2", "duplicate id 'x' (first at row 0); the row is skipped"),
        (f"{b}:row 0", f"duplicate id 'y' (first at {a}:row 1); the row is skipped")]


def test_a_folder_with_a_table_reports_broken_links_loops_and_unreadable_folders(tmp_path):
    from annotate.scale.parts import input_files

    root = tmp_path / "in"
    (root / "locked").mkdir(parents=True)
    (root / "t.csv").write_text("text\n甲。\n", encoding="utf-8")
    (root / "a.md").write_text("# 标题\n\n正文。\n", encoding="utf-8")
    os.symlink("loop2.csv", root / "loop1.csv")
    os.symlink("loop1.csv", root / "loop2.csv")
    os.symlink(root / "nowhere.csv", root / "broken.csv")
    errors: list = []
    found = input_files([root], lambda *e: errors.append(e))
    assert found == [root / "t.csv", root / "a.md"]
    assert sorted(errors) == [(str(root / "broken.csv"), "broken symbolic link (its target does not exist)"),
                              (str(root / "loop1.csv"), "symbolic link loop"),
                              (str(root / "loop2.csv"), "symbolic link loop")]
    # an unreadable sub-folder, where permission bits bite (not as root with its capabilities)
    from process_helpers import unprivileged_kwargs

    (root / "locked" / "b.csv").write_text("text\n乙。\n", encoding="utf-8")
    (root / "locked").chmod(0)
    try:
        kwargs = unprivileged_kwargs(root / "locked" / "b.csv")
        code = ("import sys; from annotate.scale.parts import input_files; "
                f"print([str(f) for f in input_files([{str(root)!r}], lambda *e: print('E', *e))])")
        out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                             timeout=60, **kwargs)
    finally:
        (root / "locked").chmod(0o755)
    assert out.returncode == 0, out.stderr
    assert f"E {root / 'locked'} permission denied" in out.stdout.splitlines()


@pytest.mark.parametrize("markup,text", [
    ("txt", "正文第一段。\n\n正文第二段。"),
    ("md", "正文**第一段**。\n\n正文第二段。"),
    ("html", "<p>正文<b>第一段</b>。</p><p>正文第二段。</p>"),
])
def test_read_row_uses_the_readers(markup, text):
    from annotate.scale.rows import Row

    docs = read_row(Row(3, text, "x-1", "标题"), markup, "c.parquet")
    assert len(docs) == 1
    d = docs[0]
    assert d.title == "标题" and d.text.startswith("标题") and "正文第一段。" in d.text and "*" not in d.text
    assert (d.source, d.index, d.path) == ("x-1", 3, "c.parquet")
    no_id = read_row(Row(3, text), markup, "dir/c.parquet")[0]
    assert no_id.source == "c.parquet#3" and no_id.doc_id != d.doc_id


def test_partitions_do_not_depend_on_anything_but_the_input(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("text\n" + "".join(f"第{i}篇文章。\n" for i in range(50)), encoding="utf-8")
    md = tmp_path / "a.md"
    md.write_text("# 标题\n\n正文。\n", encoding="utf-8")
    cut = [(p.index, p.table, [r.number for r in p.rows], p.files)
           for p in partitions([md, f], 100, Columns(), lambda *a: None)]
    assert cut[0] == (0, None, [], [str(md)])  # a table starts its own partitions
    assert [c[0] for c in cut] == list(range(len(cut))) and len(cut) > 3
    assert sum((c[2] for c in cut[1:]), []) == list(range(50))


@pytest.mark.parametrize("args,message", [
    (["--format", "xml"], "'xml' is not one of 'tasks', 'parquet', 'csv'"),
    (["--markup", "rst"], "'rst' is not one of 'txt', 'md', 'html'"),
    (["--resume"], "--resume needs --format parquet or csv"),
    (["--workers", "-1"], "0 (one per core) or more"),
])
def test_option_errors_are_usage_errors(tmp_path, args, message):
    from annotate.cli import app

    r = CliRunner().invoke(app, ["prelabel", str(tmp_path), *args])
    assert r.exit_code == 2 and message in r.stderr


# --------------------------------------------------------------------------- with the pipeline


@pytest.fixture
def cli(nlp, monkeypatch):
    """`annotate ARGS` in this process, with the session's pipeline (conftest)."""
    import annotate.nlp
    from annotate.cli import app

    monkeypatch.setattr(annotate.nlp, "load_nlp", lambda: nlp)
    return lambda *args: CliRunner().invoke(app, list(map(str, args)), catch_exceptions=False)


def subprocess_cli(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "annotate", *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=600, **kwargs)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A small table of real articles (dev2 and the seed, clean text) with metadata and one bad row."""
    from annotate.sources import read_file

    files = sorted((REPO / "corpus" / "dev2").glob("[pqrs]*"))[:6] + sorted((REPO / "corpus").glob("*.md"))
    rows = []
    for f in files:
        for d in read_file(f):
            if d.kind == "article" and len(rows) < 6:
                rows.append({"id": f"{f.stem}-{d.index}", "title": d.title, "text": d.text,
                             "year": 2020 + len(rows), "source": f.suffix})
    rows.insert(2, {"id": "empty", "title": None, "text": "  ", "year": 1999, "source": ".x"})
    folder = tmp_path_factory.mktemp("tables")
    pd.DataFrame(rows).to_parquet(folder / "c.parquet")
    return folder / "c.parquet", len(rows) - 1


def _parts(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for t in TABLES for p in sorted((out / t).glob("part-*"))}


def _table(out: Path, name: str) -> pd.DataFrame:
    return pd.concat([pd.read_parquet(p) for p in sorted((out / name).glob("part-*.parquet"))],
                     ignore_index=True)


@pytest.mark.model
def test_parquet_parts_equal_the_export_tables_of_the_same_tasks(cli, corpus, tmp_path):
    from annotate.tables import tables_from_snapshot

    table, n = corpus
    r = cli("prelabel", table, "--jsonl", "-o", tmp_path / "tasks.jsonl")
    assert r.exit_code == 1 and f"error: {table}:row 2: no text" in r.stderr  # the bad row, the rest goes on
    tasks = [json.loads(line) for line in (tmp_path / "tasks.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(tasks) == n and tasks[0]["data"]["meta"] == {"year": 2020, "source": ".md"}

    out = tmp_path / "parts"
    r = cli("prelabel", table, "--format", "parquet", "-o", out, "--part-mb", "0.004")
    assert r.exit_code == 1 and r.stderr.count("error:") == 1
    assert len(list((out / "spans").glob("part-*.parquet"))) > 2  # several parts
    expected = tables_from_snapshot(tasks)  # what `annotate export` builds from the same predictions
    for name, df in expected.items():
        got = _table(out, name)
        if name == "documents":  # the rows' other columns follow the export's, with the input's types
            assert list(got.columns[len(df.columns):]) == ["year", "meta_source"]
            assert str(got["year"].dtype) == "int64[pyarrow]" and got["year"].tolist()[:2] == [2020, 2021]
            got = got[df.columns]
        pd.testing.assert_frame_equal(got, df)
    assert (expected.spans["origin"] == "predicted").all() and expected.spans["rule_id"].notna().all()
    assert expected.spans["model_version"].str.startswith("argrules-").all()

    csv = tmp_path / "csv"
    assert cli("prelabel", table, "--format", "csv", "-o", csv, "-q").exit_code == 1
    spans = pd.concat([pd.read_csv(p) for p in sorted((csv / "spans").glob("part-*.csv"))], ignore_index=True)
    assert spans["start"].tolist() == expected.spans["start"].tolist()


@pytest.mark.model
def test_one_worker_two_workers_and_dask_give_identical_output(cli, corpus, tmp_path):
    table, _ = corpus
    args = [table, "--format", "parquet", "--part-mb", "0.004", "-q"]
    assert cli("prelabel", *args, "-o", tmp_path / "one").exit_code == 1
    one = _parts(tmp_path / "one")
    assert len(one) >= 3 * 3  # several parts of documents, spans, relations
    loud = [a for a in args if a != "-q"]  # with the summary, which says how often the model was loaded
    two = subprocess_cli("prelabel", *loud, "-o", tmp_path / "two", "--workers", "2")
    assert two.returncode == 1 and two.stderr.count("error:") == 1, two.stderr
    assert _parts(tmp_path / "two") == one
    # both workers were forked from the fork server, which loaded the model once for them
    assert "parts, 2 workers (model loaded once, shared); peak RSS" in two.stderr
    dask = subprocess_cli("prelabel", *loud, "-o", tmp_path / "dask", "--scheduler", "local:2")
    assert dask.returncode == 1 and dask.stderr.count("error:") == 1, dask.stderr
    assert _parts(tmp_path / "dask") == one
    assert "parts, Dask local:2 (model loaded once, shared); peak RSS" in dask.stderr

    # tasks too, in input order
    assert cli("prelabel", table, "-o", tmp_path / "one.json", "-q").exit_code == 1
    two = subprocess_cli("prelabel", table, "-o", tmp_path / "two.json", "-q", "--workers", "2", "--part-mb", "0.004")
    assert two.returncode == 1
    assert (tmp_path / "two.json").read_bytes() == (tmp_path / "one.json").read_bytes()


@pytest.mark.model
def test_resume_after_a_kill(cli, corpus, tmp_path):
    table, _ = corpus
    big = tmp_path / "big.parquet"  # 30 parts of one row: the kill lands mid-run
    df = pd.read_parquet(table)
    df = pd.concat([df.assign(id=df["id"] + f"~{k}") for k in range(4)], ignore_index=True)
    df.to_parquet(big)
    args = ["prelabel", big, "--format", "parquet", "--part-mb", "0.001", "-q", "-o"]
    assert cli(*args, tmp_path / "clean").exit_code == 1
    clean = _parts(tmp_path / "clean")

    out = tmp_path / "killed"
    proc = subprocess.Popen([sys.executable, "-m", "annotate", *map(str, args), str(out), "--workers", "2"],
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 300
    while not list((out / "relations").glob("part-*")) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the parent and its workers, at once
    proc.wait()
    before = _parts(out)
    assert 0 < len(before) < len(clean), "the kill should land mid-run"

    r = cli(*args, out, "--resume")
    assert r.exit_code == 1
    assert _parts(out) == clean
    docs = _table(out, "documents")
    assert not docs["doc_id"].duplicated().any() and len(docs) == len(_table(tmp_path / "clean", "documents"))
    assert not list(out.rglob(".*.tmp"))

    # the same folder with other options is not resumed
    r = cli("prelabel", big, "--format", "parquet", "--part-mb", "0.5", "-q", "-o", out, "--resume")
    assert r.exit_code == 1 and "other options (part_mb)" in r.stderr



NO_FORK_SERVER = ("import sys, annotate.scale.forkserver as f; f.available = lambda: False; "
                  "from annotate.cli import main; sys.argv[0] = 'annotate'; main()")


@pytest.mark.model
def test_without_a_fork_server_each_worker_loads_the_model_and_the_output_is_the_same(cli, corpus, tmp_path):
    """Where the platform cannot fork, the workers are spawned and each loads the model."""
    table, _ = corpus
    args = [table, "--format", "parquet", "--part-mb", "0.004"]
    assert cli("prelabel", *args, "-q", "-o", tmp_path / "one").exit_code == 1
    r = subprocess.run([sys.executable, "-c", NO_FORK_SERVER, "prelabel", *map(str, args), "-o",
                        str(tmp_path / "two"), "--workers", "2"], cwd=REPO, capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 1 and r.stderr.count("error:") == 1, r.stderr
    # Each worker loads it when it takes its first part; on a busy machine one worker may take
    # every part of this small table before the other has started, so one load is possible.
    assert re.search(r"parts, 2 workers \(model loaded (2 times|once, in a worker)\); peak RSS", r.stderr), r.stderr
    assert _parts(tmp_path / "two") == _parts(tmp_path / "one")


@pytest.mark.parametrize("where", [["--workers", "2"], ["--scheduler", "local:2"]])
def test_a_missing_model_is_one_line_before_any_worker_starts(corpus, tmp_path, where):
    table, _ = corpus
    out = tmp_path / "out"
    r = subprocess_cli("prelabel", table, "--format", "parquet", "-o", out, *where,
                       env={**os.environ, "ANNOTATE_MODEL_DIR": str(tmp_path / "no-model")})
    assert r.returncode == 1
    assert r.stderr.strip().splitlines() == [
        f"error: model not found at {tmp_path / 'no-model'} — run `annotate model fetch`"]
    assert not list(out.glob("*/part-*"))


def test_a_worker_reuses_a_pipeline_only_for_the_same_options(monkeypatch):
    """The pipeline a worker inherits from the fork server is used when it was loaded for the
    run's options (rules switched off), and loaded again for others."""
    import annotate.nlp
    import annotate.scale.worker as worker

    loads = []
    monkeypatch.setattr(annotate.nlp, "load_nlp", lambda disabled=(): loads.append(tuple(disabled)) or object())
    for name, value in (("_NLP", None), ("_NLP_KEY", None), ("_LOADED_BY", 0)):  # restored after the test
        monkeypatch.setattr(worker, name, value)
    inherited = worker.load_model(("claim.title",))
    assert loads == [("claim.title",)] and worker.loaded_by() == os.getpid()
    assert worker.load_model(("claim.title",)) is inherited and len(loads) == 1  # hit: the same options
    other = worker.load_model(())  # near miss: another rule set
    assert other is not inherited and loads == [("claim.title",), ()]


def test_a_damaged_model_in_a_worker_is_one_line(monkeypatch):
    import annotate.nlp
    import annotate.scale.worker as worker

    def damaged(disabled=()):
        raise OSError("[E053] Could not read meta.json from /cache/pipeline")

    monkeypatch.setattr(annotate.nlp, "load_nlp", damaged)
    for name, value in (("_NLP", None), ("_NLP_KEY", None), ("_LOADED_BY", 0)):  # restored after the test
        monkeypatch.setattr(worker, name, value)
    with pytest.raises(worker.ModelLoadError, match=r"^the model cannot be loaded \(OSError: \[E053\] Could not "
                       r"read meta.json from /cache/pipeline\): run `annotate model fetch --force`$"):
        worker.load_model()


@pytest.mark.model
def test_disable_rule_reaches_the_workers(corpus, tmp_path):
    """--disable-rule is applied by the worker processes too (each loads its own pipeline)."""
    table, _ = corpus
    args = [table, "--format", "parquet", "--part-mb", "0.004", "-q", "--workers", "2"]
    assert subprocess_cli("prelabel", *args, "-o", tmp_path / "on").returncode == 1
    assert "claim.title" in set(_table(tmp_path / "on", "spans")["rule_id"])
    off = subprocess_cli("prelabel", *args, "-o", tmp_path / "off", "--disable-rule", "claim.title")
    assert off.returncode == 1, off.stderr
    rules = set(_table(tmp_path / "off", "spans")["rule_id"])
    assert rules and "claim.title" not in rules


@pytest.mark.model
def test_categorical_columns_pass_through_as_their_values(cli, corpus, tmp_path):
    table, _ = corpus
    df = pd.read_parquet(table)
    df["source"] = df["source"].astype("category")
    df["year"] = df["year"].astype("category")
    f = tmp_path / "cat.parquet"
    df.to_parquet(f)
    out = tmp_path / "out"
    assert cli("prelabel", f, "--format", "parquet", "-o", out, "--part-mb", "0.004", "-q").exit_code == 1
    docs = pd.read_parquet(out / "documents")  # every part, as a pandas user reads them
    good = df[df["text"].str.strip() != ""]
    assert docs["meta_source"].tolist() == good["source"].astype(str).tolist()
    assert docs["year"].tolist() == good["year"].astype(int).tolist()


@pytest.mark.model
def test_resume_after_the_input_changed_redoes_the_changed_parts(cli, corpus, tmp_path):
    table, _ = corpus
    df = pd.read_parquet(table)
    t = tmp_path / "t.parquet"
    df.to_parquet(t)
    args = ["prelabel", t, "--format", "parquet", "--part-mb", "0.001", "-q", "-o"]  # a part per article
    out = tmp_path / "out"
    assert cli(*args, out).exit_code == 1
    inode = {p.relative_to(out): p.stat().st_ino for t in TABLES for p in (out / t).glob("part-*")}

    changed = df.copy()
    changed.loc[3, "text"] = "新的第一段。我们要坚持创新。\n\n" + changed.loc[3, "text"]
    changed.iloc[:-1].to_parquet(t)  # one article changed, the last one gone
    r = cli(*args, out, "--resume")
    assert r.exit_code == 1 and r.stderr.count("error:") == 1  # the bad row, reported again
    assert cli(*args, tmp_path / "clean").exit_code == 1
    assert _parts(out) == _parts(tmp_path / "clean")  # as if run from scratch on the new input
    now = {p.relative_to(out): p.stat().st_ino for t in TABLES for p in (out / t).glob("part-*")}
    rewritten = {p.name for p, ino in now.items() if inode[p] != ino}
    assert len(rewritten) == 1 and len([p for p in now if inode[p] != now[p]]) == 3  # one part, three tables
    assert len(inode) - len(now) == 3  # the last part is gone
    st = t.stat()
    assert json.loads((out / "_prelabel.json").read_text(encoding="utf-8"))["files"] == {
        str(t): [st.st_size, st.st_mtime_ns]}


def _tree(pid: int) -> dict[int, int]:
    """Every process under `pid` (read from /proc) → its parent: the fork server, the
    resource tracker, and the workers (children of the fork server, or spawned children)."""
    parents = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                parents[int(d.name)] = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
    tree: dict[int, int] = {}
    todo = [pid]
    while todo:
        p = todo.pop()
        for child, parent in parents.items():
            if parent == p and child not in tree:
                tree[child] = parent
                todo.append(child)
    return tree


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _big(corpus, tmp_path, copies: int) -> Path:
    table, _ = corpus
    df = pd.read_parquet(table)
    big = tmp_path / "big.parquet"
    pd.concat([df.assign(id=df["id"] + f"~{k}") for k in range(copies)], ignore_index=True).to_parquet(big)
    return big


@pytest.mark.model
def test_workers_die_with_their_parent(corpus, tmp_path):
    big = _big(corpus, tmp_path, 30)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "annotate", "prelabel", str(big), "--format", "parquet",
                             "--part-mb", "0.02", "-q", "-o", str(out), "--workers", "2"],
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while not list((out / "relations").glob("part-*")) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        tree = _tree(proc.pid)
        server = [p for p, parent in tree.items() if parent == proc.pid and b"forkserver" in _cmdline(p)]
        workers = [p for p, parent in tree.items() if parent in server]  # forked by the fork server
        assert len(server) == 1 and len(workers) == 2 and proc.poll() is None
        os.kill(proc.pid, signal.SIGKILL)  # the parent only: not its fork server, nor their workers
        at_kill = set(_parts(out))
        proc.wait()
        deadline = time.monotonic() + 120
        while any(map(_alive, tree)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(map(_alive, workers)), "the workers outlived their parent"
        assert not any(map(_alive, tree)), "the fork server outlived the command and its workers"
        # at most the part being renamed at the instant of the kill; the queued ones are never written
        assert len(set(_parts(out)) - at_kill) <= 3
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.mark.model
def test_one_run_at_a_time_into_an_output_folder(corpus, tmp_path):
    big = _big(corpus, tmp_path, 100)  # long enough to outlive the second run, even one that loads the model
    other = tmp_path / "other.parquet"
    pd.read_parquet(corpus[0]).iloc[:2].to_parquet(other)
    out = tmp_path / "out"
    a = subprocess.Popen([sys.executable, "-m", "annotate", "prelabel", str(big), "--format", "parquet",
                          "--part-mb", "0.001", "-q", "-o", str(out)],
                         cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while not (out / "_prelabel.json").exists() and time.monotonic() < deadline and a.poll() is None:
            time.sleep(0.05)
        b = subprocess_cli("prelabel", other, "--format", "parquet", "-o", out, "-q")
        assert a.poll() is None, "the first run ended before the second did: make it longer"
        assert b.returncode == 1 and b.stderr.strip().splitlines() == [
            f"error: {out}: another `annotate prelabel` is writing into this folder (pid {a.pid}); "
            "wait for it to finish or choose another -o"]
    finally:
        try:
            os.killpg(a.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        a.wait()
    # the lock died with its holder (no stale lock): the folder is free, and holds one run's tables
    c = subprocess_cli("prelabel", other, "--format", "parquet", "-o", out, "-q")
    assert c.returncode == 0, c.stderr
    docs, spans = _table(out, "documents"), _table(out, "spans")
    assert len(docs) == 2 and set(spans["doc_id"]) <= set(docs["doc_id"])


@pytest.mark.model
def test_task_file_from_a_table_keeps_a_line_separator_inside_a_task(cli, tmp_path):
    # A table's metadata goes into data.meta as is; U+2028 is a line break to str.splitlines,
    # which once cut a task in two in the task file (not JSON any more).
    table = tmp_path / "t.jsonl"
    rows = [{"id": "a", "text": "我们要坚持高质量发展。", "note": "一\u2028二"},
            {"id": "b", "text": "必须推进改革。", "note": "三\u2029四"}]
    table.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    for extra in ([], ["--jsonl"]):
        out = tmp_path / f"out{len(extra)}.json"
        r = cli("prelabel", table, "-q", "-o", out, *extra)
        assert r.exit_code == 0, r.stderr
        text = out.read_text(encoding="utf-8")
        tasks = [json.loads(line) for line in text.split("\n") if line] if extra else json.loads(text)
        assert [t["data"]["meta"]["note"] for t in tasks] == ["一\u2028二", "三\u2029四"]


def test_partitions_follow_the_input_size(tmp_path):
    from annotate.scale.parts import AUTO_MAX_BYTES, AUTO_MIN_BYTES, auto_part_bytes

    small = tmp_path / "a.jsonl"
    small.write_text('{"text": "甲。"}\n', encoding="utf-8")
    assert auto_part_bytes([small]) == AUTO_MIN_BYTES
    big = tmp_path / "b.jsonl"
    big.write_bytes(b'{"text": "' + b"x" * 20_000_000 + b'"}\n')
    assert AUTO_MIN_BYTES < auto_part_bytes([big]) < AUTO_MAX_BYTES  # ≈ 1/16 of 20 MB
