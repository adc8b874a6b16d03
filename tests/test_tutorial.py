"""The tutorial script runs from start to end and prints each of its three steps (in-process, so it shares the
imports of the other tests; `python docs/tutorial.py` runs the same `main`)."""

from __future__ import annotations

import runpy
from pathlib import Path

TUTORIAL = Path(__file__).resolve().parent.parent / "docs" / "tutorial.py"


def test_tutorial_runs(capsys):
    namespace = runpy.run_path(str(TUTORIAL), run_name="tutorial")
    result = namespace["main"]()
    out = capsys.readouterr().out
    for step in ("1. One run", "2. US strategies", "3. Sensitivity", "share_durable", "ceasefire discover"):
        assert step in out
    assert set(result["utility"]) == {"concede", "hold_firm", "or_else", "linkage"}
    assert result["summary"]["outcome"] in ("durable", "holding", "collapsed", "no_deal")
