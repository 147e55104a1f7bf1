#!/usr/bin/env python3
"""The behaviour lock: which tasks the annotator makes, under which RULES_REVISION.

    python3 tools/lock_behaviour.py            (= make lock) rewrite tests/data/behaviour.lock.json
    python3 tools/lock_behaviour.py --check    exit 1 with one line when the lock is not current

The lock holds the revision declared in annotate/behaviour.py, the sha256 of the tasks
`annotate prelabel` makes (model_version left out, no calibration, no trained model) for
every file of corpus/ and for a generated set of layouts (the seed article, the test
fixtures' articles and a synthetic one, written again flat, as a CRLF text dump and as HTML), and one digest per
input, so that a failure can name what changed. tests/test_behaviour_lock.py recomputes it.

Rewriting: when the tasks of an input changed and RULES_REVISION is still the lock's, it is
bumped by one in annotate/behaviour.py (printed): new behaviour gets a new model_version.
(Inputs added or removed, e.g. a new corpus file, need no bump: the others' tasks tell.) So after a
rule change, or a merge of two branches that each changed outputs, `make lock` is the one
command to run (a lock with merge-conflict markers: take either side first).
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import html
import json
import os
import re
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))   # this checkout's annotate, not an installed one

LOCK = REPO / "tests" / "data" / "behaviour.lock.json"
BEHAVIOUR = REPO / "annotate" / "behaviour.py"
CORPUS = "corpus"
SEED = REPO / "corpus" / "000_02b36b855911883c.md"
FIXTURES = REPO / "tests" / "fixtures" / "articles"
LAYOUTS = ("flat", "crlf", "html")
# A synthetic article with what the corpus has little of (enumerated heading lines, numbered
# points, a quotation with its speaker, a conclusion marker), laid out like the others.
SYNTHETIC = """# 以改革创新推动高质量发展

　　作者：某某

## 一、深刻认识改革创新的重要意义

改革创新是发展的根本动力。习近平总书记指出：“惟改革者进，惟创新者强，惟改革创新者胜。”我们必须坚持把改革创新摆在突出位置。

**坚持问题导向。**要从实际出发，着力解决突出问题。一是要完善体制机制；二是要加强人才培养。

## 其一，坚持系统观念

统筹推进各项工作。第一，加强顶层设计。第二，鼓励基层探索。

## 第二、坚持人民至上

（一）尊重群众首创精神

群众是真正的英雄。

## 二、扎实推进各项任务

首先，要抓好落实。其次，要强化考核。最后，要营造良好氛围。总之，改革创新永远在路上。
"""


# ---- the generated layouts ---------------------------------------------------------

def _blocks(path: Path) -> list[tuple[str, str]]:
    """(kind, text) of the blocks of the first article of a file, as the project reads it."""
    from annotate.sources import read_file

    doc = read_file(path)[0]
    out = [(b.kind, " ".join(doc.text[b.start:b.end].split())) for b in doc.blocks]
    return [(k, t) for k, t in out if t]


def _layout(blocks: list[tuple[str, str]], variant: str) -> str:
    texts = [t for _, t in blocks]
    if variant == "flat":     # a feed item whose markup was stripped: the body on one line
        return texts[0] + "\n" + "".join(texts[1:]) + "\n"
    if variant == "crlf":     # a crawler's dump: CRLF, a full-width indent, no blank lines
        return "".join(f"\u3000\u3000{t}\r\n" for t in texts)
    tags = {"title": "h1", "heading": "h2", "subheading": "h3"}
    body = "".join(f"<{tags.get(k, 'p')}>{html.escape(t)}</{tags.get(k, 'p')}>\n" for k, t in blocks)
    return f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body>\n{body}</body></html>\n"


def write_layouts(folder: Path) -> list[str]:
    """The generated inputs, written under folder/layouts/; their paths relative to `folder`."""
    out = []
    (folder / "layouts").mkdir()
    synthetic = folder / "layouts" / "synthetic.md"
    synthetic.write_text(SYNTHETIC, encoding="utf-8")
    out.append("layouts/synthetic.md")
    for source in [SEED, *sorted(FIXTURES.iterdir()), synthetic]:
        blocks = _blocks(source)
        for variant in LAYOUTS:
            name = f"layouts/{source.stem}.{variant}.txt" if variant != "html" else f"layouts/{source.stem}.html"
            (folder / name).write_bytes(_layout(blocks, variant).encode("utf-8"))
            out.append(name)
    return out


# ---- the fingerprint ---------------------------------------------------------------------

def _task_lines(paths: list[str], nlp) -> dict[str, list[str]]:
    """input path → its tasks, each as one line of JSON without model_version (or its error)."""
    from annotate.prelabel import encode_task, prelabel

    by_input: dict[str, list[str]] = {}

    def error(path: str, reason: str) -> None:
        by_input.setdefault(path, []).append(f"error: {reason}")

    for task in prelabel(paths, nlp, on_error=error):
        for p in task.get("predictions") or []:
            p.pop("model_version", None)
        by_input.setdefault(task["data"]["path"], []).append(encode_task(task))
    return by_input


def compute(nlp=None) -> dict:
    """{fingerprint, inputs: {path: digest}} of the tasks made now (paths relative to the repository
    for corpus/, to a temporary folder for the generated layouts)."""
    from annotate.learn.component import pipeline_model

    if nlp is None:
        from annotate.nlp import load_nlp

        nlp = load_nlp(model="")
    if pipeline_model(nlp) is not None:
        raise ValueError("the lock is of the rules alone: load the pipeline without a trained model")
    with contextlib.chdir(REPO):
        lines = _task_lines([CORPUS], nlp)
    with tempfile.TemporaryDirectory(prefix="annotate-lock-") as tmp, contextlib.chdir(tmp):
        lines.update(_task_lines(write_layouts(Path(tmp)), nlp))
    whole = hashlib.sha256()
    inputs = {}
    for path in sorted(lines):
        text = "\n".join(lines[path]) + "\n"
        whole.update(path.encode() + b"\0" + text.encode("utf-8"))
        inputs[path] = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return {"fingerprint": whole.hexdigest(), "inputs": inputs}


def _shown(path: Path) -> str:
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def read_lock(path: Path = LOCK) -> dict | None:
    """The lock, None when there is none; ValueError (one line) when it is unreadable."""
    try:
        lock = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except ValueError:
        raise ValueError(f"{_shown(path)}: not JSON (a merge conflict? take either side, "
                         f"then `make lock`)") from None
    if not isinstance(lock, dict) or not {"revision", "fingerprint", "inputs"} <= set(lock):
        raise ValueError(f"{_shown(path)}: no revision, fingerprint and inputs; `make lock` rewrites it")
    return lock


def changed_inputs(lock: dict, now: dict) -> list[str]:
    """The inputs in both the lock and now whose tasks differ."""
    old, new = lock.get("inputs") or {}, now["inputs"]
    return sorted(p for p in old.keys() & new.keys() if old[p] != new[p])


def _some(paths: list[str]) -> str:
    return f"{len(paths)} input(s): {', '.join(paths[:3])}{', …' if len(paths) > 3 else ''}"


def problem(lock: dict | None, revision: int, now: dict) -> str | None:
    """Why the lock is not current (one line), or None."""
    if lock is None:
        return f"{_shown(LOCK)} is missing: run `make lock`"
    if lock["fingerprint"] != now["fingerprint"]:
        changed = changed_inputs(lock, now)
        if changed and lock["revision"] == revision:
            return (f"the tasks changed ({_some(changed)}) but RULES_REVISION is still {revision}: bump it in "
                    f"annotate/behaviour.py and re-lock (`make lock` does both)")
        if changed:
            return f"the tasks changed ({_some(changed)}) and the lock is stale: run `make lock`"
        # inputs added or gone (a new corpus file), the others' tasks unchanged: no new behaviour
        moved = sorted(set(lock.get("inputs") or {}) ^ set(now["inputs"]))
        return f"the locked inputs changed ({_some(moved)}): run `make lock`"
    if lock["revision"] != revision:
        return f"RULES_REVISION is {revision} but the lock says {lock['revision']}: run `make lock`"
    return None


def bump_revision(new: int, path: Path = BEHAVIOUR) -> int:
    """RULES_REVISION = new, written into annotate/behaviour.py; the new revision."""
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(r"^RULES_REVISION = (\d+)\b", re.M)
    m = pattern.search(text)
    if m is None:
        raise ValueError(f"{path}: no `RULES_REVISION = <n>` line")
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text[:m.start(1)] + str(new) + text[m.end(1):], encoding="utf-8")
    os.replace(tmp, path)
    return new


def write_lock(revision: int, now: dict, path: Path = LOCK) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"revision": revision, **now}, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only check; exit 1 when the lock is not current")
    args = parser.parse_args(argv)
    from annotate.behaviour import RULES_REVISION

    try:
        lock = read_lock()
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    now = compute()
    why = problem(lock, RULES_REVISION, now)
    if args.check:
        if why:
            print(f"error: {why}", file=sys.stderr)
            return 1
        print(f"lock current: revision {RULES_REVISION}, {len(now['inputs'])} inputs")
        return 0
    revision = RULES_REVISION
    changed = changed_inputs(lock, now) if lock is not None else []
    if changed:
        print(f"tasks changed for {len(changed)} of {len(now['inputs'])} inputs:")
        for p in changed:
            print(f"  {p}")
        if lock["revision"] >= revision:
            revision = bump_revision(lock["revision"] + 1)
            print(f"RULES_REVISION {RULES_REVISION} → {revision} (annotate/behaviour.py)")
    if why is None:
        print(f"lock already current: revision {revision}, {len(now['inputs'])} inputs")
        return 0
    write_lock(revision, now)
    print(f"written: {_shown(LOCK)} (revision {revision}, {len(now['inputs'])} inputs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
