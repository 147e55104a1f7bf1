"""Text pasted as a string literal: read as the text it encodes.

A feed backup or a scraper may store an article's body as a JSON string or a Python repr
(`[{'type': 'text', 'value': '习近平……\\n\\n\\u3000\\u3000要……'}]`) and paste that into a
Markdown or text file: the whole body sits on one line, its line breaks and indents written
as the escapes `\\n`, `\\u3000`, `\\'`. Such a line is decoded before a reader sees it, when
that is unambiguous: the line holds many literal `\\n` escapes (ESCAPED_MIN_BREAKS) and Han
text (or Han written as `\\u4e60` escapes, as JSON's ensure_ascii writes it), and stands outside
a fenced code block.

- A line that is a whole literal (a list or dict, or a quoted string) is evaluated as a
  literal — Python's syntax (ast.literal_eval, no code runs), else JSON — and its strings
  that hold Han text are its text, in order, one block each (keys, `type` tags and image
  addresses are no text).
- Any other such line has its escapes decoded where it stands (`\\n` `\\t` `\\r` `\\'` `\\"`
  `\\\\` `\\uXXXX` `\\UXXXXXXXX` `\\xXX`; an unknown escape stays as written).

The decoded text replaces the line, so the readers' source lines count the decoded lines.
Linear in the line: one regex pass, or the literal parser, whose nesting is bounded.
"""
from __future__ import annotations

import ast
import json
import re

from ..punctuation import HAN

ESCAPED_MIN_BREAKS = 3        # literal \n escapes in a line, at least
ESCAPED_MIN_CHARS = 100       # and a line at least this long
MAX_LITERAL_CHARS = 10 * 1024 * 1024

_BREAK = re.compile(r"(?<!\\)(?:\\\\)*\\n")
_HAN = re.compile(f"[{HAN}]")
_HAN_ESCAPE = re.compile(r"\\u(?:[4-9][0-9a-fA-F]{3}|3[4-9a-fA-F][0-9a-fA-F]{2})")   # \u4e60: JSON's ensure_ascii
_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|x([0-9a-fA-F]{2})|([nrt'\"\\]))")
_SIMPLE = {"n": "\n", "r": "", "t": "\t", "'": "'", '"': '"', "\\": "\\"}
_FENCE = re.compile(r"^\s*(```|~~~)")


def is_escaped_text(line: str) -> bool:
    """A line holding a body written as a string literal: many literal \\n, Han between them."""
    if len(line) < ESCAPED_MIN_CHARS or "\\n" not in line:
        return False
    n = 0
    for _ in _BREAK.finditer(line):
        n += 1
        if n >= ESCAPED_MIN_BREAKS:
            return _HAN.search(line) is not None or _HAN_ESCAPE.search(line) is not None
    return False


def _char(m: re.Match) -> str:
    u4, u8, x2, simple = m.groups()
    if simple:
        return _SIMPLE[simple]
    code = int(u4 or u8 or x2, 16)
    if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        return m.group()   # (a lone surrogate or no code point: left as written)
    return chr(code)


def decode_escapes(s: str) -> str:
    return _ESCAPE.sub(_char, s)


def _strings(value) -> list[str]:
    """The strings of a literal that hold Han text, in order (iteratively: no recursion limit)."""
    out, stack = [], [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            if _HAN.search(v):
                out.append(v)
        elif isinstance(v, dict):
            stack.extend(reversed(list(v.values())))
        elif isinstance(v, (list, tuple)):
            stack.extend(reversed(v))
    return out


def _literal(s: str):
    """The value of `s` as a Python literal, else as JSON, else None."""
    if len(s) > MAX_LITERAL_CHARS:
        return None
    try:
        return ast.literal_eval(s)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        pass
    try:
        return json.loads(s)
    except (ValueError, RecursionError):
        return None


def decode_line(line: str) -> str:
    """The text an escaped line encodes (see the module)."""
    core = line.strip()
    if core[:1] in "[{'\"" and core[-1:] in "]}'\"":
        value = _literal(core)
        if value is not None:
            parts = _strings(value)
            if parts:
                return "\n\n".join(p.replace("\r\n", "\n").replace("\r", "\n") for p in parts)
    return decode_escapes(line)


def unescape_text(text: str) -> str:
    """`text` with each escaped line (is_escaped_text) replaced by the text it encodes."""
    if "\\n" not in text:
        return text
    lines = text.split("\n")
    fenced = False
    changed = False
    for i, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced and is_escaped_text(line):
            lines[i] = decode_line(line)
            changed = True
    return "\n".join(lines) if changed else text
