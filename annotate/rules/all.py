"""Import every rule module, so that the catalogue (annotate.rules.RULES) is complete."""
from annotate.rules import directives, quotes, relations, units  # noqa: F401
