"""Figures for the comparison report (matplotlib, Agg backend: no display needed). Each function returns a Figure."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

SHARES = (("p_ceasefire", "ceasefire agreed"), ("p_durable", "durable at the end"), ("p_collapsed", "collapsed"))


def outcome_shares(table: pd.DataFrame) -> Figure:
    """Share of runs with a ceasefire, a durable one at the end, collapsed, per strategy (in table order), with 95% Wilson intervals."""
    fig, ax = plt.subplots(figsize=(max(6.0, 1.1 * len(table) + 2), 4.2))
    x = np.arange(len(table))
    width = 0.8 / len(SHARES)
    for j, (col, label) in enumerate(SHARES):
        p = table[col].to_numpy(dtype=float)
        ci = np.array([list(v) for v in table[f"{col}_ci"]], dtype=float).reshape(-1, 2)
        err = np.vstack([np.clip(p - ci[:, 0], 0, None), np.clip(ci[:, 1] - p, 0, None)])
        ax.bar(x + (j - 1) * width, p, width, yerr=err, capsize=3, label=label)
    ax.set_xticks(x, table["strategy"], rotation=30, ha="right")
    ax.set_ylim(0, 1)
    ax.set_ylabel("share of runs")
    ax.set_title("Outcomes per strategy (95% Wilson intervals)")
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    return fig


def survival(runs: pd.DataFrame, order: list[str], group: str = "us_strategy", turns: int | None = None) -> Figure:
    """Time to the first ceasefire as survival curves: share of runs still without one after each turn
    (runs that never agree are censored at the last turn)."""
    from runs.compare import agreed_by_turn

    horizon = int(turns or max(1, int(runs["first_agreed_turn"].max())))
    curves = agreed_by_turn(runs, horizon, group, order)
    fig, ax = plt.subplots(figsize=(8.5, 4.2))
    for name in curves.columns:
        ax.step(curves.index, 1.0 - curves[name], where="post", label=name)
    ax.set_xlim(0, horizon)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("turn (week)")
    ax.set_ylabel("share of runs without a ceasefire yet")
    ax.set_title("Time to first ceasefire")
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    fig.tight_layout()
    return fig


def concession_distribution(runs: pd.DataFrame, order: list[str], group: str = "us_strategy") -> Figure:
    """The distribution of the US concession per strategy (box: quartiles; whiskers: 5th-95th percentiles)."""
    fig, ax = plt.subplots(figsize=(7, max(3.0, 0.5 * len(order) + 1.5)))
    data = [runs.loc[runs[group] == name, "us_concession"].to_numpy(dtype=float) for name in order]
    ax.boxplot(data, orientation="horizontal", whis=(5, 95), showfliers=False, showmeans=True)
    ax.set_yticks(np.arange(1, len(order) + 1), order)
    ax.invert_yaxis()
    ax.set_xlabel("US concession (salience-weighted distance from the US ideal to the terms)")
    ax.set_title("US concession per strategy (triangle: mean)")
    fig.tight_layout()
    return fig


def versus_heatmap(matrix: pd.DataFrame) -> Figure:
    """Share durable per US strategy (rows) and Russian strategy (columns); the minimax-regret row marked."""
    cols = [c for c in matrix.columns if c.startswith("p_durable:")]
    values = matrix[cols].to_numpy(dtype=float)
    labels = [f"{u} *" if robust else u for u, robust in zip(matrix["us_strategy"], matrix["minimax_regret"], strict=True)]
    fig, ax = plt.subplots(figsize=(1.6 * len(cols) + 3, 0.45 * len(matrix) + 1.8))
    im = ax.imshow(values, vmin=0, vmax=1, cmap="viridis", aspect="auto")
    ax.set_xticks(np.arange(len(cols)), [c.split(":", 1)[1] for c in cols], rotation=20, ha="right")
    ax.set_yticks(np.arange(len(matrix)), labels)
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            ax.text(j, i, f"{values[i, j]:.2f}", ha="center", va="center", color="white" if values[i, j] < 0.6 else "black", fontsize=8)
    fig.colorbar(im, ax=ax, label="share durable at the end")
    ax.set_title("US x Russia: durable ceasefire (* minimax regret on US utility)")
    fig.tight_layout()
    return fig


def png_bytes(fig: Figure, dpi: int = 110) -> bytes:
    """The figure as PNG bytes (and the figure closed)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    return buf.getvalue()
