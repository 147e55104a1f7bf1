"""The scheme must not drift: guidelines/scheme.toml is the one machine-readable
source, and the manual's label table, the Label Studio labeling config and the
labels the rules emit are all checked against it. The manual
(guidelines/manual.md) is the authority users read; where the development
copy of the original scheme is at hand (../shared/SCHEME.md, or
$ANNOTATE_SHARED/SCHEME.md), it is checked too — those checks skip elsewhere.
"""
from __future__ import annotations

import os
import re
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCHEME_TOML = ROOT / "guidelines" / "scheme.toml"
PACKAGED_TOML = ROOT / "annotate" / "data" / "scheme.toml"
MANUAL = ROOT / "guidelines" / "manual.md"
SHARED_SCHEME = Path(os.environ.get("ANNOTATE_SHARED", ROOT.parent / "shared")) / "SCHEME.md"

LABEL_HEADER = ("标签", "中文", "快捷键", "颜色", "定义")
RELATION_HEADER = ("关系", "起点", "终点", "定义")


# ----------------------------------------------------------------- helpers


def scheme() -> dict:
    return tomllib.loads(SCHEME_TOML.read_text(encoding="utf-8"))


def _cells(line: str) -> list[str]:
    line = line.strip()
    assert line.startswith("|") and line.endswith("|"), line
    return [c.strip().strip("`").strip() for c in line[1:-1].split("|")]


def markdown_tables(text: str) -> list[list[list[str]]]:
    """Every pipe table in a Markdown text, as rows of cells (header first, no rule row)."""
    tables, current = [], []
    in_code = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            in_code = not in_code
        if not in_code and line.strip().startswith("|"):
            current.append(line)
            continue
        if current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    out = []
    for lines in tables:
        rows = [_cells(line) for line in lines]
        rows = [r for r in rows if not all(re.fullmatch(r":?-{3,}:?", c) for c in r)]
        out.append(rows)
    return out


def table_with_header(text: str, header: tuple[str, ...]) -> list[list[str]]:
    """The one table whose header cells start with `header` (e.g. "标签 (name)")."""
    found = [
        t for t in markdown_tables(text)
        if len(t[0]) == len(header) and all(c.startswith(h) for c, h in zip(t[0], header))
    ]
    assert len(found) == 1, f"the manual needs exactly one table with the columns {' | '.join(header)}; found {len(found)}"
    return found[0][1:]


def manual_text() -> str:
    assert MANUAL.exists(), f"{MANUAL} is missing"
    return MANUAL.read_text(encoding="utf-8")


def _section(text: str, heading: str) -> str:
    """The body of a `## heading` section of SCHEME.md, up to the next `## `."""
    m = re.search(rf"^## {re.escape(heading)}\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert m, f"SCHEME.md has no '## {heading}' section"
    return m.group(1)


def _split_labels(cell: str) -> list[str]:
    return [p for p in re.split(r"[、,，/\s]+", cell) if p]


# ----------------------------------------------------------------- scheme.toml itself


def test_packaged_scheme_is_the_guidelines_scheme():
    """annotate/data/scheme.toml (what load_scheme() reads) is a copy of guidelines/scheme.toml."""
    assert PACKAGED_TOML.read_bytes() == SCHEME_TOML.read_bytes(), (
        "annotate/data/scheme.toml differs from guidelines/scheme.toml; copy the guidelines file over"
    )
    from annotate.scheme import load_scheme, parse_scheme

    assert load_scheme() == parse_scheme(scheme())


def test_scheme_is_consistent():
    s = scheme()
    names = [label["name"] for label in s["labels"]]
    assert len(names) == len(set(names)), "duplicate label names"
    hotkeys = [label["hotkey"] for label in s["labels"]]
    assert len(hotkeys) == len(set(hotkeys)), "two labels share a hotkey"
    assert set(s["precedence"]) == {l["name"] for l in s["labels"] if l["kind"] == "sentence"}
    assert s["speaker"]["label"] in names
    for rel in s["relations"]:
        assert set(rel["from"]) | set(rel["to"]) <= set(names), rel["name"]


# ----------------------------------------------------------------- the manual


def test_manual_label_table_matches_scheme():
    rows = table_with_header(manual_text(), LABEL_HEADER)
    got = [tuple(r[:4]) for r in rows]
    want = [(l["name"], l["zh"], l["hotkey"], l["color"]) for l in scheme()["labels"]]
    assert got == want, (
        "the manual's label table (标签 | 中文 | 快捷键 | 颜色) must list exactly the labels of "
        f"guidelines/scheme.toml, in its order:\n got  {got}\n want {want}"
    )
    for r in rows:
        assert r[4], f"label {r[0]} has no definition (定义) in the manual's table"


def test_manual_relation_table_matches_scheme():
    rows = table_with_header(manual_text(), RELATION_HEADER)
    got = [(r[0], _split_labels(r[1]), _split_labels(r[2])) for r in rows]
    want = [(r["name"], list(r["from"]), list(r["to"])) for r in scheme()["relations"]]
    assert got == want


def test_manual_hotkey_mentions_match_scheme():
    """Every "`k` LABEL" in the manual (the Label Studio section) uses the scheme's hotkey."""
    s = scheme()
    by_name = {l["name"]: l["hotkey"] for l in s["labels"]}
    names = "|".join(map(re.escape, by_name))
    mentions = re.findall(rf"`([^`\s]+)`\s*({names})\b", manual_text())
    assert {n for _, n in mentions} == set(by_name), "the Label Studio section must give every label's hotkey"
    wrong = [(k, n) for k, n in mentions if by_name[n] != k]
    assert not wrong, f"hotkeys in the manual that disagree with scheme.toml: {wrong}"


def test_manual_names_controls_and_precedence():
    text = manual_text()
    s = scheme()
    for key in ("text_name", "labels_name", "speaker_name", "relations_name"):
        assert f"`{s[key]}`" in text, f"the manual does not name the control {s[key]!r} ({key})"
    assert " > ".join(s["precedence"]) in text, "the manual must state the precedence as in scheme.toml"


# ----------------------------------------------------------------- ../shared/SCHEME.md (optional)


def _shared_scheme() -> str:
    if not SHARED_SCHEME.exists():
        pytest.skip(f"{SHARED_SCHEME} not present (it lives outside the repository)")
    return SHARED_SCHEME.read_text(encoding="utf-8")


def test_scheme_md_defines_every_label():
    labels_md = re.findall(r"^### ([A-Z][A-Z_]*)\b", _section(_shared_scheme(), "Labels"), re.M)
    names = [l["name"] for l in scheme()["labels"]]
    assert sorted(labels_md) == sorted(names), (
        f"SCHEME.md defines {labels_md}, guidelines/scheme.toml has {names}"
    )


def test_scheme_md_relations_match():
    rel_md = re.findall(r"\*\*([a-z_]+)\*\*", _section(_shared_scheme(), "Relations"))
    assert rel_md, "SCHEME.md's Relations section names no relation in bold"
    assert sorted(set(rel_md)) == sorted(r["name"] for r in scheme()["relations"])


def test_scheme_md_precedence_matches():
    m = re.search(r"order of precedence:\s*([A-Z,\s]+)\.", _shared_scheme())
    assert m, "SCHEME.md no longer states 'in this order of precedence: …'"
    got = [p.strip() for p in m.group(1).split(",") if p.strip()]
    assert got == list(scheme()["precedence"])


# ----------------------------------------------------------------- Label Studio config


def test_labelstudio_config_matches_scheme():
    s = scheme()
    from annotate.labelstudio.config import label_config

    root = ET.fromstring(label_config())

    texts = [e for e in root.iter("Text") if e.get("name") == s["text_name"]]
    assert len(texts) == 1, f"one <Text name={s['text_name']!r}> expected"

    labels_tags = [e for e in root.iter("Labels") if e.get("name") == s["labels_name"]]
    assert len(labels_tags) == 1, f"one <Labels name={s['labels_name']!r}> expected"
    tag = labels_tags[0]
    assert tag.get("toName") == s["text_name"]
    got = {
        e.get("value"): ((e.get("background") or "").lower(), e.get("hotkey"))
        for e in tag.iter("Label")
    }
    want = {l["name"]: (l["color"].lower(), l["hotkey"]) for l in s["labels"]}
    assert got == want, f"labeling config labels {got} != scheme {want}"

    rels = sorted(e.get("value") for e in root.iter("Relation"))
    assert rels == sorted(r["name"] for r in s["relations"]), f"<Relation> values {rels}"

    speakers = [e for e in root.iter("TextArea") if e.get("name") == s["speaker_name"]]
    assert len(speakers) == 1, f"one <TextArea name={s['speaker_name']!r}> expected"
    sp = speakers[0]
    assert sp.get("toName") == s["text_name"]
    assert (sp.get("perRegion") or "").lower() == "true", "the speaker field must be per region"
    if sp.get("whenLabelValue"):
        assert sp.get("whenLabelValue") == s["speaker"]["label"]


# ----------------------------------------------------------------- rules


def test_rule_labels_are_in_scheme():
    import annotate.pipeline  # noqa: F401 — importing it registers every rule module
    from annotate.rules import RULES

    rules = list(RULES)
    assert rules, "annotate.rules.RULES is empty after importing annotate.pipeline"
    s = scheme()
    allowed = {l["name"] for l in s["labels"]} | {r["name"] for r in s["relations"]}
    bad = [(r.id, r.label) for r in rules if r.label not in allowed]
    assert not bad, f"rules emitting labels that scheme.toml does not have: {bad}"
    ids = [r.id for r in rules]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    assert not dupes, f"rule ids registered twice: {dupes}"
