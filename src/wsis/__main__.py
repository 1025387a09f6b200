"""`python -m wsis` is the `wsis` command."""

from wsis.cli import main

main()
