#!/usr/bin/env python3
"""Benchmark of `annotate prelabel` on a table corpus: 1 worker, 2 workers, Dask (a script, not a test).

    python tests/bench_scale.py [--mb 50] [--part-mb 4] [--repeat 1] [--keep DIR]

Builds a Parquet table of at least --mb MB of text (one article a row) from the
articles of corpus/ and ../shared/dev2/articles (clean text as the readers give
it; each copy with its own id, so doc_ids differ), then prints, from one run:
characters/s of bare pkuseg segmentation (nlp.tokenizer over every distinct
article, here, in this process); of `annotate prelabel T.parquet --format
parquet` with 1 worker, 2 workers and `--scheduler local:2` (each a fresh
process, timed end to end: start-up and model loading included); their ratios;
the peak RSS of the parent and of each worker as the command reports it; and
whether the three outputs are byte-identical.

On a shared machine the wall times are only as good as the machine was idle: the
load average is printed before and after, `--repeat K` runs the three K times
(interleaved) and keeps the fastest of each, and every run's CPU seconds are
printed too — of the whole process tree, fork server and Dask workers included
(this script makes itself the reaper of the orphans, so that their CPU time is
counted) — with the work of N workers against one worker's (1.00 = no extra
work) and a ratio by CPU time: one worker's CPU seconds against the critical
path of N workers (sampled per process from /proc: the command until it starts
the fork server, the server's model load, the busiest worker, and the command's
other work shared out over the N cores), about what an idle machine would show.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGETS = {"1 worker": 3.5, "2 workers": 1.7, "dask local:2": 1.6}
TARGET_RSS_MB = 1100


def articles() -> list[tuple[str, str, str]]:
    """(name, title, clean text) of every article of the seed corpus and dev2."""
    from annotate.sources import read_file

    files = sorted(f for f in (REPO / "corpus").rglob("*") if f.suffix in (".md", ".html", ".txt"))
    out = []
    for f in files:
        for d in read_file(f):
            if d.kind == "article":
                out.append((f"{f.stem}-{d.index}", d.title or "", d.text))
    if not out:
        sys.exit("error: no articles in corpus/")
    return out


def build_table(path: Path, mb: float, arts) -> tuple[int, int]:
    """Rows of the articles, copy after copy, until --mb MB of text; (rows, bytes)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    target, size, n = int(mb * 1e6), 0, 0
    schema = pa.schema([("id", pa.string()), ("title", pa.string()), ("text", pa.string()),
                        ("copy", pa.int32())])
    with pq.ParquetWriter(path, schema) as w:
        copy = 0
        while size < target:
            batch = {"id": [], "title": [], "text": [], "copy": []}
            for name, title, text in arts:
                batch["id"].append(f"{copy:05d}-{name}")
                batch["title"].append(title)
                batch["text"].append(text)
                batch["copy"].append(copy)
                size += len(text.encode("utf-8"))
                n += 1
                if size >= target:
                    break
            w.write_table(pa.table(batch, schema=schema))
            copy += 1
    return n, size


def bare_pkuseg(arts) -> tuple[float, float]:
    """Characters per second of nlp.tokenizer alone: by wall time, by this process's CPU time."""
    from annotate.nlp import load_nlp

    nlp = load_nlp()
    texts = [t for _, _, t in arts]
    while sum(map(len, texts)) < 500_000:  # at least half a million characters timed
        texts += texts
    t0, c0 = time.perf_counter(), time.process_time()
    for text in texts:
        nlp.tokenizer(text)
    chars = sum(map(len, texts))
    return chars / (time.perf_counter() - t0), chars / (time.process_time() - c0)


def become_subreaper() -> None:
    """Orphans of the runs (the fork server outlives its command by a moment) are re-parented
    to this process, which reaps them, so their CPU time counts in RUSAGE_CHILDREN (Linux)."""
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def reap(timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.05)


def children_cpu() -> float:
    import resource

    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


class TreeWatch:
    """The CPU seconds of every process of a run, sampled from /proc every 50 ms (Linux): the
    command, its fork server and the workers forked from it (or spawned by the command)."""

    def __init__(self, pid: int):
        import threading

        self.pid, self.tick = pid, os.sysconf("SC_CLK_TCK")
        self.procs: dict[int, dict] = {}  # pid → {"parent", "cmd", "cpu"}
        self.parent_cpu_at_server = None  # the command's CPU seconds when its fork server appeared
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _stat(self, pid: int):
        try:
            st = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return int(st[1]), (int(st[11]) + int(st[12])) / self.tick
        except (OSError, IndexError, ValueError):
            return None

    def _run(self) -> None:
        while not self.done.is_set():
            known = {self.pid} | set(self.procs)
            for d in Path("/proc").iterdir():
                if not d.name.isdigit():
                    continue
                pid = int(d.name)
                stat = self._stat(pid)
                if stat is None:
                    continue
                parent, cpu = stat
                if pid in self.procs:
                    self.procs[pid]["cpu"] = cpu
                elif pid == self.pid or parent in known:
                    try:
                        cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
                    except OSError:
                        continue
                    self.procs[pid] = {"parent": parent, "cmd": cmd, "cpu": cpu}
                    if b"forkserver" in cmd and parent == self.pid and self.pid in self.procs:
                        self.parent_cpu_at_server = self.procs[self.pid]["cpu"]
            time.sleep(0.05)

    def stop(self) -> None:
        self.done.set()
        self.thread.join()

    def critical_path(self, n: int) -> float:
        """CPU seconds on the run's critical path — about what it takes on n idle cores: the command
        until it starts the fork server, the server (its imports and the model load), the busiest
        worker, and the command's other work spread over the n cores it shares with the workers."""
        procs = self.procs
        parent = procs.get(self.pid, {"cpu": 0.0})["cpu"]
        servers = [p for p, v in procs.items() if v["parent"] == self.pid and b"forkserver" in v["cmd"]]
        workers = [v["cpu"] for p, v in procs.items() if (v["parent"] in servers) or (
            v["parent"] == self.pid and b"spawn_main" in v["cmd"])]
        if not workers:  # one process
            return parent
        p0 = self.parent_cpu_at_server or 0.0
        server = sum(procs[p]["cpu"] for p in servers)
        return p0 + server + max(workers) + (parent - p0) / n


def prelabel(table: Path, out: Path, part_mb: float, *extra: str) -> dict:
    import shutil

    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "annotate", "prelabel", str(table), "--format", "parquet", "-o", str(out),
           *(("--part-mb", str(part_mb)) if part_mb else ()), *extra]
    reap()
    c0, t0 = children_cpu(), time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watch = TreeWatch(proc.pid)
    stdout, stderr = proc.communicate()
    r = subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr)
    seconds = time.perf_counter() - t0
    reap()
    watch.stop()
    cpu = children_cpu() - c0
    if r.returncode != 0:
        sys.exit(f"error: {' '.join(cmd[2:])} exited {r.returncode}:\n{r.stderr[-2000:]}")
    m = re.search(r"peak RSS: this process (\d+) MB(?:, each worker ≤ (\d+) MB(?: \((\d+) MB not shared\))?)?",
                  r.stderr)
    loads = re.search(r"\(model loaded ([^)]*)\)", r.stderr)
    import pandas as pd

    chars = int(pd.read_parquet(out / "documents", columns=["n_chars"])["n_chars"].sum())
    parent = float(m.group(1)) if m else float("nan")
    worker = float(m.group(2)) if m and m.group(2) else parent
    own = float(m.group(3)) if m and m.group(3) else None
    n = 2 if "--workers" in extra or "--scheduler" in extra else 1
    return {"seconds": seconds, "cpu": cpu, "path": watch.critical_path(n), "chars": chars, "rate": chars / seconds, "parent": parent,
            "worker": worker, "own": own, "loads": loads.group(1) if loads else "",
            "summary": r.stderr.strip().splitlines()[-2:], "parts": parts(out)}


def parts(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("part-*"))}


RUNS = (("1 worker", (), 1), ("2 workers", ("--workers", "2"), 2), ("dask local:2", ("--scheduler", "local:2"), 2))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=50.0, help="MB of text in the table (default 50)")
    ap.add_argument("--part-mb", type=float, help="--part-mb of the runs (default: none, sized to the table)")
    ap.add_argument("--repeat", type=int, default=1, help="run each K times, keep the fastest (default 1)")
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = ap.parse_args()
    sys.path.insert(0, str(REPO))
    become_subreaper()

    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        arts = articles()
        table = work / "corpus.parquet"
        rows, size = build_table(table, args.mb, arts)
        print(f"corpus: {table}, {rows:,} rows ({len(arts)} distinct articles), {size / 1e6:.1f} MB of text; "
              f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}", flush=True)
        seg, seg_cpu = bare_pkuseg(arts)
        print(f"bare pkuseg segmentation:  {seg:,.0f} chars/s ({seg_cpu:,.0f} per CPU second)", flush=True)
        runs: dict[str, dict] = {}
        reference, same = None, True  # the first run's parts: every run's must be the same bytes
        for k in range(args.repeat):
            for name, extra, _ in RUNS:
                out = work / f"out-{name.replace(' ', '-').replace(':', '')}"
                r = prelabel(table, out, args.part_mb, *extra)
                print(f"  run {k + 1}: {name:<13} {r['seconds']:6.1f} s, CPU {r['cpu']:6.1f} s "
                      f"(critical path {r['path']:5.1f} s), "
                      f"load average {os.getloadavg()[0]:.1f}", flush=True)
                reference = reference if reference is not None else r["parts"]
                same = same and r.pop("parts") == reference
                best = runs.get(name)
                if best is None or r["seconds"] < best["seconds"]:
                    runs[name] = {**r, **({k: min(r[k], best[k]) for k in ("cpu", "path")} if best else {})}
                else:
                    best.update({k: min(r[k], best[k]) for k in ("cpu", "path")})
        one = runs["1 worker"]
        for name, _, n in RUNS:
            r = runs[name]
            base = seg if name == "1 worker" else one["rate"]
            vs = "bare pkuseg" if name == "1 worker" else "1 worker"
            print(f"prelabel, {name:<13} {r['chars']:,} chars in {r['seconds']:.1f} s = {r['rate']:,.0f} chars/s, "
                  f"{r['rate'] / base:.2f}x {vs} (target ≥ {TARGETS[name]}x); "
                  f"peak RSS parent {r['parent']:.0f} MB, per worker {r['worker']:.0f} MB (target ≤ {TARGET_RSS_MB})"
                  + (f", {r['own']:.0f} MB not shared" if r["own"] is not None else "")
                  + (f"; model loaded {r['loads']}" if r["loads"] else ""))
            if name == "1 worker":
                print(f"    CPU {r['cpu']:.1f} s: {r['chars'] / r['cpu']:,.0f} chars per CPU second, "
                      f"{r['chars'] / r['cpu'] / seg_cpu:.2f}x bare pkuseg by CPU time")
            else:
                print(f"    CPU {r['cpu']:.1f} s = {r['cpu'] / one['cpu']:.2f}x the work of 1 worker; by CPU time "
                      f"(critical path {r['path']:.1f} s against {one['path']:.1f} s): {one['path'] / r['path']:.2f}x "
                      f"1 worker (target ≥ {TARGETS[name]}x; at most {n * one['cpu'] / r['cpu']:.2f}x on {n} cores)")
        print("  " + one["summary"][0])
        print(f"outputs byte-identical (1 worker, 2 workers, Dask): {same}")
        print(f"load average at the end: {os.getloadavg()[0]:.1f} "
              f"(the figures are only as good as the machine was idle)")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
