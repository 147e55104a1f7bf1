"""`supports` relations, read off the outline.

Each SUPPORT supports the CLAIM heading of the section it stands in (the
title CLAIM where the article has no section yet); each section-heading CLAIM
supports the title CLAIM. Fragments (text after an author note) have no title
or section, so their spans support nothing.
"""
from __future__ import annotations

from dataclasses import dataclass

from annotate.document import HEADING, TITLE
from annotate.rules import Rule, register
from annotate.rules.layout import Layout
from annotate.rules.units import HEADING_CLAIM, TITLE_CLAIM, Unit

SUPPORT_TO_SECTION = register(Rule(
    "supports.section", "supports", "a SUPPORT → the CLAIM heading of its section (the title CLAIM if there is no section)",
    "加强原创性、颠覆性科技创新。 → 大力推进科技创新特别是原创性、颠覆性科技创新",
    "a SUPPORT in a fragment after an author note (no title: supports nothing)", 0.95))
HEADING_TO_TITLE = register(Rule(
    "supports.title", "supports", "a section-heading CLAIM → the article's title CLAIM",
    "大力推进科技创新特别是原创性、颠覆性科技创新 → 发展新质生产力是推动高质量发展的内在要求和重要着力点",
    "a section-opening CLAIM sentence (not a heading: no relation)", 0.97))


@dataclass(frozen=True)
class Link:
    source: Unit
    target: Unit
    type: str
    rule: str


def find_relations(layout: Layout, units: list[Unit]) -> list[Link]:
    if layout.kind == "fragment":
        return []
    claims_at = {u.start: u for u in units if u.rule in (TITLE_CLAIM.id, HEADING_CLAIM.id)}
    supports = sorted((u for u in units if u.label == "SUPPORT"), key=lambda u: u.start)
    title: Unit | None = None
    section: Unit | None = None
    links: list[Link] = []
    s = 0
    for block in layout.blocks:
        # SUPPORTs before this block belong to the section in force before it.
        while s < len(supports) and supports[s].start < block.start:
            target = section or title
            if target:
                links.append(Link(supports[s], target, "supports", SUPPORT_TO_SECTION.id))
            s += 1
        claim = claims_at.get(block.start)
        if block.kind == TITLE:
            title = title or claim  # a title set on two lines: the first line stands for it
        elif block.kind == HEADING:
            # A heading that is no claim (引言, 结语) still ends the previous section.
            section = claim
            if claim and title:
                links.append(Link(claim, title, "supports", HEADING_TO_TITLE.id))
    for u in supports[s:]:
        target = section or title
        if target:
            links.append(Link(u, target, "supports", SUPPORT_TO_SECTION.id))
    return links
