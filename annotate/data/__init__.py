"""The project's data files (word lists, scheme, user dictionary) and their loaders.

Loaders here import nothing else from annotate: the readers (annotate.sources) and the rules
(annotate.rules) both read the same lists through them, and neither reaches up to the other.
"""
