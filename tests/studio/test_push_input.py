"""`push` of a folder with bad entries still pushes the good files (real server, real pre-annotator)."""
import json
import os
import shutil
from pathlib import Path

from studio_helpers import task_ids_by_doc

ARTICLES = Path(__file__).resolve().parents[1] / "fixtures" / "articles"


def test_push_of_a_folder_with_a_link_loop_pushes_the_good_files(cli, conn, title, tmp_path, nlp):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(ARTICLES / "green_development.txt", folder / "a.txt")
    os.symlink("loop2.md", folder / "loop1.md")
    os.symlink("loop1.md", folder / "loop2.md")
    res = cli("push", folder, "--project", title)
    assert res.exit_code == 1, res.output   # done, some input bad (reported), as for prelabel
    assert "Traceback" not in res.output
    skipped = [ln for ln in res.stderr.splitlines() if ln.startswith("error:")]
    assert sorted(skipped) == [f"error: {folder}/loop1.md: symbolic link loop",
                               f"error: {folder}/loop2.md: symbolic link loop"]
    project = next(p for p in conn.sdk.projects.list(title=title) if p.title == title)
    by_doc = task_ids_by_doc(conn, project.id)
    assert len(by_doc) == 1 and all(len(v) == 1 for v in by_doc.values())


def test_push_with_disable_rule_pushes_predictions_without_that_rule(cli, conn, title, tmp_path, nlp):
    """--disable-rule works in push as in prelabel: the rule fires in the article, and not in what is pushed."""
    from annotate.prelabel import prelabel

    rule = "directive.modal"
    article = Path(__file__).resolve().parents[2] / "corpus" / "000_02b36b855911883c.md"
    on = [r for t in prelabel([article], nlp, lambda *e: None) for r in t["predictions"][0]["result"]]
    assert rule in json.dumps(on, ensure_ascii=False)
    res = cli("push", article, "--project", title, "--disable-rule", rule)
    assert res.exit_code == 0, res.output
    project = next(p for p in conn.sdk.projects.list(title=title) if p.title == title)
    pushed = [r for ids in task_ids_by_doc(conn, project.id).values() for tid in ids
              for p in conn.request("p", "GET", "api/predictions/", params={"task": tid}) for r in p["result"]]
    assert pushed and any(r["type"] == "labels" for r in pushed)
    assert rule not in json.dumps(pushed, ensure_ascii=False)
