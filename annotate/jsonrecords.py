"""JSON array or JSON Lines: how task files (prelabel's output, Label Studio
exports) and gold files are written. One parser, so `push` and `evaluate`
read exactly the same files."""
from __future__ import annotations

import json
from pathlib import Path

TASK_SUFFIXES = (".json", ".jsonl")


class JSONRecordsError(ValueError):
    """Not JSON: `line` is the 1-based line of a JSON Lines file (None for an array)."""

    def __init__(self, line: int | None, error: json.JSONDecodeError):
        super().__init__(str(error))
        self.line = line
        self.error = error


def parse_json_records(raw: str) -> list:
    """A JSON array (text starting with `[`), else JSON Lines with blank lines skipped."""
    if raw.lstrip().startswith("["):
        try:
            return json.loads(raw)
        except json.JSONDecodeError as e:
            raise JSONRecordsError(None, e) from None
    out = []
    for no, line in enumerate(raw.splitlines(), 1):
        if line.strip():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise JSONRecordsError(no, e) from None
    return out


def is_task_file(path: Path) -> bool:
    """A file named among `evaluate`'s or `train`'s inputs that holds tasks: .jsonl, or a .json that
    holds no article records (annotate.sources.records: such a .json is an article source)."""
    from annotate.sources import MAX_BYTES
    from annotate.sources.records import holds_records

    return path.is_file() and path.suffix.lower() in TASK_SUFFIXES and not holds_records(path, MAX_BYTES)
