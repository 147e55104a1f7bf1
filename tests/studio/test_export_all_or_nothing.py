"""Export against the real server: all-or-nothing tables, and an unusable -o caught before the snapshot."""
from studio_helpers import FIXTURE, one_error_line


def tables(out):
    return {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}


def test_export_that_cannot_write_a_table_leaves_the_old_ones(cli, title, tmp_path):
    assert cli("push", "--project", title, "--tasks", FIXTURE).exit_code == 0
    out = tmp_path / "exports"
    res = cli("export", "--project", title, "-o", out)
    assert res.exit_code == 0, res.output
    (out / "relations.csv").unlink()
    (out / "relations.csv").mkdir()
    before = tables(out)
    assert len(before) == 5
    raws = sorted((out / "raw").iterdir())
    res = cli("export", "--project", title, "-o", out)
    assert res.exit_code == 1
    line = one_error_line(res)
    assert "relations.csv" in line and "previous tables are unchanged" in line
    assert tables(out) == before                        # byte-identical
    assert sorted((out / "raw").iterdir()) == raws      # no raw record without its tables
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exports"]  # no staging folder left


def test_export_to_a_file_fails_before_the_snapshot(cli, tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("keep", encoding="utf-8")
    # the project does not exist: the error about -o proves nothing was asked of the server first
    res = cli("export", "--project", "no-such-project-anywhere", "-o", afile)
    assert res.exit_code == 2  # -o of the wrong kind: a usage error (docs/cli.md)
    line = one_error_line(res)
    assert f"-o {afile} is a file, not a folder" in line
    res = cli("export", "--project", "no-such-project-anywhere", "-o", afile / "sub")
    assert res.exit_code == 2 and "is a file, not a folder" in one_error_line(res)
    assert afile.read_text(encoding="utf-8") == "keep"
