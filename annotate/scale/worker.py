"""One partition in, one part out: what every worker (process or Dask worker) runs.

    load_model()                  once per worker process (pool initializer / Dask plugin)
    run_partition(part, job)      -> PartResult (counts, errors, JSON text or nothing)

For `--format tasks` the result carries the partition's tasks as JSON text
(the parent writes it in input order); for parquet/csv the worker writes the
part itself, to a path every worker can reach, and returns only counts.
"""
from __future__ import annotations

import resource
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from annotate.prelabel import Summary
from annotate.scale.parts import Partition

if TYPE_CHECKING:  # imported by part_frames: the command reads this module before it starts the fork server
    import pandas as pd

_NLP = None      # this process's pipeline, loaded once
_NLP_KEY = None  # what it was loaded for (model_key): a pipeline for other options is not reused
_LOADED_BY = 0   # pid of the process that loaded it: a worker forked from the fork server inherits it


def model_key(disabled=()) -> tuple:
    """What decides the pipeline: the rules switched off, the trained model and the cache folder."""
    import os

    from annotate.model import model_dir
    from annotate.nlp import MODEL_ENV

    return tuple(disabled), os.environ.get(MODEL_ENV) or "", str(model_dir())


class ModelLoadError(RuntimeError):
    """The pipeline is there but cannot be loaded (a damaged cache): one line for the command."""


def load_model(disabled=()):
    """`disabled`: rule ids switched off (prelabel --disable-rule). A worker forked from the
    fork server (annotate.scale.forkserver) finds the pipeline already there."""
    global _NLP, _NLP_KEY, _LOADED_BY
    key = model_key(disabled)
    if _NLP is None or _NLP_KEY != key:
        import os

        from annotate.model import FETCH_COMMAND, ModelMissing
        from annotate.nlp import load_nlp
        from annotate.prelabel import one_line

        try:
            nlp = load_nlp(disabled)
        except (ModelMissing, ValueError):  # not fetched; an unknown rule id: their own message
            raise
        except Exception as e:  # noqa: BLE001 — from a worker, the parent shows this one line
            raise ModelLoadError(f"the model cannot be loaded ({one_line(e)}): run `{FETCH_COMMAND} --force`"
                                 ) from None
        _NLP, _NLP_KEY, _LOADED_BY = nlp, key, os.getpid()
    return _NLP


def preload_model(disabled=()) -> None:
    """In the fork server, before any worker is forked: load the pipeline, or leave it to the
    workers when that fails (they meet the same error and report it, with its own message)."""
    try:
        load_model(disabled)
    except Exception:  # noqa: BLE001 — reported by the workers, which load it again
        pass


def loaded_by() -> int:
    return _LOADED_BY


def _die_with_parent_linux() -> None:
    """PR_SET_PDEATHSIG: the kernel sends SIGKILL to this process when its parent dies."""
    import ctypes
    import signal
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def watch_parent() -> None:
    """End this worker when the process that started it is gone (a kill -9 of the parent
    would otherwise leave it running, holding the model and writing parts nobody waits for).

    The process that asked for this worker is multiprocessing's `parent_process()`, however
    it was started: spawned by it, or forked by the fork server on its behalf (then the
    kernel's parent is the fork server, which outlives the command while a worker holds
    it). A daemon thread waits on its sentinel — a pipe the parent holds, closed by the
    kernel when it dies — and ends the worker. On Linux the kernel also kills the worker
    when its own parent process dies (PR_SET_PDEATHSIG)."""
    import multiprocessing
    import os
    import threading

    _die_with_parent_linux()
    parent = multiprocessing.parent_process()
    if parent is None:
        return
    if not parent.is_alive():  # died before we got here
        os._exit(1)

    def watch() -> None:
        parent.join()
        os._exit(1)  # no clean-up: the parent, which would collect the result, is gone

    threading.Thread(target=watch, name="annotate-watch-parent", daemon=True).start()


def init_worker(disabled=()) -> None:
    """A pool worker's initializer: die with the parent, then load the model (already there
    when the worker was forked from the fork server)."""
    watch_parent()
    try:
        load_model(disabled)
    except Exception:  # noqa: BLE001 — raised again by run_partition, so the parent gets the error itself
        pass


def set_model(nlp, disabled=()) -> None:
    """Use an already loaded pipeline (the single-process run)."""
    import os

    global _NLP, _NLP_KEY, _LOADED_BY
    _NLP, _NLP_KEY, _LOADED_BY = nlp, model_key(disabled), os.getpid()


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: Linux carries
    ru_maxrss over from the parent across fork + exec, so a child started by a
    process that held the model would report the model."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def own_rss_mb() -> float | None:
    """This process's resident memory that no other process shares (Private_Clean +
    Private_Dirty): a worker forked from the fork server shares the model's pages with
    it until it writes to them. None where /proc/self/smaps_rollup is not there."""
    try:
        with open("/proc/self/smaps_rollup", encoding="ascii") as fh:
            return sum(int(line.split()[1]) for line in fh if line.startswith("Private_")) / 1024
    except (OSError, ValueError):
        return None


@dataclass
class PartResult:
    index: int
    summary: Summary = field(default_factory=Summary)  # this partition's counts and errors
    rows: int = 0                 # table rows that went through
    lines: list[str] | None = None  # --format tasks: the tasks, each encoded (annotate.prelabel.encode_task)
    peak_rss_mb: float = 0.0
    own_rss_mb: float | None = None  # of it, the worker's own memory (not shared with the fork server)
    pid: int = 0
    model_pid: int = 0            # the process that loaded the worker's pipeline (the fork server: one load)


def run_partition(part: Partition, job) -> PartResult:
    """The partition's files through the batch driver (annotate.prelabel.prelabel_each), its
    table rows through the same per-document step; then its tasks (format tasks: encoded
    lines) or its part of the tables (written here)."""
    import os

    from annotate.prelabel import encode_task, one_line, prelabel_documents, prelabel_each
    from annotate.scale.rows import read_row

    nlp = load_model(job.disabled)
    res = PartResult(part.index, pid=os.getpid(), model_pid=loaded_by())
    summary = res.summary
    summary.errors += part.errors
    if part.skip:  # done by an earlier run (--resume): its errors only
        return res
    tasks = []
    meta_rows = []  # per task: the metadata of its row (tables only)
    for _, task in prelabel_each(part.files, nlp, summary, lambda where, reason: summary.errors.append(
            (where, reason)), job.calibration):
        tasks.append(task)
    for row in part.rows:
        try:
            found = prelabel_documents(read_row(row, job.markup, part.table), nlp, job.calibration)
        except Exception as e:  # noqa: BLE001 — one bad row must not stop the batch
            summary.errors.append((f"{part.table}:row {row.number}", one_line(e)))
            continue
        res.rows += 1
        for document, task in found:
            if row.meta:
                task["data"]["meta"] = row.meta
            meta_rows.append(row.meta)
            summary.add(document, task)
            tasks.append(task)
    if job.format == "tasks":
        res.lines = [encode_task(t) for t in tasks]
    else:
        from annotate.scale.output import write_part

        write_part(job.output, part.index, job.format, part_frames(tasks, meta_rows, part.schema))
    res.peak_rss_mb, res.own_rss_mb = peak_rss_mb(), own_rss_mb()
    return res


def part_frames(tasks: list[dict], meta_rows: list[dict], schema) -> dict[str, pd.DataFrame]:
    """The three tables of a part, built by annotate.tables (as `annotate export` does),
    with the rows' metadata columns after the documents' own (renamed meta_NAME where
    a name is taken), typed by the input's schema."""
    import pandas as pd

    from annotate.tables import tables_from_snapshot

    tables = tables_from_snapshot(tasks)
    documents = tables.documents
    if schema is not None and len(schema):
        import pyarrow as pa

        meta = pa.Table.from_pylist(meta_rows, schema=schema).to_pandas(types_mapper=pd.ArrowDtype)
        meta.columns = [f"meta_{c}" if c in documents.columns else c for c in meta.columns]
        documents = pd.concat([documents, meta.set_axis(documents.index)], axis=1)
    return {"documents": documents, "spans": tables.spans, "relations": tables.relations}
