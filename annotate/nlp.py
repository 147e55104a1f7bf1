"""The whole spaCy pipeline, loaded: the cached segmenter, the argument pipes, and a trained
model's component after them when one is given.

It sits above both annotate.pipeline (the Doc and the rule pipes) and annotate.learn (the
trained component, which reads the rules' spans), so neither imports the other's way back.
Its imports are made in load_nlp: the command line reads MODEL_ENV without loading spaCy.
"""
from __future__ import annotations

MODEL_ENV = "ANNOTATE_MODEL"  # a model directory from `annotate train`, used when no model is given


def load_nlp(disabled=(), model=None):
    """The cached pkuseg pipeline (see `annotate model fetch`) with the argument pipes; with
    `model` (None: $ANNOTATE_MODEL; "": none), the trained component after the span rules."""
    import gc
    import os

    from annotate.learn.component import add_learned
    from annotate.model import load_pipeline
    from annotate.pipeline import add_argument_pipes, check_segmenter
    from annotate.rules import check_disabled

    check_disabled(disabled)  # an unknown id fails before the 3-second model load
    if model is None:
        model = os.environ.get(MODEL_ENV)
    nlp = add_argument_pipes(load_pipeline(), disabled)
    check_segmenter(nlp)  # the fast segmenter's one-off model check happens here, with the load
    if model:
        add_learned(nlp, model)
    # The model's containers (millions of entries) live as long as the process, and every full
    # collection of the cyclic garbage collector walked them (≈0.2 s each): collected once here,
    # then left out of later collections.
    gc.collect()
    gc.freeze()
    return nlp
