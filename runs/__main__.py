"""`python -m runs` is the `ceasefire` command."""

from runs.cli import app

app()
