"""Strategy parameters as levers of an experiment file: `or_else(deadline=6)` as a lever value and a
[strategy_params] grid; their labels; one-line errors; the same runs as `--strategy-param` on the command line;
a resumed batch gives the uninterrupted data."""

from __future__ import annotations

import hashlib
import json
import signal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agents import strategies
from model import assignment
from model.errors import CeasefireError
from runs import batch, experiment
from runs.cli import app
from tests.conftest import (assert_frames_equal, assert_refused_file, batch_reference, module_file, one_line_error,
                            write)

HEAD = """
[experiment]
name = "levers"
scenario = "syria-2016"
turns = 8
replicates = 6
seed = 7
"""

LEVERS = HEAD + """
[levers]
us_strategy = ["concede", "or_else(deadline=6, enforce=false)", "linkage"]

[strategy_params]
"linkage.patience" = [2, 5]
"""


# --- parsing ------------------------------------------------------------------------------------------------------

def test_lever_values_carry_their_parameters_and_a_grid_expands_a_strategy(tmp_path):
    exp = experiment.load(write(tmp_path, LEVERS))
    assert exp.labels() == [{"USA": "concede"}, {"USA": "or_else(deadline=6, enforce=false)"},
                            {"USA": "linkage(patience=2)"}, {"USA": "linkage(patience=5)"}]
    or_else = exp.combos[1]["USA"]
    assert isinstance(or_else, strategies.Choice) and dict(or_else.params) == {"deadline": 6, "enforce": False}
    assert exp.total_runs == 4 * 6
    # the deadline is the run's threat_period in that combination's runs, and only there
    assert [exp.run_params(c) for c in range(4)] == [
        {"params.turns": 8}, {"params.turns": 8, "params.threat_period": 6}, {"params.turns": 8}, {"params.turns": 8}]


def test_a_grid_over_two_parameters_is_their_product_in_file_order(tmp_path):
    text = HEAD + """
[levers]
us_strategy = ["or_else", "concede"]
RUS = ["stall"]

[strategy_params]
"or_else.deadline" = [2, 4]
"or_else.enforce" = [true, false]
"stall.step" = 0.05
"""
    exp = experiment.load(write(tmp_path, text))
    assert [c["USA"] for c in exp.labels()] == [
        "or_else(deadline=2, enforce=true)", "or_else(deadline=2, enforce=false)",
        "or_else(deadline=4, enforce=true)", "or_else(deadline=4, enforce=false)", "concede"]
    assert {c["RUS"] for c in exp.labels()} == {"stall(step=0.05)"}


BAD = {
    "unknown strategy": ('us_strategy = ["concede", "appease(x=1)"]', "",
                         "levers.us_strategy: unknown strategy 'appease'; allowed: concede, hold_firm"),
    "unknown parameter": ('us_strategy = ["or_else(patience=2)"]', "",
                          "levers.us_strategy: or_else.patience: unknown parameter; allowed: deadline, enforce, ultimatums"),
    "out of range": ('us_strategy = ["or_else(deadline=99)"]', "",
                     "levers.us_strategy: or_else.deadline=99: not allowed; allowed: a whole number in [1, 26]"),
    "not a whole number": ('us_strategy = ["or_else(deadline=2.5)"]', "",
                           "levers.us_strategy: or_else.deadline=2.5: not allowed"),
    "malformed": ('us_strategy = ["or_else(deadline=6"]', "", "levers.us_strategy 'or_else(deadline=6': expected NAME"),
    "a table": ('us_strategy = [{ strategy = "or_else", deadline = 6 }]', "",
                'levers.us_strategy[0]: expected a strategy as text, NAME or NAME(PARAM=VALUE, ...)'),
    "listed twice": ('us_strategy = ["or_else(deadline=6)", "or_else(deadline = 6.0)"]', "",
                     "levers.us_strategy: or_else(deadline=6) is listed twice"),
    "grid: not in the levers": ('us_strategy = ["concede", "or_else"]', '"linkage.patience" = [2, 3]',
                                'strategy_params.linkage.patience: linkage is not a strategy in the levers '
                                '(levers.us_strategy: concede, or_else)'),
    "grid: unknown strategy": ('us_strategy = ["concede"]', '"appease.x" = [1]',
                               "strategy_params.appease.x: unknown strategy 'appease'"),
    "grid: unknown parameter": ('us_strategy = ["or_else"]', '"or_else.patience" = [1]',
                                "strategy_params.or_else.patience: or_else.patience: unknown parameter"),
    "grid: out of range": ('us_strategy = ["or_else"]', '"or_else.deadline" = [2, 40]',
                           "strategy_params.or_else.deadline: or_else.deadline=40: not allowed; allowed: a whole number in [1, 26]"),
    "grid: not STRATEGY.PARAM": ('us_strategy = ["or_else"]', '"deadline" = [2]',
                                 'strategy_params.deadline: expected "STRATEGY.PARAM" = [VALUE, ...]'),
    "grid: empty": ('us_strategy = ["or_else"]', '"or_else.deadline" = []',
                    "strategy_params.or_else.deadline: empty list"),
    "grid: a table": ('us_strategy = ["or_else"]', '"or_else.deadline" = { a = 1 }',
                      "strategy_params.or_else.deadline: expected a value"),
    "grid and value both set it": ('us_strategy = ["or_else(deadline=3)"]', '"or_else.deadline" = [2]',
                                   "levers.us_strategy: or_else(deadline=3) sets deadline, which "
                                   "strategy_params.or_else.deadline varies"),
    "two deadlines in one run": ('us_strategy = ["or_else(deadline=3)"]\nTUR = ["carrot_and_stick(deadline=4)"]', "",
                                 "levers: carrot_and_stick.deadline=4 (TUR) and or_else.deadline=3 (USA): the rules "
                                 "read one params.threat_period per run"),
    "a Russian strategy for the US": ('us_strategy = ["stall(step=0.05)"]', "",
                                      "levers.us_strategy: 'stall' is a strategy for RUS only, not for USA"),
}


def _bad_text(case: str) -> str:
    levers, grid, _ = BAD[case]
    return HEAD + f"\n[levers]\n{levers}\n" + (f"\n[strategy_params]\n{grid}\n" if grid else "")


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_levers_are_one_line_naming_the_file_and_field(tmp_path, case):
    path = write(tmp_path, _bad_text(case))
    message = one_line_error(experiment.load, path)
    assert message.startswith(f"{path}: "), message
    assert BAD[case][2] in message, message


def test_a_sampled_parameter_that_a_lever_sets_is_refused(tmp_path):
    text = HEAD + """
[levers]
us_strategy = ["concede", "or_else(deadline=6)"]

[uncertainties]
"params.threat_period" = { choice = [2, 4] }
"""
    with pytest.raises(CeasefireError, match=r"uncertainties\.params\.threat_period: set by the lever "
                                             r"or_else\(deadline=6\) \(USA\)"):
        experiment.load(write(tmp_path, text))
    # without a deadline among the levers, the same uncertainty is fine
    experiment.load(write(tmp_path, text.replace("(deadline=6)", "(enforce=false)"), "ok.toml"))


def test_batch_with_bad_levers_exits_2_with_one_line_and_writes_nothing(tmp_path):
    for i, case in enumerate(("unknown parameter", "out of range", "grid: not in the levers", "grid: unknown strategy")):
        path = write(tmp_path, _bad_text(case), f"{i}.toml")
        target = tmp_path / f"out{i}"
        result = CliRunner().invoke(app, ["batch", str(path), "--out", str(target), "--quiet"])
        assert_refused_file(result, path, BAD[case][2])
        assert not target.exists()


# --- labels -------------------------------------------------------------------------------------------------------

def test_a_label_names_one_strategy_whatever_the_spelling(tmp_path):
    spellings = ["or_else(deadline=6, enforce=false)", "or_else( enforce = no , deadline = 6.0 )",
                 "or_else(enforce=0,deadline=6)"]
    labels = {strategies.label(assignment.parse_choice(s)) for s in spellings}
    assert labels == {"or_else(deadline=6, enforce=false)"}
    # a label reads back as itself, and a real number is written exactly (not rounded to six digits)
    for text in ("tit_for_tat(generosity=0.15)", "tit_for_tat(generosity=0.123456789)", "concede(limit=1)",
                 "or_else(deadline=default)"):
        choice = assignment.parse_choice(text)
        assert strategies.label(choice) == text
        assert assignment.parse_choice(strategies.label(choice)).params == choice.params
    assert strategies.label(assignment.parse_choice(f"tit_for_tat(generosity={0.1 + 0.05!r})")) != \
        "tit_for_tat(generosity=0.15)"
    # the same experiment written as values or as a grid: the same labels and the same fingerprint
    written = HEAD + '\n[levers]\nus_strategy = ["concede", "or_else(deadline=2)", "or_else( deadline = 4.0 )"]\n'
    grid = HEAD + '\n[levers]\nus_strategy = ["concede", "or_else"]\n\n[strategy_params]\n"or_else.deadline" = [2, 4]\n'
    a, b = experiment.load(write(tmp_path, written, "a.toml")), experiment.load(write(tmp_path, grid, "b.toml"))
    assert a.labels() == b.labels() == [{"USA": "concede"}, {"USA": "or_else(deadline=2)"}, {"USA": "or_else(deadline=4)"}]
    assert a.fingerprint == b.fingerprint
    other = experiment.load(write(tmp_path, grid.replace("[2, 4]", "[2, 5]"), "c.toml"))
    assert other.fingerprint != a.fingerprint
    # a file without parameters keeps the fingerprint it had before parameters existed (its output folders resume)
    plain = experiment.load(write(tmp_path, HEAD + '\n[levers]\nus_strategy = ["concede", "or_else"]\n', "d.toml"))
    before = {"experiment": plain.spec.model_dump(mode="json", exclude={"strategy_params"}),
              "scenario": plain.scenario.model_dump(mode="json", exclude={"path"})}
    assert plain.fingerprint == hashlib.sha256(json.dumps(before, sort_keys=True).encode("utf-8")).hexdigest()


# --- the same runs as on the command line, and resuming -------------------------------------------------------------

@pytest.fixture(scope="module")
def levers_file(tmp_path_factory) -> Path:
    return module_file(tmp_path_factory, LEVERS, "levers.toml")


@pytest.fixture(scope="module")
def reference(levers_file, tmp_path_factory) -> Path:
    return batch_reference(tmp_path_factory, levers_file, 24, chunk_size=4)


def test_results_manifest_and_compare_name_each_lever_by_its_label(reference):
    labels = ["concede", "or_else(deadline=6, enforce=false)", "linkage(patience=2)", "linkage(patience=5)"]
    runs = batch.load_results(reference)
    assert list(dict.fromkeys(runs["us_strategy"].astype(str))) == labels
    assert runs["us_strategy"].dtype == "category"
    manifest = json.loads((reference / "manifest.json").read_text())
    assert [c["USA"] for c in manifest["levers"]] == labels
    result = CliRunner().invoke(app, ["compare", "--from", str(reference), "--json"])
    assert result.exit_code == 0, result.output
    assert sorted(row["strategy"] for row in json.loads(result.stdout)) == sorted(labels)
    # a plain name picks every label of that strategy; a label in any spelling picks itself
    result = CliRunner().invoke(app, ["compare", "--from", str(reference), "--json", "--baseline", "linkage(patience=2)",
                                      "--strategies", "linkage, or_else(enforce=false, deadline=6)"])
    assert result.exit_code == 0, result.output
    assert sorted(row["strategy"] for row in json.loads(result.stdout)) == sorted(labels[1:])
    bad = CliRunner().invoke(app, ["compare", "--from", str(reference), "--baseline", "linkage"])
    assert bad.exit_code == 2 and "--baseline linkage: names several of the strategies compared" in bad.stderr


def test_a_parameterised_lever_runs_as_the_same_strategy_with_strategy_param(reference, levers_file):
    """The batch's runs of or_else(deadline=6, enforce=false) are, column for column, the runs that
    `--strategy-param or_else.deadline=6 --strategy-param or_else.enforce=false` gives on the same seed."""
    from runs.cli import parse_pairs
    from runs.compare import run_strategies

    runs = batch.load_results(reference)
    spec = experiment.load(levers_file).scenario
    params = assignment.parse_strategy_params(parse_pairs(["or_else.deadline=6", "or_else.enforce=false"],
                                                          "--strategy-param"))
    direct = run_strategies(spec, ["concede", "or_else"], runs=6, seed=7, params={"params.turns": 8},
                            strategy_params=params)
    for label in ("concede", "or_else(deadline=6, enforce=false)"):
        mine = runs[runs["us_strategy"] == label].reset_index(drop=True)
        theirs = direct[direct["us_strategy"] == label].reset_index(drop=True)
        assert len(mine) == len(theirs) == 6
        assert_frames_equal(mine[theirs.columns], theirs)
    # and the parameters matter: the plain or_else plays differently on these seeds
    plain = run_strategies(spec, ["or_else"], runs=6, seed=7, params={"params.turns": 8})
    ours = runs[runs["us_strategy"] == "or_else(deadline=6, enforce=false)"]
    assert not (plain["us_utility"].to_numpy() == ours["us_utility"].to_numpy()).all()


def test_compare_from_a_batch_equals_compare_with_strategy_param(tmp_path):
    """End to end on the command line: the table `compare --from` reads from a batch with a parameterised lever is
    the table `compare --strategy-param` computes (same seed, same replicates, the scenario's own turns)."""
    text = """
[experiment]
name = "cli"
scenario = "syria-2016"
replicates = 12
seed = 0

[levers]
us_strategy = ["concede", "or_else(deadline=6, enforce=false)"]
"""
    path = write(tmp_path, text)
    ran = CliRunner().invoke(app, ["batch", str(path), "--out", str(tmp_path / "out"), "--quiet"])
    assert ran.exit_code == 0, ran.output
    from_batch = CliRunner().invoke(app, ["compare", "--from", str(tmp_path / "out"), "--json"])
    direct = CliRunner().invoke(app, ["compare", "--strategies", "concede,or_else", "--runs", "12", "--seed", "0",
                                      "--workers", "1", "--json", "--strategy-param", "or_else.deadline=6",
                                      "--strategy-param", "or_else.enforce=false"])
    assert from_batch.exit_code == 0 and direct.exit_code == 0, (from_batch.output, direct.output)
    rows = json.loads(direct.stdout)
    assert {r["strategy"] for r in rows} == {"concede", "or_else(deadline=6, enforce=false)"}
    assert json.loads(from_batch.stdout) == rows


def test_a_batch_with_parameterised_levers_resumes_to_the_same_data(reference, levers_file, tmp_path):
    from tests.test_batch import _chunks_done, _start, _wait_for_chunks

    out = tmp_path / "out"
    args = ["batch", str(levers_file), "--out", str(out), "--chunk-size", "4", "--quiet"]
    proc = _start(args, tmp_path / "err", pause_after=2)
    _wait_for_chunks(proc, out, 2, tmp_path / "err")
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(60) == 143
    assert 2 <= _chunks_done(out) < 6
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "resumed" in result.stdout
    assert_frames_equal(batch.load_results(out), batch.load_results(reference))
    # another value of a parameter is another experiment: the folder refuses it, untouched
    changed = write(tmp_path, LEVERS.replace("[2, 5]", "[2, 6]"), "changed.toml")
    with pytest.raises(CeasefireError, match="holds results of a different experiment"):
        batch.run_batch(experiment.load(changed), out, chunk_size=4, progress=False)


def test_the_example_experiment_files_load():
    examples = sorted((Path(__file__).resolve().parents[1] / "runs" / "experiments").glob("*.toml"))
    assert any("or_else(deadline=" in str(experiment.load(p).labels()) for p in examples)
    for path in examples:
        experiment.load(path)


def test_the_tournament_names_a_strategy_given_parameters_by_its_label():
    result = CliRunner().invoke(app, ["tournament", "--runs", "2", "--us", "concede,or_else", "--russia", "stall",
                                      "--workers", "1", "--strategy-param", "or_else.deadline=6"])
    assert result.exit_code == 0, result.output
    assert "or_else(deadline=6)" in result.stdout
