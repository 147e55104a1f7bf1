"""The annotation manual (guidelines/manual.md) stays true to the corpus, the gold
and the rules.

1. The rule catalogue between the marker lines equals the current output of
   `annotate rules --markdown` (regenerate with `python guidelines/update_manual.py`).
2. Every example line parses, and its text really is in the corpus:

       - 例 LABEL：「text」 —— note
       - 例 QUOTE（说话人：习近平总书记）：「text」          (speaker 空 = none named)
       - 非例 LABEL：「text」 —— reason                      (reason required)
       - 例 supports：「from」→「to」
       - 非例 supports：「text」 —— reason

   LABEL is a label or relation name of guidelines/scheme.toml. Lines inside
   ``` fences are not examples. Corpus matching ignores whitespace and markup
   (`**`, <strong>; every tag in HTML files), so a sentence joined across a
   page break matches. Examples may come from any file under corpus/.
   An 例 must be a span of that label in the gold (gold/*.gold.jsonl, same
   text, same speaker) or a gold relation, and a 非例 must not be.
3. Every label has at least 3 examples and 2 near misses.
"""
from __future__ import annotations

import html
import importlib.util
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MANUAL = ROOT / "guidelines" / "manual.md"
SCHEME_TOML = ROOT / "guidelines" / "scheme.toml"
CORPUS = ROOT / "corpus"
GOLD = ROOT / "gold"

MIN_HITS, MIN_MISSES = 3, 2
NO_SPEAKER = "空"


def _load_update_manual():
    spec = importlib.util.spec_from_file_location("update_manual", ROOT / "guidelines" / "update_manual.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


update_manual = _load_update_manual()


def scheme() -> dict:
    return tomllib.loads(SCHEME_TOML.read_text(encoding="utf-8"))


def manual_text() -> str:
    return MANUAL.read_text(encoding="utf-8")


# ----------------------------------------------------------------- example lines


@dataclass
class Example:
    line: int
    hit: bool               # 例 (True) or 非例 (False)
    label: str
    text: str
    target: str | None      # relation examples: the span the relation points to
    speaker: str | None     # QUOTE examples: as written, "" when 空; None when not given
    note: str


_HEAD = re.compile(r"^- (例|非例) (\S+?)(?:（说话人：([^）]*)）)?：(.*)$")
_SPAN = re.compile(r"^「(.*?)」(?=\s*——|\s*$)\s*(?:——\s*(.*))?$")
_REL = re.compile(r"^「(.*?)」\s*→\s*「(.*?)」\s*(?:——\s*(.*))?$")


def parse_examples(text: str) -> list[Example]:
    out, in_code = [], False
    for no, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("```"):
            in_code = not in_code
            continue
        if in_code or not re.match(r"^- (例|非例) ", line):
            continue
        m = _HEAD.match(line.rstrip())
        assert m, f"manual.md:{no}: malformed example line: {line!r}"
        kind, label, speaker, rest = m.groups()
        hit = kind == "例"
        rel = _REL.match(rest) if hit else None
        if rel:
            src, dst, note = rel.groups()
            out.append(Example(no, hit, label, src, dst, None, note or ""))
            continue
        sm = _SPAN.match(rest)
        assert sm, f"manual.md:{no}: malformed example text (want 「…」 —— …): {line!r}"
        body, note = sm.groups()
        sp = None if speaker is None else ("" if speaker.strip() == NO_SPEAKER else speaker.strip())
        out.append(Example(no, hit, label, body, None, sp, note or ""))
    return out


def _norm(s: str) -> str:
    s = re.sub(r"</?(strong|b)>|\*\*", "", s)
    return re.sub(r"\s+", "", s)


def corpus_text() -> str:
    parts = []
    for path in sorted(p for p in CORPUS.rglob("*") if p.suffix in (".md", ".txt", ".html")):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---\n"):  # front matter
            end = text.find("\n---", 4)
            text = text[end + 4:] if end >= 0 else text
        if path.suffix == ".html":
            text = html.unescape(re.sub(r"<[^>]*>", "", text))
        parts.append(_norm(text))
    assert parts, f"no corpus files in {CORPUS}"
    return "\n".join(parts)


def gold():
    # a second annotator's gold measures agreement; the manual follows the main gold of each set
    files = sorted(p for p in GOLD.glob("*.gold.jsonl") if "second-annotator" not in p.name)
    assert files, f"no gold files in {GOLD}"
    spans, relations = set(), set()
    for f in files:
        for line in f.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            doc = json.loads(line)
            for s in doc["spans"]:
                spans.add((s["label"], s["text"], s.get("speaker") or ""))
            for r in doc["relations"]:
                src, dst = doc["spans"][r["from"]]["text"], doc["spans"][r["to"]]["text"]
                relations.add((r["type"], src, dst))
    return spans, relations


@pytest.fixture(scope="module")
def examples() -> list[Example]:
    ex = parse_examples(manual_text())
    assert ex, "the manual has no example lines"
    return ex


def test_example_labels_are_in_scheme(examples):
    s = scheme()
    labels = {l["name"] for l in s["labels"]}
    relations = {r["name"] for r in s["relations"]}
    for e in examples:
        assert e.label in labels | relations, f"manual.md:{e.line}: unknown label {e.label!r}"
        if e.label in relations and e.hit:
            assert e.target is not None, f"manual.md:{e.line}: a relation example needs 「from」→「to」"
        if e.label in labels:
            assert e.target is None, f"manual.md:{e.line}: a span example has one 「text」"
        if e.label == s["speaker"]["label"] and e.hit:
            assert e.speaker is not None, (
                f"manual.md:{e.line}: a {e.label} example must give （说话人：…） — {NO_SPEAKER} when nobody is named"
            )
        if e.speaker is not None:
            assert e.label == s["speaker"]["label"], f"manual.md:{e.line}: only {s['speaker']['label']} has a speaker"
        if not e.hit:
            assert e.note.strip(), f"manual.md:{e.line}: a near miss (非例) needs its reason after ——"
        assert e.text == e.text.strip() and e.text, f"manual.md:{e.line}: empty span or surrounding whitespace"


def test_every_label_has_examples_and_near_misses(examples):
    for label in scheme()["labels"]:
        name = label["name"]
        hits = [e for e in examples if e.label == name and e.hit]
        misses = [e for e in examples if e.label == name and not e.hit]
        assert len(hits) >= MIN_HITS, f"{name}: {len(hits)} examples (例), need {MIN_HITS}"
        assert len(misses) >= MIN_MISSES, f"{name}: {len(misses)} near misses (非例), need {MIN_MISSES}"
    for rel in scheme()["relations"]:
        assert any(e.label == rel["name"] and e.hit for e in examples), f"no example of the relation {rel['name']}"


def test_examples_appear_in_corpus(examples):
    corpus = corpus_text()
    missing = []
    for e in examples:
        for t in (e.text, e.target):
            if t is not None and _norm(t) not in corpus:
                missing.append(f"manual.md:{e.line}: 「{t}」")
    assert not missing, "example text not found in corpus/ (quote it exactly):\n" + "\n".join(missing)


def test_examples_agree_with_gold(examples):
    spans, relations = gold()
    relation_names = {r["name"] for r in scheme()["relations"]}
    problems = []
    for e in examples:
        if e.label in relation_names:
            if e.hit and (e.label, e.text, e.target) not in relations:
                problems.append(f"manual.md:{e.line}: no gold {e.label} relation 「{e.text}」→「{e.target}」")
            if not e.hit and any(r[0] == e.label and r[1] == e.text for r in relations):
                problems.append(f"manual.md:{e.line}: near miss, but the gold has a {e.label} relation from 「{e.text}」")
            continue
        same = [s for s in spans if s[0] == e.label and s[1] == e.text]
        if e.hit:
            if not same:
                problems.append(f"manual.md:{e.line}: 「{e.text}」 is not a gold {e.label} span")
            elif e.speaker is not None and (e.label, e.text, e.speaker) not in spans:
                problems.append(
                    f"manual.md:{e.line}: speaker {e.speaker or NO_SPEAKER!r} differs from the gold "
                    f"({', '.join(repr(s[2] or NO_SPEAKER) for s in same)})"
                )
        elif same:
            problems.append(f"manual.md:{e.line}: near miss, but 「{e.text}」 is a gold {e.label} span")
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------- rule catalogue


def test_catalogue_markers_present():
    text = manual_text()
    for marker in (update_manual.BEGIN, update_manual.END):
        assert text.count(marker) == 1, f"the manual must hold the marker line {marker!r} exactly once"
        assert any(line.strip() == marker for line in text.splitlines()), f"{marker!r} must be a line of its own"
    assert text.index(update_manual.BEGIN) < text.index(update_manual.END)


def test_catalogue_is_current():
    current = update_manual.section(manual_text())
    expected = update_manual.rules_markdown()
    assert current == expected, (
        "the rule catalogue in guidelines/manual.md is stale: run `python guidelines/update_manual.py`"
    )
