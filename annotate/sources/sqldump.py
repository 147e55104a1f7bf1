"""SQL dumps (.sql) → article records: the rows of a CMS's or a crawler's tables that hold articles.

    dump_records(text) -> list[Record]   one per row whose body holds Han text, in dump order

A site's database dump (mysqldump, SQLite's .dump, pg_dump with --inserts or its default COPY
blocks) keeps each article as a row: `INSERT INTO news_article (id, title, content, …) VALUES
(…), (…);`. The statements are parsed by sqlglot (a maintained SQL parser with MySQL, SQLite and
PostgreSQL dialects: string escapes, `_utf8mb4'…'` introducers, comments and the `/*!40101 … */`
lines of mysqldump); a COPY block's rows (tab-separated, backslash escapes, `\\N` for NULL: the
format PostgreSQL documents for COPY … TEXT) are read here. Column names come from the INSERT's
column list, else from the table's CREATE TABLE. Each row becomes a record as a JSON object
would (annotate.sources.records: the body field by name — content, body, post_content … — else the
field with the most Han text, the title field, short fields as metadata, credentials never), with
`sql_table` and `sql_row` (its 1-based number among the table's rows) in its metadata. Rows whose
body has fewer than MIN_BODY_HAN Han characters (a users table's names, a tag list) are no articles.
"""
from __future__ import annotations

import logging
import re

from .records import Record, record_from

MIN_BODY_HAN = 20
# sqlglot logs the statements it cannot parse into a tree ("LOCK TABLES … contains unsupported
# syntax"): a dump gets the readers' one line at most, not a trail of parser messages.
logging.getLogger("sqlglot").setLevel(logging.CRITICAL + 1)

_COPY = re.compile(r"^COPY\s+(?P<table>[^\s(]+)\s*(?:\((?P<cols>[^)]*)\))?\s+FROM\s+stdin;[^\n]*\n(?P<rows>.*?)^\\\.[ \t]*$",
                   re.M | re.S | re.I)
_COPY_ESCAPE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9a-fA-F]{1,2})|(.))", re.S)
_COPY_CHARS = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


class SqlDumpError(Exception):
    """A .sql file that holds no article rows; the message says why."""


def _dialect(text: str) -> str:
    head = text[:4000]
    if "PostgreSQL database dump" in head or _COPY.search(text):
        return "postgres"
    if head.lstrip().upper().startswith(("PRAGMA", "BEGIN TRANSACTION")):
        return "sqlite"
    return "mysql"


def _unquote_name(name: str) -> str:
    name = name.strip()
    return name[1:-1] if len(name) >= 2 and name[0] == name[-1] and name[0] in "`\"" else name


def _copy_field(field: str):
    if field == r"\N":
        return None

    def one(m):
        if m.group(1):
            return chr(int(m.group(1), 8))
        if m.group(2):
            return chr(int(m.group(2), 16))
        return _COPY_CHARS.get(m.group(3), m.group(3))
    return _COPY_ESCAPE.sub(one, field)


def _copy_rows(text: str):
    """(table, columns, rows) of each COPY … FROM stdin block, and the text without them."""
    blocks = []
    for m in _COPY.finditer(text):
        table = _unquote_name(m.group("table").split(".")[-1])
        cols = [_unquote_name(c) for c in m.group("cols").split(",")] if m.group("cols") else None
        rows = [[_copy_field(f) for f in line.split("\t")] for line in m.group("rows").split("\n") if line]
        blocks.append((table, cols, rows))
    return blocks, _COPY.sub("", text)


def _value(node):
    """A value of an INSERT's row as Python: a string, a number, None for NULL and the rest."""
    from sqlglot import exp
    if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal) and not node.this.is_string:
        inner = _value(node.this)
        return -inner if isinstance(inner, (int, float)) else None
    if isinstance(node, exp.Introducer):   # _utf8mb4'…'
        node = node.expression
    if isinstance(node, exp.Literal):
        if node.is_string:
            return str(node.this)
        try:
            return int(node.this)
        except (TypeError, ValueError):
            try:
                return float(node.this)
            except (TypeError, ValueError):
                return None
    return None


def _table_name(node) -> str:
    from sqlglot import exp
    table = node.this if isinstance(node, exp.Schema) else node
    return table.name if isinstance(table, exp.Table) else str(table)


def _rows(text: str):
    """(table, row as a dict) for every row the dump inserts, in dump order."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import ErrorLevel, ParseError, TokenError

    copies, rest = _copy_rows(text)
    try:
        statements = sqlglot.parse(rest, read=_dialect(text), error_level=ErrorLevel.IGNORE)
    except RecursionError:
        raise SqlDumpError("not a readable SQL dump: expressions nested too deep") from None
    except (ParseError, TokenError) as e:
        first = str(e).splitlines()[0] if str(e) else ""
        why = first if len(first) <= 80 else first[:77] + "…"
        raise SqlDumpError(f"not a readable SQL dump: {why or type(e).__name__}") from None
    columns: dict[str, list[str]] = {}
    for st in statements:
        if isinstance(st, exp.Create) and isinstance(st.this, exp.Schema):
            columns[_table_name(st.this)] = [c.name for c in st.this.expressions if isinstance(c, exp.ColumnDef)]
        elif isinstance(st, exp.Insert) and isinstance(st.expression, exp.Values):
            table = _table_name(st.this)
            cols = [c.name for c in st.this.expressions] if isinstance(st.this, exp.Schema) else columns.get(table)
            for tup in st.expression.expressions:
                yield table, _row(cols, [_value(v) for v in (tup.expressions if isinstance(tup, exp.Tuple) else [tup])])
    for table, cols, rows in copies:
        cols = cols or columns.get(table)
        for values in rows:
            yield table, _row(cols, values)


def _row(cols: list[str] | None, values: list) -> dict:
    """A row's values by column name (column_1, column_2 … when the names are unknown or do not fit)."""
    names = cols if cols and len(cols) == len(values) else [f"column_{k + 1}" for k in range(len(values))]
    return dict(zip(names, values))


def dump_records(text: str) -> list[Record]:
    """The articles of a SQL dump, one per row whose body holds MIN_BODY_HAN Han characters or more."""
    out: list[Record] = []
    counts: dict[str, int] = {}   # rows per table, tables in dump order
    for table, row in _rows(text):
        counts[table] = counts.get(table, 0) + 1
        found = record_from(row)
        if found is None or found[1] < MIN_BODY_HAN:
            continue
        record = found[0]
        record.meta = {"sql_table": table, "sql_row": counts[table], **record.meta}
        out.append(record)
    if not out:
        seen = ", ".join(f"{t} ({n} rows)" for t, n in list(counts.items())[:8]) or "none"
        raise SqlDumpError(f"no article rows in the SQL dump (a row with a text field of {MIN_BODY_HAN} Han "
                           f"characters or more); tables inserted into: {seen}")
    return out
