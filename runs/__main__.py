"""`python -m runs` is the `ceasefire` command."""

from runs.entry import main

main()
