"""The calibration report: what was read and dropped, every fit with its quality and a plot of
the sample against the fitted density, the staff and demand found, and, when asked, the
model beside the office."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats

from sim.analysis import charts, render

if TYPE_CHECKING:
    from sim.calibrate import Calibration

_UNITS = {"prepare": "hours on the clock", "booking": "working days"}
_DENSITY = {
    "exponential": lambda d, x: stats.expon.pdf(x, scale=d.mean),
    "lognormal": lambda d, x: stats.lognorm.pdf(
        x, np.sqrt(np.log1p(d.cv**2)), scale=d.mean / np.sqrt(1 + d.cv**2)
    ),
    "gamma": lambda d, x: stats.gamma.pdf(x, 1 / d.cv**2, scale=d.mean * d.cv**2),
}


def fit_figure(c: Calibration, item: str) -> plt.Figure:
    """One panel per fitted duration of ``item``: the sample's histogram and the fitted density."""
    keys = [k for k in c.structure.fits if k.startswith(f"items.{item}.")]
    columns = min(4, len(keys))
    rows = -(-len(keys) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(3.2 * columns, 2.6 * rows), squeeze=False)
    for ax in axes.flat[len(keys) :]:
        ax.axis("off")
    for ax, key in zip(axes.flat, keys, strict=False):
        f = c.structure.fits[key]
        sample = c.structure.samples[key]
        top = np.quantile(sample, 0.99) if len(sample) else 1.0
        ax.hist(sample[sample <= top], bins=40, density=True, color="#c6dbef", label=f"log ({f.n:,})")
        if f.family in _DENSITY:
            x = np.linspace(top / 400, top, 200)
            ax.plot(x, _DENSITY[f.family](f.dist, x), color="#08306b", label=f.family)
        ax.set_title(key.removeprefix(f"items.{item}.").replace(".work", ""), fontsize=9)
        ax.set_xlabel(_UNITS.get(key.rpartition(".")[2], "open hours"))
        ax.legend(fontsize=7, frameon=False)
    for row in axes:
        row[0].set_ylabel("density")
    fig.suptitle(f"{item}: durations in the log and the fitted distributions", fontsize=10)
    fig.tight_layout()
    return fig


def write_report(c: Calibration, out: Path, validation: pd.DataFrame | None = None) -> Path:
    figures = out / "figures"
    blocks = [
        render.Block("h2", "What was read"),
        render.Block(
            "p",
            f"{c.events:,} events of {c.structure.cases:,} cases; "
            + ("; ".join(c.warnings) if c.warnings else "nothing dropped")
            + f". The scenario: `scenario/{c.scenario.name}.yaml` (run it with "
            f"`python -m sim --config-dir {out} scenario={c.scenario.name}`).",
        ),
        render.Block("h2", "Fitted durations"),
        render.Block(
            "p",
            "Maximum-likelihood fits of exponential, lognormal and gamma (scipy.stats), the family with "
            "the lowest AIC kept unless a Kolmogorov-Smirnov test refuses it (p < 0.001: the sample's "
            "quantiles are kept instead, as an empirical distribution). Work in open hours of the "
            "fitted calendar; the applicant's preparation on the clock.",
        ),
        render.Block("table", _fits_table(c)),
    ]
    for item in c.structure.items:
        charts.save(fit_figure(c, item), figures, f"fits_{item}")
        blocks.append(render.Block("figure", f"figures/fits_{item}.png", f"{item}: log and fit"))
    staff = pd.DataFrame(
        [{"pool": f"{d}.{r}", "staff": n} for d, roles in c.structure.staff.items() for r, n in roles.items()]
    )
    demand = pd.DataFrame(
        [
            {"need": n, "items": " → ".join(c.structure.needs[n]), "per open hour": r}
            for n, r in c.structure.demand.items()
        ]
    )
    blocks += [
        render.Block("h2", "Staff and demand"),
        render.Block("table", staff),
        render.Block("table", demand),
    ]
    if validation is not None:
        blocks += [
            render.Block("h2", "The model beside the office"),
            render.Block(
                "p",
                "The calibrated scenario simulated as the office works today (single-item processing), "
                "replications with 95 % t intervals, beside the log's own measures over the same weeks.",
            ),
            render.Block("table", validation),
        ]
    title = f"Calibration: {c.scenario.name}"
    command = "python -m sim.calibrate"
    (out / "calibration.md").write_text(render.markdown(blocks, title, command))
    (out / "calibration.html").write_text(render.html_page(blocks, title, out, command))
    return out / "calibration.md"


def _fits_table(c: Calibration) -> pd.DataFrame:
    table = c.fits()
    table["mean"] = table["mean"].map(lambda v: "" if pd.isna(v) else f"{v:.3g}")
    table["cv"] = table["cv"].map(lambda v: "" if pd.isna(v) else f"{v:.2f}")
    table["ks"] = table["ks"].map(lambda v: f"{v:.3f}")
    table["p"] = table["p"].map(lambda v: f"{v:.2g}")
    aic = [col for col in table.columns if col.startswith("aic:")]
    table[aic] = table[aic].map(lambda v: "" if pd.isna(v) else f"{v:,.0f}")
    return table
