"""model_version names declared behaviour (annotate/behaviour.py), and the lock holds the
developer to it: tests/data/behaviour.lock.json records RULES_REVISION with a fingerprint of
the tasks made for corpus/ and a generated set of layouts (tools/lock_behaviour.py)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))

import lock_behaviour  # noqa: E402


@pytest.mark.model
def test_the_lock_is_current(nlp, monkeypatch):
    """Changed tasks under the same RULES_REVISION fail here, as does a lock left behind by a bump:
    `make lock` (tools/lock_behaviour.py) bumps the revision when needed and rewrites the lock."""
    from annotate.behaviour import RULES_REVISION

    monkeypatch.delenv("ANNOTATE_MODEL", raising=False)
    lock = lock_behaviour.read_lock()
    now = lock_behaviour.compute(nlp)
    why = lock_behaviour.problem(lock, RULES_REVISION, now)
    assert why is None, why


def _lock(revision=3, fingerprint="f" * 64, **inputs):
    return {"revision": revision, "fingerprint": fingerprint, "inputs": inputs or {"corpus/a.md": "1", "corpus/b.md": "2"}}


def test_changed_tasks_under_the_same_revision_ask_for_a_bump():
    now = {"fingerprint": "e" * 64, "inputs": {"corpus/a.md": "1", "corpus/b.md": "9"}}
    why = lock_behaviour.problem(_lock(), 3, now)
    assert "RULES_REVISION is still 3: bump it" in why and "corpus/b.md" in why and "corpus/a.md" not in why
    assert "\n" not in why
    # bumped, but not re-locked: still a failure (the lock is always current)
    assert "the lock is stale: run `make lock`" in lock_behaviour.problem(_lock(), 4, now)
    # the same tasks under another revision: the lock must follow
    same = {"fingerprint": "f" * 64, "inputs": _lock()["inputs"]}
    assert lock_behaviour.problem(_lock(), 4, same) == "RULES_REVISION is 4 but the lock says 3: run `make lock`"
    assert lock_behaviour.problem(_lock(), 3, same) is None
    assert "missing" in lock_behaviour.problem(None, 3, same)
    # a new input (a corpus file added), the others unchanged: re-lock, no new revision
    more = {"fingerprint": "d" * 64, "inputs": {**_lock()["inputs"], "corpus/c.md": "3"}}
    assert lock_behaviour.problem(_lock(), 3, more) == "the locked inputs changed (1 input(s): corpus/c.md): run `make lock`"
    assert lock_behaviour.changed_inputs(_lock(), more) == []


def test_relocking_bumps_the_revision_once(tmp_path, monkeypatch):
    source = tmp_path / "behaviour.py"
    source.write_text('"""x"""\nRULES_REVISION = 7  # bump when outputs change\n', encoding="utf-8")
    assert lock_behaviour.bump_revision(8, source) == 8
    assert source.read_text(encoding="utf-8") == '"""x"""\nRULES_REVISION = 8  # bump when outputs change\n'
    lock = tmp_path / "lock.json"
    lock.write_text("<<<<<<< HEAD\n{}\n=======\n", encoding="utf-8")
    with pytest.raises(ValueError, match="merge conflict"):
        lock_behaviour.read_lock(lock)


def test_the_hash_covers_data_and_libraries_not_code():
    from annotate.behaviour import behaviour_hash, data_files, library_versions

    files, libs = data_files(), library_versions()
    names = [n for n, _ in files]
    assert {"lexicon.toml", "scheme.toml", "user_dict.txt"} <= set(names)
    assert not [n for n in names if n.endswith(".py")]
    assert set(libs) == {"trafilatura", "spacy-pkuseg", "spacy", "sqlglot", "docutils", "pypdf", "python-docx"}
    before = behaviour_hash(files, libs)
    assert behaviour_hash(files, libs) == before
    edited = [(n, b + b"\n# one more word" if n == "lexicon.toml" else b) for n, b in files]
    assert behaviour_hash(edited, libs) != before
    assert behaviour_hash(files, {**libs, "trafilatura": "9.9.9"}) != before
    assert behaviour_hash(files, {**libs, "spacy-pkuseg": "0.0.1"}) != before


def test_a_pure_refactor_keeps_model_version(tmp_path):
    """A copy of the package with its rule, reader and task code edited (a private function renamed,
    a comment added) gives the same model_version: the version names behaviour, not source text."""
    import annotate
    from annotate.behaviour import model_version

    root = tmp_path / "annotate"
    shutil.copytree(Path(annotate.__file__).parent, root, ignore=shutil.ignore_patterns("__pycache__"))
    units = root / "rules" / "units.py"
    units.write_text(units.read_text(encoding="utf-8").replace("def _", "def _renamed_") + "\n# refactored\n",
                     encoding="utf-8")
    for name in ("tasks.py", "sources/articles.py", "pipeline.py", "labelstudio/codec.py"):
        with open(root / name, "a", encoding="utf-8") as f:
            f.write("\n# refactored\n")
    code = "import annotate.behaviour as b; print(b.__file__); print(b.model_version(['quote.saying'], 'm-1'))"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    where, version = out.stdout.split()
    assert Path(where).is_relative_to(tmp_path)  # the copy was the one imported
    assert version == model_version(["quote.saying"], "m-1")
    assert version.startswith("argrules-r") and version.endswith("-off:quote.saying+model:m-1")
