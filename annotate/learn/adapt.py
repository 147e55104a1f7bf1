"""Adaptation: a model for one family (a team's own articles), learnt from that family's corrections.

    train(samples, adapt={"h01.md", "h03.md"})   # `annotate train --adapt '^h\\d'`, `--project P`

Out of family the model must not change what does not carry from one family to the next
(annotate.learn.train's gate, folds by family). A team that corrects articles of its own family
wants the opposite: the rules' systematic mistakes in *that* family fixed. In adaptation

- the family's units are read with a second, family-marked copy of their features ("frustratingly
  easy domain adaptation", Daumé III 2007): the model learns the general weights from every
  article and, from the family's, what is different there; the adapted model marks every unit it
  sees (it is meant for that family). Marked units keep the rules' decision, the layout and the
  sentence's opening and final mark, not the n-grams of its words: with those, the few corrected
  sentences were learnt by heart (their own n-grams) and nothing systematic was learnt;
- the family's examples count WEIGHT times (they are few beside the rest);
- the gate's inner folds are the family's own files, one per fold: a transition is allowed where
  it pays off on the family's articles the fold model did not see, by the same gate and label
  guard as out of family. So adaptation needs MIN_FILES corrected articles of the family (with one,
  its two halves were tried as folds: the sentences of one article do not vouch for each other, and
  a change they agreed on cost the family's other articles).
"""
from __future__ import annotations

from dataclasses import replace

MARK = "T|"   # the prefix of a feature's family copy
WEIGHT = 3    # each of the family's examples counts this many times beside the rest
MIN_FILES = 2  # corrected articles of the family needed to adapt (one is trained on while another checks)
WORDS = False  # the family's units keep their words (character n-grams), or only their opening and end


def _kept(f: str) -> bool:
    # data.py's word features: c<char>, b<bigram> (dropped), ^<2 chars>, ^^<3 chars>, $<last> (kept)
    return WORDS or f[0] not in "cb"


def mark(units):
    """The units as the family's: their features but the word n-grams, each also in a family copy."""
    out = []
    for u in units:
        kept = tuple(f for f in u.features if _kept(f))
        out.append(replace(u, features=kept + tuple(MARK + f for f in kept)))
    return out
