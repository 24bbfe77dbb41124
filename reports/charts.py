"""Matplotlib charts rendered to inline SVG strings (no files, no external references).

Charts are drawn on a bare :class:`~matplotlib.figure.Figure` (no pyplot global
state). The SVG is cleaned for inlining in HTML: the XML prolog, DOCTYPE and namespace
URLs are removed, and ids get a per-chart prefix so several charts can share a page.
"""

from __future__ import annotations

import io
import itertools
import math
import re
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure

__all__ = ["conformance_bars", "heatmap", "to_svg", "trend_lines"]

_RC: dict[Any, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "persona-evals",
    "font.size": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
_CMAP = LinearSegmentedColormap.from_list("conf", ["#c0392b", "#f1c40f", "#27ae60"])
_counter = itertools.count(1)


def to_svg(fig: Figure) -> str:
    """Serialise ``fig`` as an ``<svg>`` element fit for inlining in HTML."""
    buf = io.StringIO()
    with matplotlib.rc_context(_RC):
        fig.savefig(
            buf,
            format="svg",
            bbox_inches="tight",
            metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
        )
    text = buf.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r'\s+xmlns(:xlink)?="[^"]*"', "", text)
    text = text.replace("xlink:href=", "href=")
    prefix = f"c{next(_counter)}-"
    text = re.sub(r'id="', f'id="{prefix}', text)
    text = text.replace('href="#', f'href="#{prefix}').replace("url(#", f"url(#{prefix}")
    text = text.replace("<svg ", '<svg role="img" ', 1)
    return text


def heatmap(matrix: pd.DataFrame, title: str = "") -> str:
    """Rules (rows) x tasks (columns) conformance heatmap; NaN cells are grey.

    Args:
        matrix: Rates in [0, 1], index = rule ids, columns = task ids.
        title: Chart title.

    Returns:
        Inline SVG.
    """
    rows, cols = matrix.shape
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(min(2.8 + 0.28 * cols, 30), 0.9 + 0.26 * rows))
        ax = fig.add_subplot()
        data = np.ma.masked_invalid(matrix.to_numpy(dtype=float))
        cmap = _CMAP.with_extremes(bad="#d5d8dc")
        im = ax.imshow(data, cmap=cmap, vmin=0.0, vmax=1.0, aspect="auto", interpolation="nearest")
        ax.set_yticks(range(rows), [str(r) for r in matrix.index])
        ax.set_xticks(range(cols), [str(c) for c in matrix.columns], rotation=60, ha="right")
        ax.tick_params(length=0)
        if rows * cols <= 500:
            for (i, j), v in np.ndenumerate(matrix.to_numpy(dtype=float)):
                if not math.isnan(v):
                    ax.text(
                        j,
                        i,
                        f"{v * 100:.0f}",
                        ha="center",
                        va="center",
                        fontsize=6,
                        color="white" if v < 0.35 else "#1b2631",
                    )
        if title:
            ax.set_title(title, loc="left")
        fig.colorbar(im, ax=ax, fraction=0.025, pad=0.01, label="conformance")
        return to_svg(fig)


def conformance_bars(table: pd.DataFrame) -> str:
    """Horizontal bars of per-rule conformance with 95% CI whiskers.

    Args:
        table: Columns ``rule``, ``rate``, ``ci_low``, ``ci_high``.
    """
    t = table.sort_values("rate", ascending=True, na_position="first")
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(6.5, 0.6 + 0.22 * len(t)))
        ax = fig.add_subplot()
        y = np.arange(len(t))
        rate = t["rate"].to_numpy(dtype=float)
        colors = [_CMAP(v) if not math.isnan(v) else "#d5d8dc" for v in rate]
        ax.barh(y, np.nan_to_num(rate), color=colors, height=0.7)
        err = np.vstack(
            [rate - t["ci_low"].to_numpy(dtype=float), t["ci_high"].to_numpy(dtype=float) - rate]
        )
        ax.errorbar(
            rate,
            y,
            # A bootstrap CI of a few samples may sit just off its point estimate.
            xerr=np.clip(np.nan_to_num(err), 0.0, None),
            fmt="none",
            ecolor="#1b2631",
            elinewidth=0.8,
            capsize=2,
        )
        ax.set_yticks(y, list(t["rule"]))
        ax.set_xlim(0, 1)
        ax.set_xlabel("conformance (95% CI, clustered by task)")
        return to_svg(fig)


def trend_lines(points: pd.DataFrame, ncols: int = 4) -> str:
    """Small multiples: one panel per rule, conformance over runs with a CI band.

    Args:
        points: Columns ``rule``, ``x`` (run order, 0..n-1), ``label`` (run name),
            ``rate``, ``ci_low``, ``ci_high``.
        ncols: Panels per row.
    """
    rules = sorted(points["rule"].unique())
    nrows = max(1, math.ceil(len(rules) / ncols))
    labels = points.drop_duplicates("x").sort_values("x")
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(3.0 * ncols, 1.9 * nrows))
        axes = fig.subplots(nrows, ncols, squeeze=False, sharex=True, sharey=True)
        for ax, rule in zip(axes.flat, rules, strict=False):
            p = points[points["rule"] == rule].sort_values("x")
            ax.fill_between(p["x"], p["ci_low"], p["ci_high"], color="#aed6f1", lw=0)
            ax.plot(p["x"], p["rate"], marker="o", ms=3, color="#1f618d", lw=1.2)
            ax.set_title(rule, fontsize=7, loc="left")
            ax.set_ylim(0, 1.02)
        for ax in list(axes.flat)[len(rules) :]:
            ax.set_visible(False)
        for ax in axes[-1]:
            ax.set_xticks(
                list(labels["x"]), list(labels["label"]), rotation=60, ha="right", fontsize=6
            )
        fig.tight_layout()
        return to_svg(fig)
