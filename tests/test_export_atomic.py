"""Export tables are all-or-nothing: the new set is written aside and swapped in; when
anything fails, every old table stays byte-identical and no temporary file is left."""
import json
from pathlib import Path

import pytest

from annotate.atomic import atomic_replace_folder, path_problem
from annotate.labelstudio.export import tables_from_snapshot, write_tables

FIXTURE = Path(__file__).parent / "fixtures" / "tasks_small.json"


def snapshot_tables():
    tasks = json.loads(FIXTURE.read_text(encoding="utf-8"))
    for i, t in enumerate(tasks, 1):
        t["id"] = i
    return tables_from_snapshot(tasks)


def contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def old_export(tmp_path):
    out = tmp_path / "exports"
    out.mkdir()
    (out / "report.csv").write_text("other file\n", encoding="utf-8")  # not ours: left alone
    for name in ("documents", "spans", "relations"):
        (out / f"{name}.csv").write_text(f"old {name}\n", encoding="utf-8")
        (out / f"{name}.parquet").write_bytes(f"old {name} parquet".encode())
    return out


def test_new_tables_replace_the_old_ones(old_export):
    tables = snapshot_tables()
    files = write_tables(tables, old_export)
    assert sorted(f.name for f in files) == sorted(f"{n}.{ext}" for n in ("documents", "spans", "relations")
                                                   for ext in ("csv", "parquet"))
    assert (old_export / "report.csv").read_text(encoding="utf-8") == "other file\n"
    assert (old_export / "spans.csv").read_text(encoding="utf-8").startswith("doc_id,")
    assert sorted(p.name for p in old_export.parent.iterdir()) == ["exports"]  # no staging folder left


def test_a_folder_in_the_way_leaves_every_old_table_byte_identical(old_export):
    (old_export / "relations.csv").unlink()
    (old_export / "relations.csv").mkdir()  # cannot be replaced by a file
    before = contents(old_export)
    with pytest.raises(IsADirectoryError):
        write_tables(snapshot_tables(), old_export)
    assert contents(old_export) == before
    assert sorted(p.name for p in old_export.iterdir()) == sorted([*before, "relations.csv"])
    assert sorted(p.name for p in old_export.parent.iterdir()) == ["exports"]


def test_a_failing_writer_leaves_every_old_table_byte_identical(old_export):
    before = contents(old_export)

    def fails(fh):
        fh.write("half a table")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_replace_folder(old_export, {"documents.csv": "new", "spans.csv": "new", "relations.csv": fails})
    assert contents(old_export) == before


def test_a_rename_failing_half_way_puts_the_old_files_back(old_export, monkeypatch):
    import annotate.atomic as atomic

    before = contents(old_export)
    real = atomic.os.replace
    calls = []

    def flaky(src, dst):
        calls.append(dst)
        if len(calls) == 9:  # 3 staged, 2 tables swapped in, the third old one moved aside
            raise OSError("I/O error")
        return real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", flaky)
    with pytest.raises(OSError, match="I/O error"):
        atomic_replace_folder(old_export, {"documents.csv": "new", "spans.csv": "new", "relations.csv": "new"})
    monkeypatch.setattr(atomic.os, "replace", real)
    assert contents(old_export) == before
    assert [p.name for p in old_export.iterdir() if p.name.startswith(".")] == []


def test_path_problem(tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    assert path_problem(afile, folder=True) == "is a file, not a folder; give a folder name"
    assert path_problem(afile / "out", folder=True) == f"{afile} is a file, not a folder"
    assert path_problem(afile / "deeper" / "out.json") == f"{afile} is a file, not a folder"
    assert path_problem(tmp_path) == "is a folder; give a file name"
    assert path_problem(tmp_path / "new" / "out.json") is None
    assert path_problem("-") is None
