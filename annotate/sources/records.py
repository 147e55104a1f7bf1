"""An article stored as a data record: a JSON object (or a JavaScript object literal) with its
title, body and other fields, as news apps, crawlers and datasets keep articles.

    read_records(text) -> list[Record] | None   the articles of a file that is wholly records

A file is records when all of it (whitespace aside) is one object `{…}` or an array `[{…}, …]`
of objects — JSON, else a JavaScript literal (unquoted keys, single quotes, trailing commas:
chompjs, a maintained parser of JS objects) — and each object has a body: the first field named as
one (lexicon [records] body_fields: content, text, body, paragraphs, 正文 …) that holds Han
text, else the field that holds the most Han text. A body is one string, or a list of paragraph
strings (or of objects whose strings are the paragraph: `{"type": "text", "value": …}`).
The title is the first title field (title, headline, 标题 …) holding text; the other fields
whose values are short scalars are the article's metadata (author, date, source, url …); long
texts (an app's summary) and nested values (an app's own annotations) are not.

The article's text is the title line, then the body's paragraphs one block each, as a plain
text source would lay them out; the readers then read it as usual (as HTML when the body holds
markup, as Markdown when it holds Markdown). Anything else (prose that opens with a bracket, an
object without a body, a task file of Label Studio) is not a record: None.
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field

from ..data.lexicon import lexicon
from ..punctuation import HAN

MAX_META_CHARS = 200          # a longer field value (a summary, a description) is not metadata
_HAN = re.compile(f"[{HAN}]")
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,6}|#x[0-9a-fA-F]{2,5});")
_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")
# A page's <title> kept as the title field: the title, then the channel and site after -- / - / _ / |
_PAGE_TITLE_SEP = re.compile(r"\s*(?:-{2,}|\s-\s|_|\||｜)\s*")
PAGE_LABEL_MAX = 12            # a channel or site name after the title is this short


@dataclass
class Record:
    text: str                          # the title line, then one block per paragraph
    meta: dict = field(default_factory=dict)


def _han(s: str) -> int:
    return len(_HAN.findall(s))


def _paragraphs(value) -> list[str] | None:
    """A body's paragraphs: a string, or a list of strings or of small objects holding them."""
    if isinstance(value, str):
        return [value] if _HAN.search(value) else None
    if not isinstance(value, list):
        return None
    out = []
    for item in value:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            out.extend(v for v in item.values() if isinstance(v, str) and _HAN.search(v))
        else:
            return None        # a list of numbers, of lists …: no text body
    return out if any(_HAN.search(p) for p in out) else None


def _named(obj: dict) -> dict:
    """The object's keys by their lower-cased names (the lexicon's field names are lower case)."""
    return {k.lower() if isinstance(k, str) else k: k for k in obj}


def _body_field(obj: dict) -> str | None:
    names = lexicon().records
    named = _named(obj)
    for name in names.body_fields:
        key = named.get(name)
        if key is not None and _paragraphs(obj[key]):
            return key
    best, most = None, 0
    for key, value in obj.items():
        if isinstance(key, str) and (key.lower() in names.title_fields_set or key.lower() in names.author_fields_set):
            continue
        paras = _paragraphs(value)
        n = sum(_han(p) for p in paras) if paras else 0
        if n > most:
            best, most = key, n
    return best


def page_title_core(title: str) -> str:
    """A title field that holds a page's <title> (壹时评：…因时而变--观点-, …_光明网): the part before
    the channel and site names."""
    parts = [p for p in _PAGE_TITLE_SEP.split(title.strip(" -")) if p]
    if len(parts) > 1 and _han(parts[0]) >= 4 and all(len(p) <= PAGE_LABEL_MAX for p in parts[1:]):
        return parts[0]
    return title


def _plain(paragraph: str) -> str:
    """A paragraph of a record as text: HTML entities written in a body with no tags (&emsp;&emsp;
    indents, &nbsp;) are the characters they name; a body with tags is read as HTML anyway."""
    if "&" in paragraph and _ENTITY.search(paragraph) and not _TAG.search(paragraph):
        return html.unescape(paragraph)
    return paragraph


def _title(obj: dict, body_key) -> tuple[str, str] | None:
    """(key, title) of the first title field holding text."""
    named = _named(obj)
    for name in lexicon().records.title_fields:
        key = named.get(name)
        if key is not None and key != body_key and isinstance(obj[key], str) and obj[key].strip():
            return key, page_title_core(" ".join(obj[key].split()))
    return None


# A field that may hold a credential (an app's api_key, token, cookie) never reaches tasks or exports.
_SECRET_KEY = re.compile(r"(?i)token|secret|passw|api[_-]?key|auth(?!or)|cookie|session|credential")   # (not author)


def _meta(obj: dict, used: set) -> dict:
    out = {}
    for key, value in obj.items():
        if key in used or not isinstance(key, str) or _SECRET_KEY.search(key):
            continue
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, (int, float)) or (isinstance(value, str) and 0 < len(value.strip()) <= MAX_META_CHARS):
            out[key] = value.strip() if isinstance(value, str) else value
        elif isinstance(value, list) and value and all(isinstance(v, str) and len(v) <= 40 for v in value) \
                and key.lower() in lexicon().records.author_fields_set:
            out[key] = list(value)     # authors as a list of names
    return out


def _record(obj) -> Record | None:
    found = record_from(obj)
    return found[0] if found else None


def record_from(obj) -> tuple[Record, int] | None:
    """The record of one object, with the number of Han characters in its body (what a reader of
    many rows weighs: annotate.sources.sqldump), or None when the object holds no article."""
    if not isinstance(obj, dict) or isinstance(obj.get("data"), dict):
        return None               # (a Label Studio task holds its article under "data")
    body_key = _body_field(obj)
    if body_key is None:
        return None
    body = [p for p in _paragraphs(obj[body_key]) if p.strip()]
    found = _title(obj, body_key)
    title = found[1] if found else None
    meta = _meta(obj, {body_key, found[0]} if found else {body_key})
    # a title field gives the title line; the blocks are the stored paragraphs, line ends normalised
    blocks = [_plain(p).replace("\r\n", "\n").replace("\r", "\n").strip("\n") for p in body]
    text = "\n\n".join(([title] if title else []) + blocks) + "\n"
    return Record(text, meta), sum(_han(p) for p in body)


def _value(core: str):
    try:
        return json.loads(core)
    except (ValueError, RecursionError):
        pass
    import chompjs   # (imported on first use: most sources are no records)
    try:
        return chompjs.parse_js_object(core)
    except Exception:   # any failure of the parser means: not a JavaScript literal either
        return None


def holds_records(path, max_bytes: int) -> bool:
    """A .json file holding article records (read as a source), not tasks or another JSON:
    what a folder's walk, `evaluate` and `train` ask of a .json among their inputs. The file is
    decoded as the readers decode it (annotate.sources.decode)."""
    from pathlib import Path

    from .decode import DecodeError, read_text

    p = Path(path)
    if p.suffix.lower() != ".json":
        return False
    try:
        return read_records(read_text(p, max_bytes)) is not None
    except (OSError, DecodeError):
        return False


def _wrapped(text: str) -> bool:
    """The text (whitespace and a BOM aside) opens with { or [ and closes with the same kind:
    looked up from both ends, without copying a large text that is no record."""
    i, j = 0, len(text) - 1
    while i <= j and (text[i].isspace() or text[i] == "\ufeff"):
        i += 1
    while j >= i and text[j].isspace():
        j -= 1
    return i < j and (text[i], text[j]) in (("{", "}"), ("[", "]"))


def why_not_records(text: str) -> str:
    """Why `text` holds no article records (for the one error line of a .json file)."""
    core = text.strip().lstrip("\ufeff")
    value = _value(core) if core[:1] in "{[" else None
    if value is None:
        return "not a JSON object or array (nor a JavaScript object literal)"
    items = [value] if isinstance(value, dict) else value if isinstance(value, list) else []
    for k, item in enumerate(items):
        if _record(item) is None:
            where = f"item {k + 1}: " if isinstance(value, list) else ""
            return f"{where}no article record (an object with a text field holding Han text)"
    return "no article record (an object with a text field holding Han text)"


def read_records(text: str) -> list[Record] | None:
    """The articles of a text that is wholly a record or an array of records, else None."""
    if not _wrapped(text):
        return None
    value = _value(text.strip().lstrip("\ufeff"))
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list) or not value:
        return None
    records = [_record(v) for v in value]
    if any(r is None for r in records):
        return None
    return records
