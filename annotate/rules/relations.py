"""`supports` relations, read off the outline.

Each SUPPORT supports the CLAIM heading of the section it stands in (the
title CLAIM where the article has no section yet); each section-heading CLAIM
supports the title CLAIM. Fragments (text after an author note) have no title
or section, so their spans support nothing.

The two rules are functions of (a span, the section and title in force) that
return the target or None; one walk over the outline feeds them.
"""
from __future__ import annotations

from dataclasses import dataclass

from annotate.document import HEADING, TITLE
from annotate.rules.registry import rule, rules_for
from annotate.rules.layout import Layout, claim_span
from annotate.rules.units import Unit, heading_claim, title_claim


@dataclass(frozen=True)
class Link:
    source: Unit
    target: Unit
    type: str
    rule: str


@rule("supports.section", "supports",
      "a SUPPORT → the CLAIM heading of its section (the title CLAIM if there is no section)",
      "加强原创性、颠覆性科技创新。 → 大力推进科技创新特别是原创性、颠覆性科技创新",
      "加强原创性、颠覆性科技创新。 → 大力推进科技创新特别是原创性、颠覆性科技创新（in a fragment after an author note: no "
      "title, so it supports nothing）", 0.95)
def support_to_section(unit: Unit, section: Unit | None, title: Unit | None) -> Unit | None:
    return (section or title) if unit.label == "SUPPORT" else None


@rule("supports.title", "supports", "a section-heading CLAIM → the article's title CLAIM",
      "大力推进科技创新特别是原创性、颠覆性科技创新 → 发展新质生产力是推动高质量发展的内在要求和重要着力点",
      "科技创新是发展新质生产力的核心要素。 → 发展新质生产力是推动高质量发展的内在要求和重要着力点（a section-opening CLAIM "
      "sentence, not a heading: no relation）", 0.97)
def heading_to_title(unit: Unit, section: Unit | None, title: Unit | None) -> Unit | None:
    return title if unit.rule == heading_claim.rule.id and unit is section else None


def find_relations(layout: Layout, units: list[Unit], disabled: frozenset[str] = frozenset()) -> list[Link]:
    if layout.kind == "fragment":
        return []
    rules = rules_for("supports", disabled=disabled)
    claims_at = {u.start: u for u in units if u.rule in (title_claim.rule.id, heading_claim.rule.id)}
    supports = sorted((u for u in units if u.label == "SUPPORT"), key=lambda u: u.start)
    title: Unit | None = None
    section: Unit | None = None
    links: list[Link] = []
    s = 0

    def link(unit: Unit) -> None:
        for r in rules:
            target = r(unit, section, title)
            if target is not None:
                links.append(Link(unit, target, "supports", r.id))
                return

    for block, sentences in zip(layout.blocks, layout.sentences):
        # SUPPORTs before this block belong to the section in force before it.
        while s < len(supports) and supports[s].start < block.start:
            link(supports[s])
            s += 1
        claim = claims_at.get(sentences[0][0] if sentences else claim_span(block)[0])
        if block.kind == TITLE:
            title = title or claim  # a title set on two lines: the first line stands for it
        elif block.kind == HEADING:
            # A heading that is no claim (引言, 结语) still ends the previous section.
            section = claim
            if claim:
                link(claim)
    for u in supports[s:]:
        link(u)
    return links
