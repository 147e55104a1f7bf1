"""Benchmark: `annotate push` / `annotate export` of N small synthetic tasks against the
bare SDK bulk import / export of the same payload, and a no-op re-push.

    python tests/bench_studio.py [--n 10000] [--batch-size 500] [--keep]

Runs against a local Label Studio: a fresh one in a temporary studio folder
(reusing the server venv of ANNOTATE_STUDIO_VENV or .studio/venv), started and
stopped here — unless LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY name a running
server (its benchmark projects are deleted at the end unless --keep).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

from typer.testing import CliRunner

from annotate.labelstudio.cli import make_app
from annotate.labelstudio.client import Connection, Target
from annotate.labelstudio.export import SERIALIZATION
from annotate.labelstudio.server import Studio, project_root
from annotate.process import free_port

MV = "argrules-bench-0001"
SENTENCES = ["科技创新是发展新质生产力的核心要素。", "我们必须坚持创新驱动发展战略。",
             "习近平总书记指出：“科技创新能够催生新产业。”", "要完善收入分配制度。"]


def synthetic_tasks(n: int) -> list[dict]:
    tasks = []
    for i in range(n):
        title = f"第{i}篇 论新质生产力"
        body = SENTENCES[i % 4] + SENTENCES[(i + 1) % 4]
        text = f"{title}\n\n{body}"
        doc_id = hashlib.sha256(f"bench_{i}.txt\0{text}".encode()).hexdigest()[:16]
        s2 = len(title) + 2
        e2 = s2 + len(SENTENCES[i % 4])
        result = [
            {"id": f"t{i}", "from_name": "label", "to_name": "text", "type": "labels", "origin": "prediction",
             "value": {"start": 0, "end": len(title), "text": title, "labels": ["CLAIM"]},
             "meta": {"text": ["rule: claim.title"]}, "score": 0.9},
            {"id": f"s{i}", "from_name": "label", "to_name": "text", "type": "labels", "origin": "prediction",
             "value": {"start": s2, "end": e2, "text": text[s2:e2], "labels": ["SUPPORT"]},
             "meta": {"text": ["rule: support.short_first"]}, "score": 0.8},
            {"type": "relation", "from_id": f"s{i}", "to_id": f"t{i}", "direction": "right", "labels": ["supports"]},
        ]
        tasks.append({"data": {"text": text, "doc_id": doc_id, "source": f"bench_{i}.txt",
                               "path": f"bench/bench_{i}.md", "index": 0, "kind": "article", "title": title,
                               "authors": "某某", "author_note": "", "column": "", "line_map": [[0, 1], [s2, 3]]},
                      "predictions": [{"model_version": MV, "score": 0.85, "result": result}]})
    return tasks


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def bare_export(conn: Connection, project_id: int) -> int:
    sdk = conn.sdk.projects.exports
    snap = sdk.create(project_id, title="bare", serialization_options=SERIALIZATION)
    while snap.status not in ("completed", "failed"):
        time.sleep(0.5)
        snap = sdk.get(project_id, snap.id)
    data = b"".join(sdk.download(project_id, snap.id, export_type="JSON"))
    sdk.delete(project_id, snap.id)
    return len(json.loads(data))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--batch-size", type=int, default=500)
    ap.add_argument("--keep", action="store_true", help="keep the benchmark projects")
    args = ap.parse_args()

    studio = None
    tmp = tempfile.TemporaryDirectory(prefix="bench-studio-")
    url, key = os.environ.get("LABEL_STUDIO_URL"), os.environ.get("LABEL_STUDIO_API_KEY")
    if not (url and key):
        os.environ["ANNOTATE_STUDIO_HOME"] = tmp.name
        os.environ.setdefault("ANNOTATE_STUDIO_VENV", str(project_root(Path(__file__)) / ".studio" / "venv"))
        for name in ("LABEL_STUDIO_URL", "LABEL_STUDIO_API_KEY"):
            os.environ.pop(name, None)
        studio = Studio.from_env()
        t_up, _ = timed(lambda: studio.up(port=free_port(), say=lambda m: print(m, file=sys.stderr)))
        print(f"server up in {t_up:.1f} s", file=sys.stderr)
        target = Target(studio.url, studio.token(), "studio")
    else:
        target = Target(url, key, "env")
    conn = Connection(target)
    projects = []
    try:
        tasks = synthetic_tasks(args.n)
        payload = Path(tmp.name) / "tasks.json"
        payload.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
        size_mb = payload.stat().st_size / 1e6
        app, runner = make_app(), CliRunner()
        title = f"bench-push-{uuid.uuid4().hex[:6]}"

        def cli(*a):
            res = runner.invoke(app, [str(x) for x in a])
            if res.exit_code != 0:
                raise SystemExit(f"{' '.join(map(str, a[:1]))} failed: {res.output}")
            return res

        rows = []
        t_push, res = timed(lambda: cli("push", "--project", title, "--tasks", payload,
                                        "--batch-size", args.batch_size))
        projects.append(title)
        assert f"{args.n} tasks imported" in res.stdout, res.stdout
        rows.append(("annotate push (new project)", t_push))
        t_noop, res = timed(lambda: cli("push", "--project", title, "--tasks", payload))
        assert f"0 tasks imported, {args.n} already there" in res.stdout, res.stdout
        rows.append(("annotate push again (no-op)", t_noop))
        out = Path(tmp.name) / "export"
        t_export, res = timed(lambda: cli("export", "--project", title, "-o", out))
        rows.append(("annotate export (snapshot + tables)", t_export))

        bare_title = f"bench-bare-{uuid.uuid4().hex[:6]}"
        from annotate.labelstudio.config import label_config

        project = conn.sdk.projects.create(title=bare_title, label_config=label_config())
        projects.append(bare_title)
        t_bare_import, _ = timed(lambda: conn.sdk.projects.import_tasks(project.id, request=tasks,
                                                                         request_options={"timeout_in_seconds": 600}))
        rows.append(("bare SDK import_tasks (one call)", t_bare_import))
        t_bare_export, n = timed(lambda: bare_export(conn, project.id))
        assert n == args.n
        rows.append(("bare SDK export snapshot (JSON)", t_bare_export))

        print(f"\n{args.n} synthetic tasks ({size_mb:.1f} MB JSON, 2 regions + 1 relation each), "
              f"batch size {args.batch_size}, Label Studio at {conn.url}")
        print(f"{'step':40} {'seconds':>8} {'tasks/s':>9}")
        for name, secs in rows:
            print(f"{name:40} {secs:8.1f} {args.n / secs:9.0f}")
        print(f"{'(reference, measured elsewhere)':40} {'≈9 / ≈11':>8}  bare import / export")
    finally:
        if not args.keep:
            for t in projects:
                for p in conn.sdk.projects.list(title=t):
                    if p.title == t:
                        conn.sdk.projects.delete(p.id)
        if studio is not None:
            studio.down(say=lambda m: None)
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
