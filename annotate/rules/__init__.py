"""The rule catalogue: every rule is one function with a stable id that travels with its spans.

A rule module declares each rule with the `@rule(...)` decorator (id, label, what
it matches, a hit and a near miss, its confidence); the decorated function is the
rule's whole logic. Word lists live in annotate/data/lexicon.toml (see
annotate.rules.lexicon); the order in which rules are tried and which one wins
an overlap is the table PRECEDENCE below. Any rule can be switched off by id
(`annotate prelabel --disable-rule ID`, or the spaCy components' `disabled`
config).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable


@dataclass(frozen=True)
class Rule:
    id: str            # stable, e.g. "claim.title"; never reused for another meaning
    label: str         # CLAIM, SUPPORT, QUOTE, DIRECTIVE or the relation type "supports"
    summary: str       # what it matches, one line
    example: str       # a hit, as it stands in an article
    near_miss: str     # something that looks alike but is not a hit
    confidence: float  # the region score given to its spans (precision on the dev set, rounded)
    fn: Callable | None = field(default=None, compare=False, repr=False)  # the rule itself


RULES: list[Rule] = []  # filled in by the rule modules (annotate.rules.*), in catalogue order
# Catalogue order: by label as the scheme lists them, then the relation; within a label, as registered.
_ORDER = ("CLAIM", "SUPPORT", "QUOTE", "DIRECTIVE", "supports")

# Order and precedence, one table. Whole-sentence spans (CLAIM, SUPPORT, DIRECTIVE) never
# overlap: where two rules hit overlapping text the earlier row wins. The label order is the
# scheme's (SUPPORT, CLAIM, DIRECTIVE; tests/test_rules.py checks it). QUOTE rules are tried
# top-down on each quotation, the first hit decides; relation rules run in this order too.
PRECEDENCE: tuple[str, ...] = (
    "support.bold_lead", "support.subheading", "support.run_in", "support.enumeration", "support.short_lead",
    "claim.title", "claim.heading", "claim.conclusion", "claim.section_opening",
    "claim.numbered_opening",
    "directive.modal", "directive.necessity", "directive.reported", "directive.exhortation", "directive.commitment",
    "directive.imperative",
    "quote.attributed", "quote.chained", "quote.attributed_after", "quote.saying",
    "supports.section", "supports.title",
)
RANK = {rule_id: i for i, rule_id in enumerate(PRECEDENCE)}


def register(rule: Rule) -> Rule:
    if any(r.id == rule.id for r in RULES):
        raise ValueError(f"rule id {rule.id!r} is registered twice")
    if rule.id not in RANK:
        raise ValueError(f"rule id {rule.id!r} has no row in annotate.rules.PRECEDENCE")
    RULES.append(rule)
    RULES.sort(key=lambda r: _ORDER.index(r.label) if r.label in _ORDER else len(_ORDER))
    return rule


def rule(id: str, label: str, summary: str, example: str, near_miss: str, confidence: float):
    """Decorator: the function is the rule `id`; `fn.rule` is its catalogue row."""
    def wrap(fn: Callable) -> Callable:
        fn.rule = register(Rule(id, label, summary, example, near_miss, confidence, fn))
        return fn
    return wrap


def in_order(fns: Iterable[Callable], disabled: frozenset[str] = frozenset()) -> list[Callable]:
    """The enabled rule functions among `fns`, in the table's order."""
    return sorted((f for f in fns if f.rule.id not in disabled), key=lambda f: RANK[f.rule.id])


def rule_ids() -> list[str]:
    import annotate.rules.all  # noqa: F401 — importing it registers every rule module
    return [r.id for r in RULES]


def check_disabled(ids: Iterable[str]) -> frozenset[str]:
    """The ids as a set; ValueError naming any id that is no rule."""
    ids = frozenset(ids or ())
    known = set(rule_ids())
    unknown = sorted(ids - known)
    if unknown:
        raise ValueError(f"unknown rule id(s): {', '.join(unknown)} (see `annotate rules`)")
    return ids
