"""The rule catalogue: every rule is one function with a stable id that travels with its spans.

A rule module declares each rule with the `@rule(...)` decorator (id, label, what
it matches, a hit and a near miss, its confidence); the decorated function is the
rule's whole logic, and its registration is the only list the rule is on. Word
lists live in annotate/data/lexicon.toml (see annotate.rules.lexicon). Order and
precedence come from the registry: whole-sentence labels in the scheme's
precedence (annotate/data/scheme.toml: SUPPORT, CLAIM, DIRECTIVE), and within a
label, the order the rules are registered (their order in the module). Where two
whole-sentence spans overlap, the earlier rule wins; QUOTE rules are tried in
that order on each quotation, the first hit decides; relation rules too. Any
rule can be switched off by id (`annotate prelabel --disable-rule ID`, or the
spaCy components' `disabled` config).
"""
from __future__ import annotations

from typing import Iterable

# The registry, then every rule module: importing them registers their rules, so RULES below
# is the whole catalogue. (The modules import the registry, never this package: no cycle.)
from annotate.rules.registry import RANK, RULES, Rule, register, rule, rules_for  # noqa: F401
from annotate.rules import directives, quotes, relations, units  # noqa: F401 — registers their rules


def rule_ids() -> list[str]:
    return [r.id for r in RULES]


def check_disabled(ids: Iterable[str]) -> frozenset[str]:
    """The ids as a set; ValueError naming any id that is no rule."""
    ids = frozenset(ids or ())
    known = set(rule_ids())
    unknown = sorted(ids - known)
    if unknown:
        raise ValueError(f"unknown rule id(s): {', '.join(unknown)} (see `annotate rules`)")
    return ids
