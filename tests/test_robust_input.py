"""Hostile input for `annotate prelabel`: symbolic link loops, unreadable files and folders,
NUL bytes late in a file, file names that are not UTF-8, an output path under a file,
SIGTERM in the middle of a run.

Each bad path is one `error: PATH: reason` line, the rest of the batch is processed,
the exit status is 1 and no temporary file is left behind. The privilege tests run
the real CLI in a subprocess without the capabilities that let root read anything
(CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), so permission bits bite even as root.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotate.cli import app
from annotate.prelabel import source_files
from annotate.sources import SourceError, display_path, iter_source_files, read_file

from process_helpers import unprivileged_kwargs

REPO = Path(__file__).resolve().parent.parent
ARTICLES = REPO / "tests" / "fixtures" / "articles"
GOOD = ARTICLES / "green_development.txt"
GOOD2 = ARTICLES / "nail_spirit.md"


# --------------------------------------------------------------------------- helpers


def _cli(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "annotate", *map(str, args)], cwd=REPO, capture_output=True,
                          text=True, errors="backslashreplace", timeout=300, **kwargs)


def _error_lines(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if ln.startswith("error:")]


def _nlp_or_skip():
    from annotate.model import ModelMissing
    from annotate.nlp import load_nlp

    try:
        load_nlp()
    except ModelMissing as e:
        if os.environ.get("CI"):
            raise
        pytest.skip(str(e))


@pytest.fixture
def tree(tmp_path):
    """in/ with two good articles, a symbolic link loop, a broken link, an unreadable sub-folder."""
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    shutil.copy(GOOD, root / "a.txt")
    shutil.copy(GOOD2, root / "sub" / "b.md")
    os.symlink("loop2.txt", root / "loop1.txt")
    os.symlink("loop1.txt", root / "loop2.txt")
    os.symlink(root / "nowhere.md", root / "broken.md")
    os.symlink("..", root / "sub" / "up")  # a folder link: not followed, no loop
    locked = root / "locked"
    locked.mkdir()
    shutil.copy(GOOD2, locked / "c.md")
    locked.chmod(0)
    yield root
    locked.chmod(0o755)


# --------------------------------------------------------------------------- discovery (in process)


def test_symlink_loop_and_broken_link_are_reported_and_the_rest_found(tree):
    errors = []
    found = source_files([tree], lambda p, r: errors.append((p, r)))
    names = sorted(f.relative_to(tree).as_posix() for f in found)
    assert "a.txt" in names and "sub/b.md" in names
    assert not any(n.startswith(("loop", "broken")) for n in names)
    assert (str(tree / "loop1.txt"), "symbolic link loop") in errors
    assert (str(tree / "loop2.txt"), "symbolic link loop") in errors
    assert (str(tree / "broken.md"), "broken symbolic link (its target does not exist)") in errors
    # the same file named twice (directly and through its folder) is listed once
    again = source_files([tree / "a.txt", tree], lambda p, r: None)
    assert [f.name for f in again].count("a.txt") == 1


def test_iter_source_files_without_on_error_raises_source_error(tree):
    with pytest.raises(SourceError) as e:
        list(iter_source_files([tree / "loop1.txt"]))
    assert e.value.reason == "symbolic link loop"
    with pytest.raises(SourceError, match="no such file or folder"):
        iter_source_files([tree / "a.txt", tree / "missing"])


def test_read_file_on_a_link_loop_is_a_source_error(tree):
    with pytest.raises(SourceError, match="symbolic link loop"):
        read_file(tree / "loop1.txt")


# --------------------------------------------------------------------------- decoding


def test_nul_byte_after_the_first_64k_is_binary(tmp_path):
    text = ("这是正文。" * 10) + "\n"
    body = (text * 3000).encode("utf-8")
    assert len(body) > 3 * 65536
    late = tmp_path / "late.txt"
    late.write_bytes(body + b"\0" + body[:100])
    with pytest.raises(SourceError, match="binary"):
        read_file(late)
    utf16 = tmp_path / "u16.txt"
    utf16.write_bytes(("正文。\n" * 40000 + "\0尾").encode("utf-16"))
    with pytest.raises(SourceError, match="binary"):
        read_file(utf16)
    clean = tmp_path / "clean.txt"
    clean.write_bytes(body)
    assert "\0" not in "".join(d.text for d in read_file(clean))


def test_display_path_escapes_undecodable_bytes():
    name = os.fsdecode(b"caf\xe9-\xff.md")
    assert display_path(name) == "caf\\xe9-\\xff.md"
    assert display_path("正常.md") == "正常.md"
    json.dumps(display_path(name), ensure_ascii=False).encode("utf-8")  # no surrogates left


def test_undecodable_file_name_in_tasks_and_error_lines(tmp_path, nlp):
    folder = tmp_path / "names"
    folder.mkdir()
    good = os.path.join(os.fsencode(folder), b"caf\xe9.txt")
    bad = os.path.join(os.fsencode(folder), b"bin\xff.txt")
    with open(good, "wb") as fh:
        fh.write(GOOD.read_bytes())
    with open(bad, "wb") as fh:
        fh.write(b"\0\1\2")
    out = tmp_path / "out.json"
    res = _cli("prelabel", "-q", folder, "-o", out)
    assert res.returncode == 1, res.stderr
    assert _error_lines(res.stderr) == [f"error: {folder}/bin\\xff.txt: binary file, not text"]
    assert "Traceback" not in res.stderr
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert [t["data"]["path"] for t in tasks] == [f"{folder}/caf\\xe9.txt"]
    assert tasks[0]["data"]["source"] == "caf\\xe9.txt"


# --------------------------------------------------------------------------- the command line


def test_output_under_a_file_is_one_clear_error(tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("keep", encoding="utf-8")
    res = CliRunner().invoke(app, ["prelabel", str(GOOD), "-o", str(afile / "out.json")])
    assert res.exit_code == 2
    assert res.stderr.strip() == f"error: -o {afile}/out.json: {afile} is a file, not a folder; " \
                                 f"see `annotate prelabel --help`"  # a usage error, as for every command
    assert afile.read_text(encoding="utf-8") == "keep"


def test_unreadable_and_looping_input_one_line_each_rest_processed(tree, tmp_path, nlp):
    secret = tmp_path / "secret.txt"
    shutil.copy(GOOD2, secret)
    secret.chmod(0)
    closed = tmp_path / "closed"
    closed.mkdir()
    shutil.copy(GOOD2, closed / "d.md")
    closed.chmod(0)
    try:
        kwargs = unprivileged_kwargs(secret)
        out = tmp_path / "out.json"
        res = _cli("prelabel", "-q", tree, secret, closed, "-o", out, **kwargs)
    finally:
        closed.chmod(0o755)
    assert res.returncode == 1, res.stderr
    assert "Traceback" not in res.stderr
    assert sorted(_error_lines(res.stderr)) == sorted([
        f"error: {tree}/loop1.txt: symbolic link loop",
        f"error: {tree}/loop2.txt: symbolic link loop",
        f"error: {tree}/broken.md: broken symbolic link (its target does not exist)",
        f"error: {tree}/locked: permission denied",
        f"error: {secret}: permission denied",
        f"error: {closed}: permission denied",
    ])
    paths = sorted(t["data"]["path"] for t in json.loads(out.read_text(encoding="utf-8")))
    assert paths == sorted([str(tree / "a.txt"), str(tree / "sub" / "b.md")])


def test_sigterm_during_prelabel_leaves_no_temporary_file(tmp_path, nlp):
    src = tmp_path / "many"
    src.mkdir()
    for i in range(400):  # enough work to be caught in the middle
        shutil.copy(GOOD, src / f"a{i:03}.txt")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "prelabels.json").write_text("[]\n", encoding="utf-8")  # a previous output stays
    proc = subprocess.Popen([sys.executable, "-m", "annotate", "prelabel", "-q", str(src),
                             "-o", str(out_dir / "prelabels.json")],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120

        def tasks_written() -> int:  # bytes of tasks in the temporary output: the run is under way
            size = 0
            for p in out_dir.glob("*.tmp"):
                try:
                    size += p.stat().st_size
                except FileNotFoundError:  # renamed in place at the end of the run
                    pass
            return size

        while tasks_written() < 64_000:  # wait for that state (some tasks out, most to come), not a fixed time
            assert proc.poll() is None, f"finished before it could be terminated: {proc.stderr.read()}"
            assert time.monotonic() < deadline, "the run wrote no tasks"
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM, stderr
    assert _error_lines(stderr) == [f"error: interrupted; {out_dir / 'prelabels.json'} not written"]
    assert sorted(p.name for p in out_dir.iterdir()) == ["prelabels.json"]
    assert (out_dir / "prelabels.json").read_text(encoding="utf-8") == "[]\n"
