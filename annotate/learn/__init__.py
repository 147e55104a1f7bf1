"""A trained component beside the rules: it learns from the annotators' corrections.

    data.py       units (sentences, heading lines, QUOTE spans) of a rules Doc, their
                  features and, from gold or corrected annotations, their true label
    train.py      `annotate train`: spaCy textcat training (config.cfg, the pipes' update), the
                  override thresholds from held-out folds, the model directory
    component.py  the `argument_learned` pipe: keeps, drops, relabels or adds spans
    curve.py      leave-one-batch-out figures and the learning curve (PNG)
"""
