"""CLI smoke tests: `ceasefire run` tells a story, `--json` gives the documented keys, lists work."""

from __future__ import annotations

import json
import subprocess
import sys

from agents.strategies import STRATEGIES


def cli(*args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "runs", *args], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result


def test_run_prints_an_event_log_and_an_outcome():
    out = cli("run", "--seed", "1", "--turns", "12").stdout
    assert "turn 1: " in out and "OUTCOME: " in out


def test_run_json_has_the_documented_keys():
    data = json.loads(cli("run", "--seed", "2", "--us-strategy", "or_else", "--json").stdout)
    for key in ("outcome", "first_agreed_turn", "turns_held", "terms", "us_concession", "casualties", "seed",
                "scenario", "strategies"):
        assert key in data
    assert data["outcome"] in ("durable", "holding", "collapsed", "no_deal")
    assert data["strategies"]["USA"] == "or_else" and data["seed"] == 2 and data["scenario"] == "syria-2016"


def test_strategy_and_set_options_reach_the_model():
    data = json.loads(cli("run", "--strategy", "RUS=stall", "--set", "USA.credibility=0.9", "--set", "horizon=4",
                          "--json").stdout)
    assert data["strategies"]["RUS"] == "stall"


def test_engines_print_the_same_run():
    mesa = cli("run", "--seed", "4", "--us-strategy", "carrot_and_stick").stdout
    ensemble = cli("run", "--seed", "4", "--us-strategy", "carrot_and_stick", "--engine", "ensemble").stdout
    assert mesa == ensemble


def test_lists_of_scenarios_and_strategies():
    assert "syria-2016" in cli("scenarios").stdout
    listing = cli("strategies").stdout
    assert all(cls.name in listing for cls in STRATEGIES) and "coerces=" in listing
