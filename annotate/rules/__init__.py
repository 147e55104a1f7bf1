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
# Catalogue order: by label as the scheme lists them, then the relation; within a label, as registered.
_ORDER = ("CLAIM", "SUPPORT", "QUOTE", "DIRECTIVE", "supports")


def register(rule: Rule) -> Rule:
    if any(r.id == rule.id for r in RULES):
        raise ValueError(f"rule id {rule.id!r} is registered twice")
    RULES.append(rule)
    RULES.sort(key=lambda r: _ORDER.index(r.label) if r.label in _ORDER else len(_ORDER))
    return rule
