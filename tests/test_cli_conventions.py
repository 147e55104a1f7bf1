"""The conventions every command follows (docs/cli.md), checked on every command:

- a usage error (unknown option, bad value) is one `error:` line and exit 2;
- a missing input is one `error:` line and exit 1, before any model or server;
- `-o` names a FILE for one JSON document, a FOLDER for several files: the wrong kind is exit 2;
- `--disable-rule ID` switches the rule off wherever the rules run (prelabel, evaluate, serve;
  push: tests/studio/test_push_input.py).
"""
from __future__ import annotations

import json
import re
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.core import TyperGroup
from typer.main import get_command
from typer.testing import CliRunner

from annotate.cli import app

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "corpus" / "000_02b36b855911883c.md"
GOLD = REPO / "gold" / "seed.gold.jsonl"
RULE = "directive.modal"  # fires many times in SOURCE
MISSING = "no-such-input.md"


def run(*args, **kwargs):
    return CliRunner().invoke(app, [str(a) for a in args], **kwargs)


def one_error_line(res) -> str:
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith("error: "), lines[0]
    return lines[0]


def leaf_commands() -> list[tuple[str, ...]]:
    found = []

    def walk(group, path):
        for name, cmd in sorted(group.commands.items()):
            if isinstance(cmd, TyperGroup):
                walk(cmd, path + (name,))
            else:
                found.append(path + (name,))

    walk(get_command(app), ())
    return found


COMMANDS = leaf_commands()


def test_every_command_is_found():
    assert {("prelabel",), ("evaluate",), ("push",), ("serve",), ("train",), ("studio", "up"),
            ("model", "fetch")} <= set(COMMANDS)


# ------------------------------------------------------------------ usage errors: exit 2


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_an_unknown_option_is_one_error_line_and_exit_2(command):
    res = run(*command, "--no-such-option")
    assert res.exit_code == 2, res.output
    line = one_error_line(res)
    assert "No such option: --no-such-option" in line and f"`annotate {' '.join(command)} --help`" in line


@pytest.mark.parametrize("args", [
    ("prelabel", SOURCE, "--format", "xml"),
    ("prelabel", SOURCE, "--disable-rule", "no.such_rule"),
    ("evaluate", SOURCE, "-g", GOLD, "--use", "both"),
    ("evaluate", SOURCE, "-g", GOLD, "--disable-rule", "no.such_rule"),
    ("push", SOURCE, "--project", "P", "--batch-size", "0"),
    ("push", SOURCE, "--project", "P", "--disable-rule", "no.such_rule"),
    ("push", "--project", "P"),  # nothing to push
    ("serve", "--log-level", "loud"),
    ("serve", "--disable-rule", "no.such_rule"),
    ("train", SOURCE, "-g", GOLD, "-o", "m", "--disable-rule", "no.such_rule"),
    ("train", SOURCE, "-g", GOLD),  # neither -o nor --report
    ("calibrate", "--prior-strength", "0"),
    ("calibrate", "--from-snapshot", "x.json"),  # needs -o FILE
    ("studio", "up", "--port", "eighty"),
], ids=lambda a: " ".join(map(str, a)).replace(str(REPO) + "/", ""))
def test_a_bad_value_is_one_error_line_and_exit_2(args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = run(*args)
    assert res.exit_code == 2, res.output
    line = one_error_line(res)
    assert f"`annotate {args[0]}" in line
    if "no.such_rule" in args:
        assert "unknown rule id(s): no.such_rule" in line
    assert list(tmp_path.iterdir()) == []  # nothing done


# ------------------------------------------------------------------ missing input: exit 1


@pytest.mark.parametrize("args", [
    ("prelabel", MISSING, "-o", "out.json"),
    ("prelabel", SOURCE, "--calibration", MISSING, "-o", "out.json"),
    ("evaluate", MISSING, "-g", GOLD, "-o", "out"),
    ("evaluate", SOURCE, "-g", MISSING, "-o", "out"),
    ("push", MISSING, "--project", "P"),
    ("push", "--tasks", MISSING, "--project", "P"),
    ("train", MISSING, "-g", GOLD, "-o", "out"),
    ("report", "--from-snapshot", MISSING, "-o", "out"),
    ("calibrate", "--from-snapshot", MISSING, "-o", "out.json"),
    ("model", "fetch", "--wheel", MISSING),
], ids=lambda a: " ".join(map(str, a)).replace(str(REPO) + "/", ""))
def test_a_missing_input_is_one_error_line_and_exit_1(args, tmp_path, monkeypatch):
    import annotate.cli_options as cli_options

    def no_model(*a, **k):
        raise AssertionError("the model was loaded for an input that does not exist")

    monkeypatch.setattr(cli_options, "load_nlp", no_model)
    monkeypatch.setenv("ANNOTATE_MODEL_DIR", str(tmp_path / "model"))  # `model fetch` must not touch the cache
    monkeypatch.delenv("LABEL_STUDIO_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    res = run(*args)
    assert res.exit_code == 1, res.output
    assert MISSING in one_error_line(res)
    assert not (tmp_path / "out").exists() and not (tmp_path / "out.json").exists()


# ------------------------------------------------------------------ -o: a FILE or a FOLDER


def output_options():
    for command in COMMANDS:
        cmd = get_command(app)
        for name in command:
            cmd = cmd.commands[name]
        for param in cmd.params:
            if "-o" in param.opts:
                yield command, param


def test_every_output_option_is_o_output_and_says_file_or_folder():
    seen = set()
    for command, param in output_options():
        seen.add(command[-1])
        assert "--output" in param.opts, command
        assert param.metavar in ("FILE", "FOLDER", "PATH"), (command, param.metavar)
        assert "FILE" in param.help or "FOLDER" in param.help, (command, param.help)
    assert seen == {"prelabel", "evaluate", "train", "export", "report", "calibrate"}


@pytest.mark.parametrize("args,kind", [
    (("prelabel", SOURCE, "-o", "{folder}"), "file"),
    (("prelabel", SOURCE, "--format", "csv", "-o", "{file}"), "folder"),
    (("evaluate", SOURCE, "-g", GOLD, "-o", "{file}"), "folder"),
    (("train", SOURCE, "-g", GOLD, "-o", "{file}"), "folder"),
    (("train", SOURCE, "-g", GOLD, "--report", "{file}"), "folder"),
    (("export", "--project", "P", "-o", "{file}"), "folder"),
    (("report", "--from-snapshot", "x.json", "-o", "{file}"), "folder"),
    (("calibrate", "--from-snapshot", "x.json", "-o", "{folder}"), "file"),
    (("prelabel", SOURCE, "-o", "{file}/x.json"), "under a file"),
    (("export", "--project", "P", "-o", "{file}/sub"), "under a file"),
], ids=lambda a: " ".join(map(str, a)).replace(str(REPO) + "/", "") if isinstance(a, tuple) else a)
def test_o_of_the_wrong_kind_is_a_usage_error(args, kind, tmp_path):
    folder, file = tmp_path / "a-folder", tmp_path / "a-file"
    folder.mkdir()
    file.write_text("keep me")
    res = run(*(str(a).format(folder=folder, file=file) for a in args))
    assert res.exit_code == 2, res.output
    line = one_error_line(res)
    assert str(folder if kind == "file" else file) in line  # "folder"/"under a file": the file is named
    assert file.read_text() == "keep me" and list(folder.iterdir()) == []


# ------------------------------------------------------------------ --disable-rule wherever the rules run


def regions_json(tasks) -> str:
    """The predicted regions of the tasks, as text (rule ids are in each region's meta)."""
    return json.dumps([r for t in tasks for p in t["predictions"] for r in p["result"]], ensure_ascii=False)


@pytest.fixture(scope="module")
def rules_on(nlp):
    from annotate.prelabel import prelabel

    def on_error(path, reason):
        raise AssertionError(f"{path}: {reason}")

    tasks = list(prelabel([SOURCE], nlp, on_error))
    assert RULE in regions_json(tasks)  # the rule fires here, so switching it off must show
    return tasks


@pytest.mark.model
def test_disable_rule_switches_the_rule_off_in_prelabel(rules_on, tmp_path):
    out = tmp_path / "tasks.json"
    res = run("prelabel", SOURCE, "--disable-rule", RULE, "-o", out, "-q")
    assert res.exit_code == 0, res.output
    off = json.loads(out.read_text(encoding="utf-8"))
    assert [t["data"]["text"] for t in off] == [t["data"]["text"] for t in rules_on]
    assert RULE not in regions_json(off) and '"labels"' in regions_json(off)


@pytest.mark.model
def test_disable_rule_switches_the_rule_off_in_evaluate(rules_on, tmp_path):
    tasks = tmp_path / "tasks.json"
    tasks.write_text(json.dumps(rules_on, ensure_ascii=False), encoding="utf-8")

    def scored_rules(*args):
        res = run("evaluate", *args, "-g", GOLD, "--json")
        assert res.exit_code == 0, res.output
        return {r["rule_id"] for r in json.loads(res.stdout)["rules"] if r["pred"]}

    on, off = scored_rules(tasks), scored_rules(SOURCE, "--disable-rule", RULE)
    assert RULE in on and RULE not in off and off


@pytest.mark.model
def test_disable_rule_switches_the_rule_off_in_serve(rules_on, tmp_path):
    from annotate.labelstudio.backends import backend_health
    from annotate.labelstudio.config import label_config
    from annotate.process import free_port

    port = free_port()
    log = tmp_path / "serve.log"
    with open(log, "wb") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "annotate", "serve", "--port", str(port),
                                 "--disable-rule", RULE], cwd=REPO, stdout=fh, stderr=subprocess.STDOUT,
                                env={**os.environ, "PYTHONPATH": str(REPO)}, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while backend_health(url) is None:  # wait for the state, not a fixed time
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "annotate serve did not answer /health"
            time.sleep(0.2)
        task = next(t for t in rules_on if RULE in regions_json([t]))
        r = httpx.post(f"{url}/predict", json={"tasks": [{"id": 1, "data": task["data"]}],
                                               "label_config": label_config()}, timeout=120)
        assert r.status_code == 200, r.text
        result = r.json()["results"][0]["result"]
        assert RULE not in json.dumps(result, ensure_ascii=False)
        assert any(x["type"] == "labels" for x in result)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)


# ------------------------------------------------------------------ the documented command lines


def documented_command_lines() -> list[tuple[str, str]]:
    """(where, command) for every `annotate …` line in the README's and docs' code blocks, except
    synopses ([optional], a|b, …) and the error example of docs/cli.md."""
    files = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
    found = []
    for path in files:
        fenced, held = False, ""
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip().startswith("```"):
                fenced = not fenced
                continue
            if not (fenced or line.startswith("    ")):
                continue
            text = held + line.strip().removeprefix("$ ")
            if text.endswith("\\"):  # continued on the next line
                held = text[:-1] + " "
                continue
            held = ""
            for piece in re.split(r"&&|;|\s\|\s", text):
                m = re.match(r"\s*(?:[A-Z_]+=\S+\s+)*((?:python3 -m )?annotate\s.*)$", piece)
                if not m:
                    continue
                command = re.split(r"\s+#|\s[<>]|\s2>", m.group(1))[0].strip()
                if re.search(r"\[|…|\w\|\w|--nope", command):
                    continue
                found.append((f"{path.relative_to(REPO)}:{no}", command))
    return found


def test_every_documented_command_line_parses(monkeypatch):
    """Each documented command's options exist and take the values shown (parsed, not run)."""
    import shlex

    monkeypatch.chdir(REPO)
    root = get_command(app)
    lines = documented_command_lines()
    assert len(lines) > 40 and any("--disable-rule" in c for _, c in lines)
    for where, command in lines:
        args = shlex.split(command)
        args = args[args.index("annotate") + 1:]
        cmd, path = root, ["annotate"]
        while isinstance(cmd, TyperGroup):
            assert args and args[0] in cmd.commands, f"{where}: {command}: no such command"
            path.append(args[0])
            cmd = cmd.commands[args.pop(0)]
        try:
            cmd.make_context(" ".join(path), args)
        except Exception as e:  # noqa: BLE001 — click's usage errors
            raise AssertionError(f"{where}: {command}: {e}") from None


def test_options_are_declared_with_annotated():
    """typer's documented form: `name: Annotated[T, typer.Option(...)] = default`, never an Option as
    the default value (the two forms mixed made the defaults hard to read)."""
    import ast

    old_style = []
    for path in sorted((REPO / "annotate").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for default in node.args.defaults + [d for d in node.args.kw_defaults if d is not None]:
                    if isinstance(default, ast.Call) and getattr(default.func, "attr", "") in ("Option", "Argument"):
                        old_style.append(f"{path.relative_to(REPO)}:{default.lineno} {node.name}")
    assert old_style == []


def test_learning_data_options_need_learn_and_each_other(tmp_path):
    """`studio connect --learn-gold/--learn-with` add to --learn; given wrongly, a usage error before any
    server is reached (exit 2, one line)."""
    gold = REPO / "gold" / "seed.gold.jsonl"
    res = run("studio", "connect", "--project", "x", "--learn-gold", gold, "--learn-with", REPO / "corpus")
    assert res.exit_code == 2 and "give --learn MODEL_DIR too" in res.output
    res = run("studio", "connect", "--project", "x", "--learn", tmp_path / "m", "--learn-gold", gold)
    assert res.exit_code == 2 and "go together" in res.output
