"""`python -m annotate …` is the `annotate` command."""
from annotate.cli import main

main()
