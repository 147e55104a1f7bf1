"""A long install (the Label Studio venv) says how far it got instead of going silent."""
import io
import sys

from annotate.labelstudio import server


def test_progress_lines_while_the_output_goes_to_the_log(monkeypatch):
    monkeypatch.setattr(server, "PROGRESS_EVERY", 0.0)
    log, said = io.StringIO(), []
    script = "print('Collecting django==5.1'); print('Collecting rq==2'); print('Installing collected packages: rq')"
    assert server._run_logged([sys.executable, "-c", script], log, said.append) == 0
    assert log.getvalue().splitlines() == ["Collecting django==5.1", "Collecting rq==2",
                                           "Installing collected packages: rq"]
    assert said[-1].endswith("2 packages fetched, now installing the packages")
    assert "now django==5.1" in said[0]


def test_exit_status_is_passed_on():
    assert server._run_logged([sys.executable, "-c", "raise SystemExit(3)"], io.StringIO(), print) == 3
