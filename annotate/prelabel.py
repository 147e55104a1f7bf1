"""The batch runner: source files in, Label Studio tasks out, one file at a time.

    summary = Summary()
    with atomic_open(out) as fh:
        writer = TaskWriter(fh, jsonl=False)
        for task in prelabel(paths, nlp, on_error=lambda path, reason: ..., summary=summary):
            writer.write(task)
        writer.close()

`prelabel_each` is the one driver of a batch of files: `prelabel` here (one
process) and every worker of annotate.scale (a process pool or a Dask
cluster, one partition at a time) run their files through it, and
`TaskWriter` is the one writer of a task file (the CLI's single-process run
and annotate.scale's parent).

Per file: read → for each Document annotate + to_task + validate_task → yield
the file's tasks. Anything that goes wrong for a file (a SourceError from the
reader, a task with problems, any other exception) makes that file an error:
`on_error(path, reason)` is called with a one-line reason, none of its tasks is
yielded and the batch goes on. Ctrl-C (KeyboardInterrupt) is not an error of a
file and stops the run.

Memory does not grow with the corpus: only one file's documents and tasks are
held at a time (a file's tasks are yielded together once the whole file went
through).
"""
from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

OnError = Callable[[str, str], object]
OnProgress = Callable[[str, int, int], object]  # (path just done, files done, files in all)


@dataclass
class Summary:
    files: int = 0             # source files found
    files_read: int = 0        # … that went through without an error
    files_failed: int = 0
    articles: int = 0          # documents of kind "article"
    fragments: int = 0         # documents of kind "fragment"
    tasks: int = 0             # tasks yielded (articles + fragments)
    chars: int = 0             # characters of clean text in the yielded tasks
    spans: Counter = field(default_factory=Counter)  # label → spans
    relations: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)

    def add_task(self, task: dict) -> None:
        spans, relations = count_results(task)
        self.spans.update(spans)
        self.relations += relations

    def add(self, document, task: dict) -> None:
        """One more task, of this document."""
        if document.kind == "fragment":
            self.fragments += 1
        else:
            self.articles += 1
        self.tasks += 1
        self.chars += len(document.text)
        self.add_task(task)

    def line(self) -> str:
        """`N files, M articles, spans: CLAIM a, SUPPORT b, QUOTE c, DIRECTIVE d, relations r, errors e`"""
        labels = list(_label_names())
        labels += sorted(label for label in self.spans if label not in labels)
        spans = ", ".join(f"{label} {self.spans.get(label, 0)}" for label in labels)
        docs = f"{self.articles} articles"
        if self.fragments:
            docs += f" + {self.fragments} fragment{'s' if self.fragments != 1 else ''}"
        return (f"{self.files} files, {docs}, spans: {spans}, "
                f"relations {self.relations}, errors {len(self.errors)}")


def _label_names() -> tuple[str, ...]:
    from annotate.scheme import load_scheme  # the label order is scheme.toml's

    return load_scheme().label_names


def count_results(task: dict) -> tuple[Counter, int]:
    """(spans per label, relations) in a Label Studio task's predictions."""
    from annotate.labelstudio.codec import count_result

    spans: Counter = Counter()
    relations = 0
    for prediction in task.get("predictions") or []:
        per_label, n = count_result(prediction.get("result"))
        spans.update(per_label)
        relations += n
    return spans, relations


def one_line(exc: BaseException) -> str:
    """A one-line reason for an exception, without the path (the caller adds it):
    a SourceError's reason, else "Type: message"."""
    from annotate.sources import SourceError

    if isinstance(exc, SourceError):
        return exc.reason or "unknown error"
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def source_files(paths: Iterable[str | os.PathLike], on_error: OnError) -> list[Path]:
    """The source files under `paths` (files as given, folders searched), in order,
    each once (annotate.sources.iter_source_files, one path at a time).

    A path that cannot be used (missing, unreadable, a symbolic link loop — also
    inside a folder), or a folder with no source file, is reported through
    `on_error` and the rest goes on. Only the file names are held, not their contents.
    """
    from annotate.sources import display_path, iter_source_files, os_reason

    files: dict[tuple[int, int], Path] = {}  # (device, inode) → as found: a file under two paths counts once
    for path in paths:
        reported = []

        def report(where: str, reason: str) -> None:
            reported.append(where)
            on_error(where, reason)

        found = list(iter_source_files([path], on_error=report))
        if not found and not reported:
            on_error(display_path(path), "no source files found")
        for f in found:
            try:
                st = os.stat(f)
            except OSError as e:  # gone since it was found
                on_error(display_path(f), os_reason(e, f))
                continue
            files.setdefault((st.st_dev, st.st_ino), f)
    return list(files.values())


def prelabel_file(path: str | os.PathLike, nlp, calibration=None) -> list[tuple[object, dict]]:
    """(document, task) for every document of one file; raises on any problem."""
    from annotate.sources import read_file

    return prelabel_documents(read_file(path), nlp, calibration)


def prelabel_documents(documents, nlp, calibration=None) -> list[tuple[object, dict]]:
    """(document, task) for every document (of one file, or one table row); raises on any problem.
    `calibration`: an annotate.calibration.Calibration loaded once for the whole run, or None."""
    from annotate.pipeline import annotate_document
    from annotate.tasks import to_task
    from annotate.validate import validate_task

    out = []
    for document in documents:
        doc = annotate_document(nlp, document)
        task = to_task(document, doc, calibration)
        problems = validate_task(task)
        if problems:
            where = f"article {document.index}"
            if document.title:
                where += f" ({document.title[:30]})"
            more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
            raise ValueError(f"{where}: invalid task: {' '.join(str(problems[0]).split())}{more}")
        out.append((document, task))
    return out


def prelabel_each(files: Iterable[str | os.PathLike], nlp, summary: Summary, on_error: OnError,
                  calibration=None, on_file: Callable[[Path], object] | None = None
                  ) -> Iterator[tuple[object, dict]]:
    """The batch driver: (document, task) for every document of each file in turn, counted
    in `summary`. A file that fails is counted, reported (`on_error(path, reason)`) and
    skipped; `on_file(path)` after each file. Holds one file's tasks at a time."""
    from annotate.sources import display_path

    for path in files:
        try:
            results = prelabel_file(path, nlp, calibration)
        except Exception as e:  # noqa: BLE001 — one bad file must not stop the batch
            summary.files_failed += 1
            on_error(display_path(path), one_line(e))
        else:
            summary.files_read += 1
            for document, task in results:
                summary.add(document, task)
                yield document, task
            del results
        if on_file is not None:
            on_file(path)


def encode_task(task: dict) -> str:
    """One task as one line of JSON (UTF-8 text as is; default=str: a metadata value from
    a table, a timestamp or a decimal, as its text)."""
    return json.dumps(task, ensure_ascii=False, default=str)


class TaskWriter:
    """The one writer of a task file: a JSON array with one task a line (readable with grep,
    fast to write), or JSON Lines. `close()` ends the array; the caller owns the file."""

    def __init__(self, fh, jsonl: bool = False):
        self.fh, self.jsonl, self.n = fh, jsonl, 0
        if not jsonl:
            fh.write("[")

    def write(self, task: dict) -> None:
        self.write_encoded(encode_task(task))

    def write_encoded(self, line: str) -> None:
        """A task encoded by encode_task (one line)."""
        if self.jsonl:
            self.fh.write(line + "\n")
        else:
            self.fh.write(("\n" if self.n == 0 else ",\n") + line)
        self.n += 1

    def close(self) -> None:
        if not self.jsonl:
            self.fh.write("\n]\n" if self.n else "]\n")


def prelabel(paths: Iterable[str | os.PathLike], nlp, on_error: OnError,
             on_progress: OnProgress | None = None,
             summary: Summary | None = None, calibration=None) -> Iterator[dict]:
    """Yield one Label Studio task per document of the source files under `paths`.

    `on_error(path, reason)` for each file (or given path) that failed;
    `on_progress(path, done, total)` after each file; `summary` (if given) is
    kept up to date as the tasks are yielded; `calibration` (loaded once by the caller)
    scores every task of the run.
    """
    from annotate.sources import display_path

    summary = summary if summary is not None else Summary()

    def error(path: str, reason: str) -> None:
        summary.errors.append((path, reason))
        on_error(path, reason)

    files = source_files(paths, error)
    summary.files = len(files)
    done = [0]

    def file_done(path) -> None:
        done[0] += 1
        if on_progress is not None:
            on_progress(display_path(path), done[0], len(files))

    for _, task in prelabel_each(files, nlp, summary, error, calibration, file_done):
        yield task
