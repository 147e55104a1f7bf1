"""The model loaded once for all the worker processes of a run: a fork server that holds it.

    ctx = model_context(disabled, dask=False)   # None where the platform cannot fork
    ProcessPoolExecutor(mp_context=ctx, ...)    # or Dask's multiprocessing-method "forkserver"

multiprocessing's "forkserver" start method runs one server process, started by exec
(so none of this process's threads — pyarrow's — are copied into it), that imports its
"preload" modules once and then forks every new worker process from itself. Its preload
here is annotate.scale.preload, which loads the spaCy pipeline: every worker starts with
the model already in memory, shared copy-on-write with the server (load_nlp freezes it out
of the garbage collector, which would otherwise write to every page of it), instead of
each loading it — ≈4 s of CPU and 0.9 GB each, on the very cores the workers then need.

The server is started at the start of the run, and loads the model while this process
reads the first partitions; it is one per process (multiprocessing's), ends when this
process and every worker forked from it have ended, and is reused by later runs in the
same process. A worker whose options differ from the server's (model_key) loads its own.
"""
from __future__ import annotations

import json
import multiprocessing
import os

DISABLED_ENV = "ANNOTATE_PRELOAD_DISABLED"  # the rules switched off, for annotate.scale.preload
_STARTED: tuple | None = None  # the model key the server was started with (None: not started)


def available() -> bool:
    return "forkserver" in multiprocessing.get_all_start_methods()


def model_context(disabled=(), dask: bool = False):
    """The forkserver context, its server started (once per process) and loading the model;
    None where there is no fork (the caller spawns workers that load it themselves).
    ModelMissing at once, in this process, when the model was never fetched."""
    global _STARTED
    if not available():
        return None
    from multiprocessing import forkserver

    from annotate.model import ModelMissing, is_present, model_dir
    from annotate.scale.worker import model_key

    if not is_present(model_dir()):
        raise ModelMissing(model_dir())
    ctx = multiprocessing.get_context("forkserver")
    if _STARTED is None:
        importable_by_children()  # the server imports this very copy of `annotate` (3.11 passes no sys.path)
        # distributed first when Dask will fork its workers from the server: then the model,
        # frozen out of the collector last, with everything imported before it
        ctx.set_forkserver_preload([*(["distributed"] if dask else []), "annotate.scale.preload"])
        before = os.environ.get(DISABLED_ENV)
        os.environ[DISABLED_ENV] = json.dumps(list(disabled))  # the server's environment only
        try:
            forkserver.ensure_running()  # returns at once: the server loads while we go on
        finally:
            if before is None:
                os.environ.pop(DISABLED_ENV, None)
            else:
                os.environ[DISABLED_ENV] = before
        _STARTED = model_key(disabled)
    return ctx


def importable_by_children() -> None:
    """Worker processes import this copy of `annotate` even when it runs from a source tree."""
    from pathlib import Path

    import annotate

    root = str(Path(annotate.__file__).resolve().parent.parent)
    paths = os.environ.get("PYTHONPATH", "").split(os.pathsep)
    if root not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([root, *filter(None, paths)])
