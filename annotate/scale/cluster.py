"""Where the partitions run: this process, a pool of processes, or a Dask cluster.

    with executor(workers=N, scheduler=ADDRESS) as ex:
        for result in ex.map_in_order(fn, items, *args): ...

The model is loaded once per run where the platform forks: by a fork server
started at the start of the run (annotate.scale.forkserver), from which the
pool's processes and a local Dask cluster's workers are forked with the model
in memory; elsewhere (and on a remote cluster) once per worker process — a
process pool's initializer, a Dask WorkerPlugin. Every executor keeps at most
`window` partitions in flight, so the parent's memory is bounded whatever the corpus. Results come
back in submission order (a finished partition waits for the ones before it),
which makes the output identical for any number of workers.

Scheduling itself is left to concurrent.futures and dask.distributed: the
parent only submits and collects.
"""
from __future__ import annotations

import contextlib
import os
from collections import deque
from typing import Callable, Iterable, Iterator


def _bounded_in_order(submit: Callable, result: Callable, items: Iterable, window: int) -> Iterator:
    pending: deque = deque()
    for item in items:
        pending.append(submit(item))
        if len(pending) >= window:
            yield result(pending.popleft())
    while pending:
        yield result(pending.popleft())


class InProcess:
    """One worker: this process, with the model it already loaded."""

    workers = 1

    def map_in_order(self, fn, items, *args):
        for item in items:
            yield fn(item, *args)


class ProcessPool:
    def __init__(self, workers: int, disabled=()):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from annotate.scale.forkserver import model_context
        from annotate.scale.worker import init_worker

        self.workers = workers
        # forked from the fork server, which holds the model (never fork this process: it has
        # pyarrow's threads running, which a fork would copy half-way); where there is no fork,
        # spawned, each loading the model. Each worker ends when this process is gone (a kill -9
        # leaves no orphan).
        ctx = model_context(disabled) or multiprocessing.get_context("spawn")
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx,
                                        initializer=init_worker, initargs=(tuple(disabled),))
        # a pool starts a worker per submission: started now (the fork server forks them once the
        # model is loaded; spawned ones load it) while the parent reads the first partitions
        for _ in range(workers):
            self.pool.submit(os.getpid)

    def map_in_order(self, fn, items, *args):
        return _bounded_in_order(lambda item: self.pool.submit(fn, item, *args),
                                 lambda fut: fut.result(), items, window=2 * self.workers)

    def close(self, cancel: bool = False):
        self.pool.shutdown(wait=not cancel, cancel_futures=cancel)


def _model_plugin(disabled=()):
    from distributed.diagnostics.plugin import WorkerPlugin

    class ModelPlugin(WorkerPlugin):
        """Loads the pipeline once when a worker starts (and on every worker that joins later)."""

        name = "annotate-model"

        def setup(self, worker):
            from annotate.scale.worker import load_model

            try:
                load_model(disabled)
            except Exception:  # noqa: BLE001 — raised again by the first partition, reported by the command
                pass

    return ModelPlugin()


class DaskCluster:
    """A dask.distributed client: `local:N` starts a LocalCluster of N worker processes
    (one thread each: spaCy and pkuseg hold the GIL), anything else is a scheduler address."""

    def __init__(self, address: str, disabled=()):
        from distributed import Client, LocalCluster

        self.cluster = None
        self._settings = contextlib.ExitStack()  # Dask settings held while the local cluster lives
        if address.startswith("local:"):
            try:
                n = int(address.split(":", 1)[1])
            except ValueError:
                raise ValueError(f"--scheduler {address}: expected local:N (N worker processes)") from None
            from annotate.scale.forkserver import importable_by_children

            importable_by_children()
            with self._settings.pop_all() as settings:  # given back if the cluster fails to start
                settings.enter_context(_local_config(disabled))
                self.cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                            dashboard_address=None, silence_logs=40)
                self.client = Client(self.cluster)
                self._settings = settings.pop_all()
        else:
            try:
                self.client = Client(address, timeout="30s")
            except (OSError, TimeoutError) as e:
                raise ValueError(f"--scheduler {address}: cannot reach the Dask scheduler ({e})") from None
        # workers must import this very copy of `annotate` (an installed package does; a work tree via PYTHONPATH)
        self.client.register_plugin(_model_plugin(tuple(disabled)), name="annotate-model")
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})))

    def map_in_order(self, fn, items, *args):
        def submit(item):
            # the partition's rows go to a worker as data, not inside the task: the scheduler
            # keeps neither them nor (with fut.release below) the results
            data = self.client.scatter(item, hash=False)
            return self.client.submit(fn, data, *args, pure=False)

        def result(fut):
            try:
                return fut.result()
            finally:
                fut.release()

        return _bounded_in_order(submit, result, items, window=2 * self.workers)

    def close(self, cancel: bool = False):
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
        self._settings.close()


def _local_config(disabled=()):
    """Dask settings for a local cluster (a context manager, held while it lives; its Nannies
    hand them to the worker processes):
    - the worker processes forked from the fork server that holds the model (Dask's own
      `distributed.worker.multiprocessing-method`), where the platform forks;
    - no statistical profiler: it samples the stack of the thread running the partition every
      10 ms, for a dashboard a local cluster here does not have;
    - the event loop's health check 10 times a second, not 50: it takes the GIL from the
      thread running the partition each time."""
    import dask

    from annotate.scale.forkserver import model_context

    settings = {"distributed.worker.profile.enabled": False, "distributed.admin.tick.interval": "100ms"}
    if model_context(disabled, dask=True) is not None:
        settings["distributed.worker.multiprocessing-method"] = "forkserver"
    return dask.config.set(settings)


@contextlib.contextmanager
def executor(workers: int = 1, scheduler: str | None = None, nlp=None, disabled=()):
    if scheduler:
        ex = DaskCluster(scheduler, disabled)
    elif workers > 1:
        ex = ProcessPool(workers, disabled)
    else:
        from annotate.scale.worker import load_model, set_model

        if nlp is not None:
            set_model(nlp, disabled)
        load_model(disabled)
        yield InProcess()
        return
    try:
        yield ex
    except BaseException:
        ex.close(cancel=True)
        raise
    else:
        ex.close()


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
