"""A long install (pip for `make install`, the Label Studio venv) says how far it got
instead of going silent or flooding the screen: pip's output goes to a log file."""
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from annotate import logged_run
from annotate.logged_run import run_logged

REPO = Path(__file__).resolve().parents[1]


def test_progress_lines_while_the_output_goes_to_the_log():
    log, said = io.StringIO(), []
    script = "print('Collecting django==5.1'); print('Collecting rq==2'); print('Installing collected packages: rq')"
    assert run_logged([sys.executable, "-c", script], log, said.append, every=0.0) == 0
    assert log.getvalue().splitlines() == ["Collecting django==5.1", "Collecting rq==2",
                                           "Installing collected packages: rq"]
    assert said[-1].endswith("2 packages fetched, now installing the packages")
    assert "now django==5.1" in said[0]


def test_exit_status_is_passed_on():
    assert run_logged([sys.executable, "-c", "raise SystemExit(3)"], io.StringIO(), print) == 3


def test_the_studio_install_uses_it():
    from annotate.labelstudio import server

    assert server._run_logged is run_logged


def test_the_command_line_keeps_the_screen_short(tmp_path, capsys):
    log = tmp_path / "logs" / "pip.log"
    script = "for i in range(360): print(f'Collecting pkg{i}')"
    assert logged_run.main(["--log", str(log), "--", sys.executable, "-c", script]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) <= 2 and out[-1].startswith("  done in ") and out[-1].endswith(f"(log: {log})")
    assert len(log.read_text().splitlines()) == 360


def test_a_failure_shows_the_end_of_the_log_and_where_the_rest_is(tmp_path, capsys):
    log = tmp_path / "pip.log"
    script = "import sys\nfor i in range(100): print(f'line {i}')\nprint('ERROR: no matching distribution'); sys.exit(1)"
    assert logged_run.main(["--log", str(log), "--", sys.executable, "-c", script]) == 1
    err = capsys.readouterr().err.splitlines()
    assert "ERROR: no matching distribution" in err and "line 0" not in err
    assert err[-1].startswith("error: ") and err[-1].endswith(f"the whole output is in {log}")


@pytest.mark.skipif(shutil.which("make") is None, reason="no make")
def test_make_install_prints_a_few_lines_and_logs_pip_under_cache(tmp_path):
    """The Makefile's install recipe, with a stand-in python whose `-m pip` prints 360 lines."""
    fake = tmp_path / "python"
    fake.write_text('#!/bin/sh\nif [ "$1 $2" = "-m pip" ]; then i=0; while [ $i -lt 360 ]; do '
                    'echo "Collecting pkg$i"; i=$((i+1)); done; exit 0; fi\nexec "%s" "$@"\n' % sys.executable)
    fake.chmod(0o755)
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    r = subprocess.run(["make", "-s", "-C", str(tmp_path), "-f", str(REPO / "Makefile"), f"PYTHON={fake}",
                        ".cache/make/install.stamp"], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) <= 3 and "pip-install.log" in lines[-1], r.stdout
    assert len((tmp_path / ".cache/make/pip-install.log").read_text().splitlines()) == 360
    assert (tmp_path / ".cache/make/install.stamp").exists()


@pytest.mark.skipif(shutil.which("make") is None, reason="no make")
def test_make_demo_ends_with_the_next_steps():
    r = subprocess.run(["make", "-s", "-C", str(REPO), "demo-next", "PROJECT=试点"], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    text = r.stdout
    assert "Correct a task" in text and "guidelines/manual.md" in text
    for command in ("annotate export --project 试点 -o exports/", "annotate report --project 试点 -o exports/",
                    "annotate calibrate --project 试点", "annotate studio down"):
        assert command in text
    demo = (REPO / "Makefile").read_text().split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    assert demo.rstrip().endswith("demo-next")  # the last thing `make demo` prints
