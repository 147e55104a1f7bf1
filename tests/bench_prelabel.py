#!/usr/bin/env python3
"""Benchmark of `annotate prelabel` (a script, not a test).

    python tests/bench_prelabel.py [--mb 1] [--keep DIR]
    python tests/bench_prelabel.py --scaling [1 2 4 8]

Builds a corpus of at least --mb MB by repeating corpus/*.md (each copy with its
own front-matter `source`, so doc_ids differ) in a temporary folder, then runs the
whole prelabel (read + annotate + tasks + write, as the CLI does) and prints:
characters/second of it, characters/second of bare pkuseg segmentation of the same
clean text (nlp.tokenizer on each document's text), their ratio, and the peak RSS,
with the RSS after the first 10% of the files and at the end to show that memory
does not grow with the corpus. Last, the annotation step alone with words only
where a rule needs them (the default) and with every run segmented, and
whether the two give identical tasks. Each ratio is printed beside its target,
from wall time and from process CPU time (on a shared machine the CPU ratio is
the steadier one; the targets are for wall time on an idle machine).

--scaling times the annotation of ONE article of 1, 2, 4 and 8 MB (the seed's
headings and paragraphs over and over, built in memory) and prints seconds,
characters/second and the time ratio to the first size: linear time keeps the
ratio near the size ratio (a quadratic step would square it).
"""
from __future__ import annotations

import argparse
import os
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_PRELABEL = 3.5  # whole prelabel, × bare pkuseg segmentation of the same text
TARGET_RSS_MB = 1100
# Benchmark the checkout this file is in, not whatever `annotate` is installed.
if str(REPO) not in sys.path[:1]:
    sys.path.insert(0, str(REPO))

from article_helpers import big_article, seed_pieces  # noqa: E402 — shared with tests/test_linear_time.py


def rss_mb() -> float:
    """Current resident set size (Linux /proc), in MB."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def build_corpus(folder: Path, mb: float) -> tuple[list[Path], int]:
    seeds = sorted((REPO / "corpus").glob("*.md"))
    if not seeds:
        sys.exit("error: corpus/*.md is empty")
    target = int(mb * 1024 * 1024)
    files, size, n = [], 0, 0
    while size < target:
        for seed in seeds:
            text = seed.read_text(encoding="utf-8")
            stem = f"{n:05d}_{seed.stem}"
            if text.startswith("---\n") and re.search(r"^source:", text, re.M):
                text = re.sub(r"^source:\s*(.*)$", lambda m: f"source: {n:05d}_{m.group(1)}", text, count=1, flags=re.M)
            else:
                text = f"---\nsource: {stem}.txt\n---\n\n{text}"
            path = folder / f"{stem}.md"
            path.write_text(text, encoding="utf-8")
            files.append(path)
            size += path.stat().st_size
            n += 1
            if size >= target:
                break
    return files, size


def time_article(nlp, document) -> tuple[float, float]:
    """(wall seconds, process CPU seconds) to annotate one Document and make its task."""
    from annotate.pipeline import annotate_document
    from annotate.tasks import to_task

    t0, c0 = time.perf_counter(), time.process_time()
    to_task(document, annotate_document(nlp, document))
    return time.perf_counter() - t0, time.process_time() - c0


def scaling(sizes: list[float]) -> int:
    from annotate.model import ModelMissing
    from annotate.nlp import load_nlp

    try:
        nlp = load_nlp()
    except ModelMissing as e:
        sys.exit(f"error: {e}")
    pieces = seed_pieces()
    time_article(nlp, big_article(0.05, pieces))  # warm-up
    first = None
    print(f"{'MB':>5} {'chars':>11} {'wall s':>7} {'CPU s':>7} {'chars/CPU s':>11} {'size ratio':>10} "
          f"{'CPU ratio':>9} {'wall ratio':>10}")
    for mb in sizes:
        document = big_article(mb, pieces)
        wall, cpu = time_article(nlp, document)
        first = first or (mb, wall, cpu)
        print(f"{mb:>5g} {len(document.text):>11,} {wall:>7.1f} {cpu:>7.1f} {len(document.text) / cpu:>11,.0f} "
              f"{mb / first[0]:>10.1f} {cpu / first[2]:>9.1f} {wall / first[1]:>10.1f}", flush=True)
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=1.0, help="corpus size in MB (default 1)")
    ap.add_argument("--keep", type=Path, help="build the corpus in this folder and keep it")
    ap.add_argument("--scaling", type=float, nargs="*", metavar="MB",
                    help="time one article of each size instead (default 1 2 4 8)")
    args = ap.parse_args()
    if args.scaling is not None:
        return scaling(args.scaling or [1, 2, 4, 8])

    from annotate.atomic import atomic_open
    from annotate.model import ModelMissing
    from annotate.prelabel import Summary, TaskWriter, prelabel

    try:
        from annotate.nlp import load_nlp
    except ImportError as e:
        sys.exit(f"error: annotate.pipeline is not available: {e}")

    with tempfile.TemporaryDirectory(prefix="bench-prelabel-") as tmp:
        folder = args.keep or Path(tmp) / "corpus"
        folder.mkdir(parents=True, exist_ok=True)
        files, size = build_corpus(folder, args.mb)
        print(f"corpus: {len(files)} files, {size / 1e6:.2f} MB in {folder}")

        t0 = time.perf_counter()
        try:
            nlp = load_nlp()
        except ModelMissing as e:
            sys.exit(f"error: {e}")
        load_s = time.perf_counter() - t0
        print(f"load_nlp: {load_s:.1f} s, RSS {rss_mb():.0f} MB")

        # 1. the whole prelabel, as `annotate prelabel DIR -o out.json` does it
        summary = Summary()
        marks: dict[str, float] = {}
        tenth = max(1, len(files) // 10)

        def on_progress(_path: str, done: int, _total: int) -> None:
            if done == tenth:
                marks["10%"] = rss_mb()

        errors: list[str] = []
        out = Path(tmp) / "prelabels.json"
        t0, c0 = time.perf_counter(), time.process_time()
        with atomic_open(out) as fh:
            writer = TaskWriter(fh)
            for task in prelabel([folder], nlp, on_error=lambda p, r: errors.append(f"{p}: {r}"),
                                 on_progress=on_progress, summary=summary):
                writer.write(task)
            writer.close()
        full_s, full_cpu = time.perf_counter() - t0, time.process_time() - c0
        marks["end"] = rss_mb()
        for e in errors[:5]:
            print(f"error: {e}")
        chars = summary.chars

        # 2. bare segmentation of the same clean text
        from annotate.sources import read_file

        documents = []
        for path in files:
            try:
                documents.extend(read_file(path))
            except Exception:  # noqa: BLE001 — failed files were reported above
                pass
        texts = [d.text for d in documents]
        seg_chars = sum(len(t) for t in texts)
        t0, c0 = time.perf_counter(), time.process_time()
        for text in texts:
            nlp.tokenizer(text)
        seg_s, seg_cpu = time.perf_counter() - t0, time.process_time() - c0

        # 3. the annotation step alone: words only where a rule needs them (the default)
        #    against segmenting every run; the tasks must be identical.
        from annotate.pipeline import annotate_document
        from annotate.tasks import to_task

        step = {}
        results = {}
        for full in (False, True):
            t0 = time.perf_counter()
            results[full] = [to_task(d, annotate_document(nlp, d, full_segmentation=full)) for d in documents]
            step[full] = seg_chars / (time.perf_counter() - t0)
        identical = results[False] == results[True]

    full_rate = chars / full_s if full_s else float("nan")
    seg_rate = seg_chars / seg_s if seg_s else float("nan")
    print(summary.line())
    print(f"prelabel (read+annotate+tasks+write): {chars:,} chars in {full_s:.1f} s = {full_rate:,.0f} chars/s")
    print(f"bare pkuseg segmentation:             {seg_chars:,} chars in {seg_s:.1f} s = {seg_rate:,.0f} chars/s")
    print(f"ratio prelabel/segmentation:          {full_rate / seg_rate:.2f} wall, "
          f"{(chars / full_cpu) / (seg_chars / seg_cpu):.2f} CPU time (target ≥ {TARGET_PRELABEL})")
    print(f"annotate step, words where needed:    {step[False]:,.0f} chars/s ({step[False] / seg_rate:.2f}x bare segmentation)")
    print(f"annotate step, every run segmented:   {step[True]:,.0f} chars/s ({step[True] / seg_rate:.2f}x bare segmentation)")
    print(f"tasks identical in both modes:        {identical}")
    print(f"RSS after 10% of the files: {marks.get('10%', float('nan')):.0f} MB; at the end: {marks['end']:.0f} MB; "
          f"peak (ru_maxrss): {peak_rss_mb():.0f} MB (target ≤ {TARGET_RSS_MB})")
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end")
    return 1 if errors or not identical else 0


if __name__ == "__main__":
    sys.exit(main())
