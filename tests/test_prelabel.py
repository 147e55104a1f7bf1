"""Atomic writes (annotate.atomic) and the batch runner (annotate.prelabel).

The runner tests use the real readers, pipeline and task builder (the session's
`nlp` from conftest.py: skipped when the model is not fetched).
"""
from __future__ import annotations

import inspect
import os
import shutil
from pathlib import Path

import pytest

from annotate.atomic import atomic_open, atomic_write, atomic_write_files
from annotate.prelabel import Summary, count_results

REPO = Path(__file__).resolve().parent.parent
CORPUS = sorted((REPO / "corpus").glob("*.md"))


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# --------------------------------------------------------------------------- atomic_write


def test_atomic_write_str_bytes_and_function(tmp_path):
    target = tmp_path / "out" / "a.json"  # the folder is made
    atomic_write(target, "新质生产力\n")
    assert target.read_text(encoding="utf-8") == "新质生产力\n"
    atomic_write(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    atomic_write(target, lambda fh: fh.write("一\r\n二"))
    assert target.read_bytes() == "一\r\n二".encode("utf-8")  # no newline translation
    assert leftovers(target.parent) == []


def test_atomic_write_failure_keeps_the_old_file(tmp_path):
    target = tmp_path / "a.json"
    target.write_text("old", encoding="utf-8")

    def half(fh):
        fh.write("partial")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        atomic_write(target, half)
    assert target.read_text(encoding="utf-8") == "old"
    assert leftovers(tmp_path) == []


def test_atomic_write_interrupt_creates_nothing(tmp_path):
    target = tmp_path / "new.json"

    def interrupted(fh):
        fh.write("[")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, interrupted)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_atomic_open_streams_and_keeps_the_mode(tmp_path):
    target = tmp_path / "a.jsonl"
    target.write_text("old", encoding="utf-8")
    os.chmod(target, 0o640)
    with atomic_open(target) as fh:
        for i in range(3):
            fh.write(f"{i}\n")
        assert target.read_text(encoding="utf-8") == "old"  # not visible before the end
    assert target.read_text(encoding="utf-8") == "0\n1\n2\n"
    assert target.stat().st_mode & 0o777 == 0o640


def test_atomic_write_dash_is_stdout(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    atomic_write("-", "到标准输出\n")
    assert capsys.readouterr().out == "到标准输出\n"
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_mode_for_secrets(tmp_path):
    target = tmp_path / "token"
    target.write_text("old")
    os.chmod(target, 0o644)
    seen = []
    with atomic_open(target, mode=0o600) as fh:
        seen.append(os.stat(fh.fileno()).st_mode & 0o777)  # private from the start
        fh.write("s3cr3t")
    assert seen == [0o600] and target.stat().st_mode & 0o777 == 0o600
    atomic_write(tmp_path / "new", "x", mode=0o600)
    assert (tmp_path / "new").stat().st_mode & 0o777 == 0o600


def test_atomic_write_files_all_or_nothing(tmp_path):
    out = tmp_path / "out"
    files = atomic_write_files(out, {"a.csv": "a\n", "b.bin": b"\x00", "c.bin": lambda fh: fh.write(b"\x01")},
                               binary={"c.bin"})
    assert [f.name for f in files] == ["a.csv", "b.bin", "c.bin"]
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert before == {"a.csv": b"a\n", "b.bin": b"\x00", "c.bin": b"\x01"}
    assert (out / "a.csv").stat().st_mode & 0o777 == 0o666 & ~_umask()

    def half(fh):
        fh.write(b"partial")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write_files(out, {"a.csv": "new", "b.bin": b"new", "c.bin": half}, binary={"c.bin"})
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # old files, no temporary file


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_atomic_write_rejects_other_content(tmp_path):
    with pytest.raises(TypeError):
        atomic_write(tmp_path / "x", 42)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- source_files, one_line


def test_source_files_checks_each_path_and_lists_a_file_once(tmp_path):
    from annotate.prelabel import source_files

    (tmp_path / "d").mkdir()
    (tmp_path / "empty").mkdir()
    a = tmp_path / "d" / "a.md"
    a.write_text("x", encoding="utf-8")
    errors = []
    got = source_files([a, tmp_path / "missing.md", tmp_path / "d", tmp_path / "empty"],
                       lambda p, r: errors.append((p, r)))
    assert got == [a]
    assert errors == [(str(tmp_path / "missing.md"), "no such file or folder"),
                      (str(tmp_path / "empty"), "no source files found")]


def test_one_line():
    from annotate.prelabel import one_line
    from annotate.sources import SourceError

    assert one_line(SourceError("dir/a.md", "not UTF-8\n (byte 3)")) == "not UTF-8 (byte 3)"
    assert one_line(IndexError("list index\nout of range")) == "IndexError: list index out of range"
    assert one_line(KeyboardInterrupt()) == "KeyboardInterrupt"


# --------------------------------------------------------------------------- Summary


def test_summary_line_and_counts():
    task = {"data": {"text": "…"}, "predictions": [{"model_version": "x", "result": [
        {"id": "a", "type": "labels", "value": {"start": 0, "end": 2, "labels": ["CLAIM"]}},
        {"id": "b", "type": "labels", "value": {"start": 3, "end": 5, "labels": ["QUOTE"]}},
        {"id": "b", "type": "textarea", "value": {"text": ["习近平总书记"]}},
        {"type": "relation", "from_id": "b", "to_id": "a", "direction": "right", "labels": ["supports"]},
    ]}]}
    spans, relations = count_results(task)
    assert spans == {"CLAIM": 1, "QUOTE": 1} and relations == 1
    s = Summary(files=2, articles=3)
    s.add_task(task)
    s.add_task(task)
    s.errors.append(("bad.md", "reason"))
    assert s.line() == ("2 files, 3 articles, spans: CLAIM 2, SUPPORT 0, QUOTE 2, DIRECTIVE 0, "
                        "relations 2, errors 1")


# --------------------------------------------------------------------------- prelabel (real components)


def bad_file(folder: Path) -> Path:
    """A file the readers must refuse: binary, not text."""
    path = folder / "broken.md"
    path.write_bytes(b"\x00\x01\x02binary\x00\x00" * 8)
    return path


def corpus_copy(folder: Path, n: int = 1) -> list[Path]:
    assert CORPUS, "corpus/*.md is part of the repository"
    out = []
    for i in range(n):
        path = folder / f"good{i}.md"
        shutil.copy(CORPUS[0], path)
        out.append(path)
    return out


@pytest.mark.model
def test_prelabel_yields_valid_tasks(nlp, tmp_path):
    from annotate.prelabel import prelabel
    from annotate.validate import validate_task

    corpus_copy(tmp_path)
    errors, progress = [], []
    summary = Summary()
    gen = prelabel([tmp_path], nlp, on_error=lambda p, r: errors.append((p, r)),
                   on_progress=lambda *a: progress.append(a), summary=summary)
    assert inspect.isgenerator(gen)
    tasks = list(gen)
    assert errors == []
    assert tasks and all(validate_task(t) == [] for t in tasks)
    assert summary.files == summary.files_read == 1 and summary.files_failed == 0
    assert summary.tasks == len(tasks) == summary.articles + summary.fragments
    assert sum(summary.spans.values()) > 0
    assert progress[-1][1:] == (1, 1)


@pytest.mark.model
def test_bad_file_is_reported_and_the_batch_goes_on(nlp, tmp_path):
    from annotate.prelabel import prelabel

    good = corpus_copy(tmp_path)[0]
    bad = bad_file(tmp_path)
    errors = []
    summary = Summary()
    tasks = list(prelabel([bad, good], nlp, on_error=lambda p, r: errors.append((p, r)), summary=summary))
    assert tasks
    assert len(errors) == 1 and errors[0][0] == str(bad)
    reason = errors[0][1]
    assert "\n" not in reason and reason and not reason.startswith(str(bad))
    assert summary.files == 2 and summary.files_failed == 1 and summary.files_read == 1
    assert summary.errors == errors


@pytest.mark.model
def test_missing_path_and_empty_folder_are_errors(nlp, tmp_path):
    from annotate.prelabel import prelabel

    (tmp_path / "empty").mkdir()
    errors = []
    tasks = list(prelabel([tmp_path / "nope.md", tmp_path / "empty"], nlp,
                          on_error=lambda p, r: errors.append((p, r))))
    assert tasks == []
    assert [p for p, _ in errors] == [str(tmp_path / "nope.md"), str(tmp_path / "empty")]


@pytest.mark.model
def test_invalid_task_and_crash_are_file_errors(nlp, tmp_path, monkeypatch):
    import annotate.pipeline
    import annotate.tasks
    import annotate.validate
    from annotate.prelabel import prelabel

    a, b, c = corpus_copy(tmp_path, 3)
    real_validate, real_annotate = annotate.validate.validate_task, annotate.pipeline.annotate_document

    current = {}  # the document whose task is being checked (to_task, then validate_task, in turn)
    real_to_task = annotate.tasks.to_task

    def to_task(document, doc, calibration=None):
        current["path"] = Path(document.path)
        return real_to_task(document, doc, calibration)

    def validate(task):  # the real check, plus one problem for good1.md
        problems = real_validate(task)
        return problems + (["span 3: end before start"] if current["path"].name == b.name else [])

    def annotate_doc(nlp_, document):
        if Path(document.path).name == c.name:
            raise IndexError("list index out of range")
        return real_annotate(nlp_, document)

    monkeypatch.setattr(annotate.validate, "validate_task", validate)
    monkeypatch.setattr(annotate.tasks, "to_task", to_task)
    monkeypatch.setattr(annotate.pipeline, "annotate_document", annotate_doc)
    errors = []
    summary = Summary()
    tasks = list(prelabel([a, b, c], nlp, on_error=lambda p, r: errors.append((p, r)), summary=summary))
    assert tasks and summary.files_read == 1
    assert [Path(p).name for p, _ in errors] == [b.name, c.name]
    assert "invalid task: span 3: end before start" in errors[0][1]
    assert errors[1][1] == "IndexError: list index out of range"


@pytest.mark.model
def test_prelabel_streams_one_file_at_a_time(nlp, tmp_path, monkeypatch):
    import annotate.sources
    from annotate.prelabel import prelabel

    files = corpus_copy(tmp_path, 3)
    read = []
    real_read = annotate.sources.read_file

    def spy(path):
        read.append(Path(path).name)
        return real_read(path)

    monkeypatch.setattr(annotate.sources, "read_file", spy)
    gen = prelabel(files, nlp, on_error=lambda p, r: None)
    next(gen)
    assert read == [files[0].name]  # the first task came before the second file was read
    list(gen)
    assert read == [f.name for f in files]
