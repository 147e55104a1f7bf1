"""The `annotate` command line; every example in the README's CLI section is here.

Tests that run the pipeline are marked `model` and skip when the segmenter model
is not fetched.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotate import __version__
from annotate.cli import app, rules_markdown

REPO = Path(__file__).resolve().parent.parent
CORPUS = sorted((REPO / "corpus").glob("*.md"))
runner = CliRunner()


def run(*args: str, **kwargs):
    return runner.invoke(app, list(args), catch_exceptions=False, **kwargs)


# --------------------------------------------------------------------------- no model needed


def test_version():
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"annotate {__version__}"


def test_no_command_and_no_path_are_usage_errors():
    assert run().exit_code == 2
    result = run("prelabel")
    assert result.exit_code == 2
    assert "Missing argument" in result.stderr


def test_prelabel_output_folder_is_a_usage_error(tmp_path):
    result = run("prelabel", str(tmp_path), "-o", str(tmp_path))
    assert result.exit_code == 2
    assert "is a folder" in result.stderr


def _rules():
    import annotate.pipeline  # noqa: F401 — registers the rules
    from annotate.rules import RULES

    return RULES


def test_rules_table():
    rules = _rules()
    result = run("rules")
    assert result.exit_code == 0
    for rule in rules:
        assert rule.id in result.stdout


def test_rules_markdown():
    rules = _rules()
    result = run("rules", "--markdown")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "| id | label | what it matches | example | near miss |"
    assert lines[1] == "| --- | --- | --- | --- | --- |"
    assert len(lines) == len(rules) + 2
    for line, rule in zip(lines[2:], rules):
        assert line.startswith(f"| `{rule.id}` | {rule.label} | ")
        assert line.count(" | ") - line.count("\\|") == 4
    assert run("rules", "--markdown").stdout == result.stdout  # deterministic


def test_rules_markdown_escapes_cells():
    from annotate.rules import Rule

    rule = Rule("x.y", "CLAIM", "a | b\nc", "例", "", 0.5)
    assert rules_markdown([rule]).splitlines()[2] == "| `x.y` | CLAIM | a \\| b c | 例 |   |"


def test_model_info_when_absent(tmp_path, monkeypatch):
    monkeypatch.setenv("ANNOTATE_MODEL_DIR", str(tmp_path))
    result = run("model", "info")
    assert result.exit_code == 0
    assert str(tmp_path) in result.stdout
    assert "annotate model fetch" in result.stdout


def test_model_fetch_refuses_a_wrong_wheel(tmp_path, monkeypatch):
    monkeypatch.setenv("ANNOTATE_MODEL_DIR", str(tmp_path / "cache"))
    wheel = tmp_path / "pkuseg-0.0.25-cp37-cp37m-manylinux1_x86_64.whl"
    wheel.write_bytes(b"PK not really")
    result = run("model", "fetch", "--wheel", str(wheel))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and "refusing" in result.stderr


# --------------------------------------------------------------------------- with the pipeline


@pytest.mark.model
def test_prelabel_model_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("ANNOTATE_MODEL_DIR", str(tmp_path / "no-model"))
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(CORPUS[0], src / "a.md")
    result = run("prelabel", str(src), "-o", str(tmp_path / "out.json"))
    assert result.exit_code == 1
    assert f"model not found at {tmp_path / 'no-model'}" in result.stderr
    assert "run `annotate model fetch`" in result.stderr
    assert not (tmp_path / "out.json").exists()


@pytest.fixture(scope="module")
def shared_nlp():
    """Load the pipeline once for this module (≈3 s, ≈1 GB) instead of once per command."""
    from annotate.model import is_present, model_dir

    if not is_present():
        pytest.skip(f"segmenter model not fetched at {model_dir()} (run `annotate model fetch`)")
    from annotate.nlp import load_nlp

    return load_nlp()


@pytest.fixture
def cli_nlp(shared_nlp, monkeypatch):
    import annotate.nlp

    monkeypatch.setattr(annotate.nlp, "load_nlp", lambda: shared_nlp)
    return shared_nlp


@pytest.fixture
def folder(tmp_path):
    """One good article file and one bad (binary) file."""
    src = tmp_path / "articles"
    src.mkdir()
    shutil.copy(CORPUS[0], src / "good.md")
    (src / "bad.md").write_bytes(b"\x00\x01\x02binary\x00\x00" * 8)
    return src


@pytest.mark.model
def test_prelabel_good_and_bad_file(cli_nlp, folder, tmp_path):
    out = tmp_path / "exports" / "prelabels.json"
    result = run("prelabel", str(folder), "-o", str(out))
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors and errors[0].startswith(f"error: {folder / 'bad.md'}: ")
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert tasks and all(t["data"]["text"] for t in tasks)
    assert "新质生产力" in out.read_text(encoding="utf-8")  # UTF-8, not \u escapes
    summary = result.stderr.strip().splitlines()[-1]
    assert summary.startswith("2 files, ") and "spans: CLAIM " in summary and summary.endswith("errors 1")


@pytest.mark.model
def test_prelabel_all_good_exits_0(cli_nlp, folder, tmp_path):
    (folder / "bad.md").unlink()
    out = tmp_path / "p.json"
    result = run("prelabel", str(folder / "good.md"), "-o", str(out), "--quiet")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert json.loads(out.read_text(encoding="utf-8"))


@pytest.mark.model
def test_prelabel_to_stdout(cli_nlp, folder):
    result = run("prelabel", str(folder / "good.md"), "-o", "-")
    assert result.exit_code == 0
    tasks = json.loads(result.stdout)
    assert isinstance(tasks, list) and tasks
    assert "errors 0" in result.stderr  # the summary goes to stderr


@pytest.mark.model
def test_prelabel_jsonl(cli_nlp, folder, tmp_path):
    out = tmp_path / "p.jsonl"
    result = run("prelabel", str(folder / "good.md"), "--jsonl", "-o", str(out))
    assert result.exit_code == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines and all(isinstance(json.loads(line), dict) for line in lines)
    as_array = run("prelabel", str(folder / "good.md"), "-o", "-", "--quiet")
    assert [json.loads(line) for line in lines] == json.loads(as_array.stdout)


@pytest.mark.model
def test_prelabel_default_output(cli_nlp, folder, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("prelabel", str(folder / "good.md"))
    assert result.exit_code == 0
    assert json.loads((tmp_path / "exports" / "prelabels.json").read_text(encoding="utf-8"))


@pytest.mark.model
def test_prelabel_nothing_found_keeps_the_old_output(cli_nlp, tmp_path):
    (tmp_path / "empty").mkdir()
    out = tmp_path / "p.json"
    out.write_text("[\"old\"]", encoding="utf-8")
    result = run("prelabel", str(tmp_path / "empty"), "-o", str(out))
    assert result.exit_code == 1
    assert f"error: {tmp_path / 'empty'}: no source files found" in result.stderr
    assert out.read_text(encoding="utf-8") == "[\"old\"]"


@pytest.mark.model
def test_prelabel_write_failure_leaves_nothing(cli_nlp, folder, tmp_path, monkeypatch):
    import annotate.prelabel

    real = annotate.prelabel.prelabel

    def interrupted(*args, **kwargs):
        yield from real(*args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(annotate.prelabel, "prelabel", interrupted)
    out = tmp_path / "p.json"
    result = runner.invoke(app, ["prelabel", str(folder / "good.md"), "-o", str(out)])
    assert result.exit_code != 0
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".p.json")] == []


def test_a_missing_input_is_one_line_before_the_model_loads(tmp_path, monkeypatch):
    import annotate.cli_options as cli_options

    def no_model(*a, **k):
        raise AssertionError("the model was loaded for a path that does not exist")

    monkeypatch.setattr(cli_options, "load_nlp", no_model)
    out = tmp_path / "x.json"
    result = run("prelabel", str(tmp_path / "nosuch.md"), "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"error: {tmp_path / 'nosuch.md'}: no such file or folder"]
    assert not out.exists()
