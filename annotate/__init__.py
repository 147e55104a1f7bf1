"""Argument-structure pre-annotator for Chinese commentary articles."""

__version__ = "0.1.0"
