"""JSON array or JSON Lines: how task files (prelabel's output, Label Studio
exports) and gold files are written. One parser, so `push` and `evaluate`
read exactly the same files."""
from __future__ import annotations

import json


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
