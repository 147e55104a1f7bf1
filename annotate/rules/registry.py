"""The rule registry: the `@rule` decorator, the catalogue rows it records, and the precedence.

Rule modules (annotate.rules.quotes, units, directives, relations) import it to register
their rules; the package annotate.rules imports those modules, so that its RULES is the whole
catalogue. Nothing here imports a rule module: registration flows one way.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from annotate.scheme import load_scheme


@dataclass(frozen=True)
class Rule:
    id: str            # stable, e.g. "claim.title"; never reused for another meaning
    label: str         # CLAIM, SUPPORT, QUOTE, DIRECTIVE or the relation type "supports"
    summary: str       # what it matches, one line
    example: str       # a hit, as it stands in an article
    near_miss: str     # something that looks alike but is not a hit
    confidence: float  # the region score given to its spans (precision on the dev set, rounded)
    fn: Callable | None = field(default=None, compare=False, repr=False)  # the rule itself
    # DIRECTIVE: the rule counts only in a run of prescriptions; it is tried after every rule
    # that counts on its own.
    in_a_run: bool = False

    def __call__(self, *args):
        return self.fn(*args)


# Every rule, in catalogue order: by label as the scheme lists its labels, then the relations;
# within a label, in precedence (= registration) order. Filled in by the rule modules
# (annotate.rules.*; the package annotate.rules imports them all).
RULES: list[Rule] = []
_REGISTERED: list[str] = []  # ids in registration order
RANK: dict[str, int] = {}    # rule id -> its place in the precedence order (lower wins)


def _label_orders() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(catalogue order of the labels, precedence order), both read from the scheme."""
    scheme = load_scheme()
    catalogue = (*scheme.label_names, *(r.name for r in scheme.relations))
    # whole-sentence labels in the scheme's precedence, then the others in catalogue order
    precedence = (*scheme.precedence, *(x for x in catalogue if x not in scheme.precedence))
    return catalogue, precedence


def register(rule: Rule) -> Rule:
    if rule.id in _REGISTERED:
        raise ValueError(f"rule id {rule.id!r} is registered twice")
    catalogue, precedence = _label_orders()
    if rule.label not in catalogue:
        raise ValueError(f"rule {rule.id!r}: label {rule.label!r} is no label or relation of the scheme")
    _REGISTERED.append(rule.id)
    RULES.append(rule)
    RULES.sort(key=lambda r: (catalogue.index(r.label), r.in_a_run, _REGISTERED.index(r.id)))
    order = sorted(RULES, key=lambda r: (precedence.index(r.label), r.in_a_run, _REGISTERED.index(r.id)))
    RANK.clear()
    RANK.update((r.id, i) for i, r in enumerate(order))
    return rule


def rule(id: str, label: str, summary: str, example: str, near_miss: str, confidence: float,
         in_a_run: bool = False):
    """Decorator: the function is the rule `id`; `fn.rule` is its catalogue row."""
    def wrap(fn: Callable) -> Callable:
        fn.rule = register(Rule(id, label, summary, example, near_miss, confidence, fn, in_a_run))
        return fn
    return wrap


def rules_for(*labels: str, disabled: frozenset[str] = frozenset()) -> list[Rule]:
    """The enabled rules with these labels, in precedence order: the order they are tried in.
    (Each label's rules take the same argument: a quotation, a block, a sentence, a span.)"""
    found = [r for r in RULES if r.label in labels and r.id not in disabled]  # (a label's in precedence order)
    if len(labels) > 1:
        found.sort(key=lambda r: RANK[r.id])
    return found
