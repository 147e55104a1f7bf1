"""Latency of the ML backend (a real `annotate serve` process over HTTP) beside prelabel's own work.

    python3 tests/bench_backend.py [--repeat 5] [--batch 100]

The same articles (corpus/, read by prelabel's readers) go both ways:

* prelabel: annotate_document + to_task + validate_task in this process (what
  `annotate prelabel` does per document once the model is loaded; file reading
  left out, so the comparison is conservative);
* backend: POST /predict with the task's data (one article; then a batch in one
  request), timed at the client: HTTP, JSON both ways, the Document rebuilt from
  the task data, the same annotation, encoding and validation.

Prints medians, per-article costs and the ratio backend / prelabel (target ≤ 1.2
once loaded). Timings vary from run to run; compare the ratios of one run.
"""
from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotate.labelstudio.backends import backend_health  # noqa: E402
from annotate.labelstudio.config import label_config  # noqa: E402
from annotate.process import free_port  # noqa: E402


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--batch", type=int, default=100)
    args = ap.parse_args()

    from annotate.nlp import load_nlp
    from annotate.pipeline import annotate_document
    from annotate.prelabel import prelabel
    from annotate.tasks import document_from_data, to_task
    from annotate.validate import validate_task

    nlp = load_nlp()
    tasks = list(prelabel([ROOT / "corpus"], nlp, on_error=print))
    one = max(tasks, key=lambda t: len(t["data"]["text"]))
    batch = [tasks[n % len(tasks)] for n in range(args.batch)]
    docs = {id(t): document_from_data(t["data"]) for t in tasks}

    def prelabel_work(items):
        for t in items:
            doc = docs[id(t)]
            task = to_task(doc, annotate_document(nlp, doc))
            assert not validate_task(task)

    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # /predict without a project: no calibration
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "annotate", "serve", "--port", str(port), "--log-level", "warning"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    t0 = time.perf_counter()
    try:
        while backend_health(url) is None:
            if proc.poll() is not None:
                sys.exit("annotate serve did not start")
            time.sleep(0.2)
        load = time.perf_counter() - t0
        config = label_config()
        client = httpx.Client(timeout=600)

        def predict(items):
            r = client.post(f"{url}/predict", json={"tasks": [{"id": n, "data": t["data"]}
                                                              for n, t in enumerate(items)],
                                                    "label_config": config})
            r.raise_for_status()
            assert len(r.json()["results"]) == len(items)

        predict([one])  # warm both sides
        prelabel_work([one])
        p1 = median_time(lambda: prelabel_work([one]), args.repeat)
        b1 = median_time(lambda: predict([one]), args.repeat)
        reps = max(1, args.repeat // 2)
        pb = median_time(lambda: prelabel_work(batch), reps)
        bb = median_time(lambda: predict(batch), reps)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(20)

    n = len(batch)
    chars = sum(len(t["data"]["text"]) for t in batch)
    print(f"backend start (model load) {load:.1f} s")
    print(f"one article ({len(one['data']['text']):,} chars): prelabel {p1 * 1000:.1f} ms, "
          f"backend /predict {b1 * 1000:.1f} ms  → {b1 / p1:.2f}×")
    print(f"batch of {n} in one request ({chars:,} chars): prelabel {pb:.2f} s ({pb / n * 1000:.1f} ms/article), "
          f"backend {bb:.2f} s ({bb / n * 1000:.1f} ms/article)  → {bb / pb:.2f}×")


if __name__ == "__main__":
    main()
