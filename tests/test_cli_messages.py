"""CLI messages say what happened and no more (issue 17): inputs checked before the
model loads, nothing claimed unwritten that was written, piped output not wrapped,
fixed choices listed in --help."""
from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

import annotate.cli_options as cli_options
from annotate.cli import app

runner = CliRunner()


def run(*args: str, **kwargs):
    return runner.invoke(app, list(args), catch_exceptions=False, **kwargs)


@pytest.fixture
def no_model(monkeypatch):
    def load(*a, **k):
        raise AssertionError("the model was loaded for an input that cannot be read")

    monkeypatch.setattr(cli_options, "load_nlp", load)


def test_a_table_without_the_text_column_leaves_nothing_behind(tmp_path, no_model):
    table = tmp_path / "t.parquet"
    pd.DataFrame({"body": ["这是一篇文章。"], "id": [1]}).to_parquet(table)
    out = tmp_path / "out_nt"
    result = run("prelabel", str(table), "--format", "parquet", "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: {table}: no text column 'text' (columns: body, id); choose one with --text-column"]
    assert not out.exists()


@pytest.mark.model
def test_empty_tables_written_are_said_to_be_there(tmp_path, nlp, monkeypatch):
    monkeypatch.setattr(cli_options, "load_nlp", lambda *a, **k: nlp)
    table = tmp_path / "e.parquet"
    pd.DataFrame({"text": ["  "], "id": [1]}).to_parquet(table)
    out = tmp_path / "out_e"
    result = run("prelabel", str(table), "--format", "parquet", "-o", str(out), "-q")
    assert result.exit_code == 1
    last = result.stderr.splitlines()[-1]
    assert last == f"error: no articles found in {table}; {out} holds empty tables"
    assert out.is_dir()


@pytest.mark.parametrize("command, shown", [
    (["prelabel"], ["--format <tasks|parquet|csv>", "--markup <txt|md|html>"]),
    (["evaluate"], ["--use <predictions|annotations>"]),
    (["serve"], ["--log-level <critical|error|warning|info|debug|trace>"]),
])
def test_options_with_fixed_values_list_them_in_help(command, shown):
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "200", "TERM": "dumb"})
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    for option in shown:
        assert option in text, result.stdout


def test_the_choices_are_the_ones_the_code_takes():
    from annotate.cli import Markup, OutputFormat
    from annotate.scale import FORMATS
    from annotate.scale.rows import MARKUPS

    assert tuple(f.value for f in OutputFormat) == FORMATS
    assert tuple(m.value for m in Markup) == tuple(MARKUPS)


def test_a_value_not_among_the_choices_is_a_usage_error(tmp_path):
    result = run("prelabel", str(tmp_path), "--format", "xml")
    assert result.exit_code == 2 and "'xml' is not one of 'tasks', 'parquet', 'csv'" in result.stderr


def test_a_folder_without_source_files_is_one_line_before_the_model_loads(tmp_path, no_model):
    (tmp_path / "empty").mkdir()
    out = tmp_path / "x.json"
    result = run("prelabel", str(tmp_path / "empty"), "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"error: {tmp_path / 'empty'}: no source files found"]
    assert not out.exists()


def test_piped_tables_are_not_wrapped():
    from annotate.rules import RULES

    result = run("rules")
    assert result.exit_code == 0
    rows = [line for line in result.stdout.splitlines() if line.startswith("│ ")]
    assert len(rows) == len(RULES)  # one line per rule: no cell wrapped onto a second line
    assert all(r.id in row for r, row in zip(RULES, rows))
