"""Pre-labelling whole corpora: tables in, tables out, every core, a Dask cluster.

    job = Job(format="parquet", output="out/", workers=2)
    summary = run_job(paths, job, on_error=..., on_progress=...)

The input (source files, and .parquet/.jsonl/.csv tables whose rows are
articles) is cut into partitions of about `part_mb` MB of text, by default a
size that follows the input's (parts.py);
each partition is pre-labelled by a worker (worker.py) on this process, a
process pool or a Dask cluster (cluster.py), whose processes are forked, with
the model loaded once, from a fork server (forkserver.py);
the results come back in input order, so the output is the same for any
number of workers. `--format tasks` writes one Label Studio task file as
`annotate prelabel` always did; parquet/csv write a folder of parts
(output.py) with the documents/spans/relations tables of `annotate export`
(annotate.tables), and `resume` skips the parts an earlier run completed
from the same input (output.py: a digest per part), redoing the parts whose
input changed. One run writes a folder at a time (output.locked).
"""
from __future__ import annotations

import contextlib
import os
from dataclasses import asdict, dataclass, field
from typing import Callable, Iterable

from annotate.prelabel import Summary

FORMATS = ("tasks", "parquet", "csv")


@dataclass(frozen=True)
class Job:
    format: str = "tasks"            # tasks | parquet | csv
    output: str = "exports/prelabels.json"
    jsonl: bool = False              # tasks: JSON Lines instead of a JSON array
    text_column: str = "text"
    id_column: str = "id"
    title_column: str = "title"
    explicit_columns: frozenset = field(default_factory=frozenset)
    markup: str = "txt"              # how a row's text is read: txt | md | html
    part_mb: float | None = None     # MB of text (UTF-8) per partition / output part; None: by the input's size
    workers: int = 1
    scheduler: str | None = None     # a Dask scheduler address, or local:N
    resume: bool = False
    disabled: tuple = ()             # rule ids switched off (--disable-rule)
    calibration: object = None       # annotate.calibration.Calibration (--calibration), loaded once

    def manifest(self, paths) -> dict:
        """What makes part N the same part: checked by --resume."""
        from annotate.tasks import model_version

        keep = ("format", "text_column", "id_column", "title_column", "markup", "part_mb", "disabled")
        d = {k: v for k, v in asdict(self).items() if k in keep}
        d["disabled"] = list(self.disabled)  # as it reads back from the JSON manifest
        return {**d, "inputs": [os.fspath(p) for p in paths], "model_version": model_version(self.disabled)}


@dataclass
class RunStats:
    parts: int = 0
    parts_skipped: int = 0
    rows: int = 0
    workers: int = 1
    worker_peak_rss_mb: float = 0.0
    worker_own_rss_mb: float | None = None  # the largest memory of a worker not shared with the fork server
    worker_pids: set = field(default_factory=set)
    model_pids: set = field(default_factory=set)  # the processes that loaded the workers' pipelines


def run_job(paths: Iterable, job: Job, on_error: Callable[[str, str], object],
            on_progress: Callable[[RunStats], object] | None = None,
            summary: Summary | None = None, stats: RunStats | None = None, nlp=None,
            write_tasks: Callable[[list[str]], object] | None = None) -> Summary:
    """Run the job; every error → on_error(where, reason) in input order.
    `write_tasks(lines)` receives the encoded tasks of each part in order (format tasks)."""
    from annotate.scale.output import locked

    paths = list(paths)
    summary = summary if summary is not None else Summary()
    stats = stats if stats is not None else RunStats()

    def error(where: str, reason: str) -> None:
        summary.errors.append((where, reason))
        on_error(where, reason)

    with contextlib.ExitStack() as stack:
        if job.format != "tasks":
            stack.enter_context(locked(job.output))
        return _run(paths, job, error, on_progress, summary, stats, nlp, write_tasks)


def _run(paths, job, error, on_progress, summary, stats, nlp, write_tasks) -> Summary:
    from annotate.scale.cluster import executor
    from annotate.scale.output import finish, mark_done, start, unmark, write_manifest
    from annotate.scale.parts import Partition, auto_part_bytes, partitions
    from annotate.scale.rows import Columns
    from annotate.scale.worker import run_partition

    tables = job.format != "tasks"
    manifest = job.manifest(paths)
    done: dict[int, str] = start(job.output, job.format, manifest, job.resume) if tables else {}
    inputs: dict = {}  # every input file → [size, mtime_ns], recorded in the manifest at the end
    columns = Columns(job.text_column, job.id_column, job.title_column, job.explicit_columns)
    files: set[str] = set()
    sent: dict[int, Partition] = {}  # index → the part in flight (its digest and inputs, for the marker)

    def todo(error):
        part_bytes = int(job.part_mb * 1e6) if job.part_mb else auto_part_bytes(paths)
        for part in partitions(paths, part_bytes, columns, error):
            files.update(part.files)
            if part.table:
                files.add(part.table)
            stats.parts += 1
            inputs.update(part.inputs)
            if done.get(part.index) == part.digest:
                stats.parts_skipped += 1
                # only its errors travel, so that they are reported again, in order
                yield Partition(part.index, table=part.table, errors=part.errors, skip=True)
                continue
            if part.index in done:  # made from another input: its marker goes before its files change
                unmark(job.output, part.index)
            if tables:
                sent[part.index] = Partition(part.index, digest=part.digest, inputs=part.inputs)
            yield part

    # With workers, the input is read (a partition ahead) while they start and load the model.
    parts = _ReadAhead(todo, error) if job.workers > 1 or job.scheduler else todo(error)
    try:
        with executor(job.workers, job.scheduler, nlp, job.disabled) as ex:
            stats.workers = ex.workers
            _collect(ex.map_in_order(run_partition, parts, job), job, error, on_progress, summary, stats,
                     write_tasks, sent, files, mark_done)
    finally:
        if isinstance(parts, _ReadAhead):
            parts.close()
    if tables:
        finish(job.output, stats.parts)
        write_manifest(job.output, {**manifest, "files": inputs})
    summary.files = len(files)
    return summary


def _collect(results, job, error, on_progress, summary, stats, write_tasks, sent, files, mark_done) -> None:
    """Each partition's result, in input order: its errors, counts, tasks and done-marker."""
    for res in results:
        done_part = sent.pop(res.index, None)
        if done_part is not None:
            mark_done(job.output, res.index, done_part.digest, done_part.inputs)
        part = res.summary
        for where, reason in part.errors:
            error(where, reason)
        for name in ("files_read", "files_failed", "articles", "fragments", "tasks", "chars", "relations"):
            setattr(summary, name, getattr(summary, name) + getattr(part, name))
        summary.spans.update(part.spans)
        stats.rows += res.rows
        stats.worker_pids.add(res.pid)
        stats.model_pids.add(res.model_pid)
        stats.worker_peak_rss_mb = max(stats.worker_peak_rss_mb, res.peak_rss_mb)
        if res.own_rss_mb is not None:
            stats.worker_own_rss_mb = max(stats.worker_own_rss_mb or 0.0, res.own_rss_mb)
        if res.lines and write_tasks is not None:
            write_tasks(res.lines)
        summary.files = len(files)
        if on_progress is not None:
            on_progress(stats)


class _ReadAhead:
    """The items of `make(report)` read in a thread, one item ahead of the consumer; what it
    reports (`report(where, reason)`), raises or yields reaches the consumer in order."""

    def __init__(self, make, report):
        import queue
        import threading

        self.report = report
        self.queue: queue.Queue = queue.Queue(maxsize=1)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(make,), name="annotate-read-ahead", daemon=True)
        self.thread.start()

    def _put(self, item) -> bool:
        import queue

        while not self.stop.is_set():
            try:
                self.queue.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def _run(self, make) -> None:
        try:
            for item in make(lambda where, reason: self._put(("report", (where, reason)))):
                if not self._put(("item", item)):
                    return
        except BaseException as e:  # noqa: BLE001 — raised again in the consumer
            self._put(("raise", e))
            return
        self._put(("end", None))

    def __iter__(self):
        while True:
            kind, value = self.queue.get()
            if kind == "item":
                yield value
            elif kind == "report":
                self.report(*value)
            elif kind == "raise":
                raise value
            else:
                return

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
