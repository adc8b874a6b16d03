"""Comparison: intervals, paired differences on common random numbers, the versus-Russia matrix, the CLI's JSON
rows and the HTML report."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from model.errors import CeasefireError
from runs import batch, compare, experiment
from runs.cli import app


@pytest.fixture(scope="module")
def runs(syria):
    return compare.run_strategies(syria, ["concede", "or_else", "hold_firm"], runs=300, seed=1, params={"params.turns": 12})


@pytest.fixture(scope="module")
def table(runs):
    return compare.strategy_table(runs, baseline="concede", seed=1)


def test_table_rows_and_intervals(runs, table):
    assert list(table.columns) == list(compare.ROW_KEYS)
    assert sorted(table["strategy"]) == ["concede", "hold_firm", "or_else"]
    assert (table["runs"] == 300).all()
    assert list(table["rank"]) == [1, 2, 3]
    assert (np.diff(table["p_durable"]) <= 0).all()  # ranked by share durable
    for _, row in table.iterrows():
        sub = runs[runs.us_strategy == row["strategy"]]
        assert row["p_ceasefire"] == pytest.approx((sub.first_agreed_turn >= 0).mean())
        assert row["p_durable"] == pytest.approx((sub.outcome == "durable").mean())
        assert row["p_holding"] == pytest.approx(sub.outcome.isin(["durable", "holding"]).mean())
        assert row["mean_us_utility"] == pytest.approx(sub.us_utility.mean())
        for col in ("p_ceasefire", "p_durable", "p_holding", "p_collapsed"):  # Wilson intervals contain the point estimate
            lo, hi = row[f"{col}_ci"]
            assert 0.0 <= lo <= row[col] <= hi <= 1.0
        for col in ("mean_us_concession", "mean_us_utility", "mean_casualties"):
            lo, hi = row[f"{col}_ci"]
            assert lo <= row[col] <= hi
    # a share of 0 or 1 still has an interval of positive width on its open side
    lo, hi = table.loc[table.strategy == "concede", "p_ceasefire_ci"].iloc[0]
    assert hi > lo


def test_paired_difference_is_zero_against_itself_and_pairs_by_replicate(runs, table):
    base = table[table.strategy == "concede"].iloc[0]
    assert base["diff_vs_baseline"] == 0.0 and list(base["diff_vs_baseline_ci"]) == [0.0, 0.0]
    assert base["diff_us_utility_vs_baseline"] == 0.0
    mean, ci, pairs = compare.paired_difference(runs, "or_else", "concede", "us_utility")
    assert pairs == 300
    a = runs[runs.us_strategy == "or_else"].set_index("replicate").us_utility
    b = runs[runs.us_strategy == "concede"].set_index("replicate").us_utility
    assert mean == pytest.approx((a - b.loc[a.index]).mean())
    assert ci[0] <= mean <= ci[1]
    shuffled = runs.sample(frac=1.0, random_state=0)  # row order must not matter: pairs are matched by replicate
    assert compare.paired_difference(shuffled, "or_else", "concede", "us_utility")[0] == pytest.approx(mean)
    row = table[table.strategy == "or_else"].iloc[0]
    assert row["diff_us_utility_vs_baseline"] == pytest.approx(mean)


def test_unknown_baseline_is_refused(runs):
    with pytest.raises(CeasefireError, match="--baseline linkage: not among"):
        compare.strategy_table(runs, baseline="linkage")


def test_versus_matrix_marks_minimax_regret():
    rows = []
    # US utility: a is best vs x, b best vs y; c is never best but never far behind -> c minimises the worst regret
    utility = {("a", "x"): 1.0, ("a", "y"): 0.0, ("b", "x"): 0.0, ("b", "y"): 1.0, ("c", "x"): 0.7, ("c", "y"): 0.7}
    for (us, rus), u in utility.items():
        for r in range(4):
            rows.append({"us_strategy": us, "strategy_RUS": rus, "replicate": r, "us_utility": u,
                         "outcome": "durable" if r < 2 else "no_deal"})
    matrix = compare.versus_matrix(pd.DataFrame(rows))
    assert list(matrix["us_strategy"]) == ["a", "b", "c"]
    assert matrix["max_regret"].tolist() == pytest.approx([1.0, 1.0, 0.3])
    assert matrix["minimax_regret"].tolist() == [False, False, True]
    assert (matrix["p_durable:x"] == 0.5).all()


def test_cli_json_rows():
    result = CliRunner().invoke(app, ["compare", "--strategies", "concede,or_else", "--runs", "60", "--seed", "2", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [set(r) for r in rows] == [set(compare.ROW_KEYS)] * 2
    assert {r["strategy"] for r in rows} == {"concede", "or_else"}
    assert all(r["runs"] == 60 and len(r["p_holding_ci"]) == 2 for r in rows)
    again = CliRunner().invoke(app, ["compare", "--strategies", "concede,or_else", "--runs", "60", "--seed", "2", "--json"])
    assert json.loads(again.stdout) == rows  # seeded: the same rows every time


@pytest.mark.parametrize("args, expected", [
    (["--strategies", "concede,appease"], "--strategies appease: unknown strategy"),
    (["--strategies", "or_else,hold_firm"], "--baseline concede: not among --strategies"),
    (["--scenario", "atlantis"], "unknown scenario 'atlantis'"),
    (["--from", "/nonexistent/batch"], "not a batch output folder"),
])
def test_cli_bad_input(args, expected, tmp_path):
    result = CliRunner().invoke(app, ["compare", "--runs", "5", *args, "--out", str(tmp_path / "rep")])
    assert result.exit_code == 2, result.output
    assert len(result.stderr.strip().splitlines()) == 1 and expected in result.stderr, result.stderr
    assert not (tmp_path / "rep").exists()


def _check_report(folder, names):
    html = (folder / "report.html").read_text()
    embedded = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(embedded) == len(names)
    files = {(folder / f"{n}.png").read_bytes() for n in names}
    assert {base64.b64decode(e) for e in embedded} == files
    assert all(f.startswith(b"\x89PNG") for f in files)
    assert "<table>" in html and "http" not in html.replace("https://", "").replace("http://www.w3.org", "")
    return html


def test_cli_report_and_versus_russia(tmp_path):
    out = tmp_path / "rep"
    result = CliRunner().invoke(app, ["compare", "--strategies", "concede,or_else", "--runs", "40", "--seed", "3",
                                      "--versus-russia", "force_backed_diplomacy,stall", "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {r["strategy"] for r in data["strategies"]} == {"concede", "or_else"}
    assert data["strategies"][0]["runs"] == 80  # pooled over the two Russian strategies
    assert sum(r["minimax_regret"] for r in data["versus_russia"]) >= 1
    assert {"p_durable:stall", "us_utility:force_backed_diplomacy", "max_regret"} <= set(data["versus_russia"][0])
    html = _check_report(out, ["outcome_shares", "survival", "concession", "versus_russia"])
    assert "minimax" in html and "syria-2016" in html


def test_compare_from_a_batch(tmp_path):
    path = tmp_path / "e.toml"
    path.write_text("""
[experiment]
name = "cmp"
scenario = "syria-2016"
turns = 8
replicates = 10
seed = 5
[levers]
us_strategy = ["concede", "or_else", "linkage"]
[uncertainties]
"RUS.resolve" = { uniform = [0.6, 0.95] }
[sampling]
method = "sobol"
samples = 4
""")
    batch.run_batch(experiment.load(path), tmp_path / "b", progress=False)
    out = tmp_path / "rep"
    result = CliRunner().invoke(app, ["compare", "--from", str(tmp_path / "b"), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {r["strategy"] for r in rows} == {"concede", "or_else", "linkage"} and all(r["runs"] == 40 for r in rows)
    base = next(r for r in rows if r["strategy"] == "concede")
    assert base["diff_vs_baseline"] == 0.0
    html = _check_report(out, ["outcome_shares", "survival", "concession"])
    assert "cmp" in html and "RUS.resolve" in html  # experiment metadata and file content
    printed = CliRunner().invoke(app, ["compare", "--from", str(tmp_path / "b"), "--strategies", "concede,or_else"])
    assert printed.exit_code == 0 and "or_else" in printed.stdout and "linkage" not in printed.stdout


def test_the_default_table_fits_80_columns_without_cutting_a_number(table):
    import io

    from rich.console import Console

    from runs.compare_cli import _print_table

    versus = compare.versus_matrix(pd.DataFrame({
        "us_strategy": ["concede", "concede", "carrot_and_stick", "carrot_and_stick"],
        "strategy_RUS": ["force_backed_diplomacy", "good_faith"] * 2, "outcome": ["holding", "no_deal"] * 2,
        "us_utility": [0.4, 0.5, 0.6, 0.3]}))
    for wide in (False, True):
        buf = io.StringIO()
        _print_table(table, versus, "concede", "title", wide=wide, console=Console(width=80 if not wide else 250, file=buf))
        text = buf.getvalue()
        assert "…" not in text
        # Every share shown, with its interval, in full: the narrow table shows the share durable, the wide one also
        # the share in force at the end (which the narrow table showed only while it equalled the share durable: since
        # S14 the truces signed in week 8 of these 12-week runs hold to the end without being durable).
        for _, row in table.iterrows():
            for col in ("p_durable", "p_holding") if wide else ("p_durable",):
                lo, hi = row[f"{col}_ci"]
                assert f"{row[col]:.3f}" in text and f"[{lo:.3f}, {hi:.3f}]" in text, col
        assert ("casualties" in text) == wide  # every column only with --wide
        if not wide:
            assert max(len(line) for line in text.splitlines()) <= 80
