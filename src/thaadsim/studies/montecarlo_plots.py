"""The convergence plot of a Monte Carlo study: the running estimate of P(no leak) and its Wilson band."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from thaadsim.studies.statistics import wilson_bounds


def running_p_no_leak(no_leak, level: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Runs 1..n, the estimate after each run (in run order) and its Wilson bounds."""
    x = np.cumsum(np.asarray(no_leak, dtype=float))
    n = np.arange(1, x.size + 1)
    lo, hi = wilson_bounds(x, n, level)
    return n, x / n, lo, hi


def convergence_figure(table, path: Path, title: str, level: float = 0.95) -> None:
    """Write the PNG: how the estimate of P(no leak) settles as the runs accumulate."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n, p, lo, hi = running_p_no_leak(table["no_leak"].to_numpy(), level)
    fig, ax = plt.subplots(figsize=(7.5, 4.2), dpi=110)
    try:
        ax.fill_between(n, lo, hi, color="#9ecae1", alpha=0.6, step="post", label=f"{level:.0%} Wilson interval")
        ax.step(n, p, where="post", color="#08519c", lw=1.5, label="P(no leak), running estimate")
        ax.axhline(p[-1], color="#636363", lw=0.8, ls="--", label=f"after {n[-1]:,} runs: {p[-1]:.3f}")
        ax.set_xscale("log" if n[-1] >= 100 else "linear")
        ax.set_xlim(1, max(n[-1], 2))
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel("runs")
        ax.set_ylabel("probability that no missile leaks")
        ax.set_title(title, fontsize=10)
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right", fontsize=8)
        fig.tight_layout()
        # no time stamp or version in the file: the same study gives the same bytes
        fig.savefig(path, format="png", metadata={"Software": None})
    finally:
        plt.close(fig)


__all__ = ["convergence_figure", "running_p_no_leak"]
