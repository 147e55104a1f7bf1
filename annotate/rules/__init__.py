"""The rule catalogue: every rule has a stable id that travels with its spans.

Rules are data plus small functions (see the modules beside this one); this
module only lists them, for `annotate rules`, the manual and the exports.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    id: str            # stable, e.g. "claim.title"; never reused for another meaning
    label: str         # CLAIM, SUPPORT, QUOTE, DIRECTIVE or the relation type "supports"
    summary: str       # what it matches, one line
    example: str       # a hit, as it stands in an article
    near_miss: str     # something that looks alike but is not a hit
    confidence: float  # the region score given to its spans (precision on the dev set, rounded)


RULES: list[Rule] = []  # filled in by the rule modules (annotate.rules.*), in catalogue order


def register(rule: Rule) -> Rule:
    RULES.append(rule)
    return rule


def rule_by_id(rule_id: str) -> Rule:
    for rule in RULES:
        if rule.id == rule_id:
            return rule
    raise KeyError(rule_id)
