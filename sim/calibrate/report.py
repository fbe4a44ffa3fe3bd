"""The calibration report: what was read and dropped, every fit with its quality and a plot of
the sample against the fitted density, the staff and demand found, and, when asked, the
model beside the office."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import ticker
from scipy import stats

from sim.analysis import charts, render
from sim.calibrate.validation import verdict

if TYPE_CHECKING:
    from sim.calibrate import Calibration

MAX_PANELS = 24  # per figure: the fits with most durations
MAX_FIT_ROWS = 40  # per table of fits: the rest are in fits.csv
MAX_COLUMNS_NAMED = 20
ECDF_POINTS = 500  # steps drawn of a sample's ECDF (every one, for a smaller sample)
_UNITS = {"prepare": "hours on the clock", "booking": "working days", "delay": "hours on the clock"}
_CDF = {
    "exponential": lambda d, x: stats.expon.cdf(x, scale=d.mean),
    "lognormal": lambda d, x: stats.lognorm.cdf(
        x, np.sqrt(np.log1p(d.cv**2)), scale=d.mean / np.sqrt(1 + d.cv**2)
    ),
    "gamma": lambda d, x: stats.gamma.cdf(x, 1 / d.cv**2, scale=d.mean * d.cv**2),
}


def fit_figure(c: Calibration, item: str) -> plt.Figure:
    """One panel per fitted duration of ``item`` (the ``MAX_PANELS`` with most durations): the
    sample's empirical CDF against the fitted distribution's, on a log axis (durations of an
    office's log span seconds to months), with the share of instants, which a log axis cannot
    show, in the legend."""
    keys = [k for k in c.structure.fits if k.startswith(f"items.{item}.")]
    keys = sorted(keys, key=lambda k: -c.structure.fits[k].n)[:MAX_PANELS]
    columns = max(1, min(4, len(keys)))
    rows = max(1, -(-len(keys) // columns))
    fig, axes = plt.subplots(rows, columns, figsize=(3.3 * columns, 2.7 * rows), squeeze=False)
    for ax in axes.flat[len(keys) :]:
        ax.axis("off")
    for ax, key in zip(axes.flat, keys, strict=False):
        f = c.structure.fits[key]
        sample = np.sort(c.structure.samples[key])
        positive = sample[sample > 0]
        zeros = 1 - len(positive) / max(len(sample), 1)
        label = f"log ({f.n:,}{f'; {zeros:.0%} instant' if zeros else ''})"
        if len(positive):
            share = np.arange(len(sample) - len(positive) + 1, len(sample) + 1) / len(sample)
            if len(positive) > ECDF_POINTS:  # as many steps as a panel can show: a lighter figure
                keep = np.linspace(0, len(positive) - 1, ECDF_POINTS).astype(int)
                positive, share = positive[keep], share[keep]
            ax.step(
                positive,
                share,
                where="post",
                color="#6baed6",
                lw=2,
                label=label,
            )
            x = np.geomspace(positive[0], positive[-1], 200) if positive[-1] > positive[0] else positive[:1]
            ax.plot(x, _model_cdf(f.dist, x), color="#08306b", lw=1, label=f.family)
            ax.set_xscale("log")
            ax.xaxis.set_minor_formatter(ticker.NullFormatter())
            ax.legend(fontsize=6, frameon=False, loc="lower right")
        else:
            ax.text(0.5, 0.5, f"all {f.n:,} instant", ha="center", transform=ax.transAxes)
        ax.set_ylim(0, 1.02)
        title = key.removeprefix(f"items.{item}.").removeprefix("steps.").removeprefix("activities.")
        ax.set_title(title if len(title) <= 42 else title[:40] + "…", fontsize=8)
        ax.set_xlabel(_UNITS.get(key.rpartition(".")[2], "open hours"), fontsize=8)
        ax.tick_params(labelsize=7)
    for row in axes:
        row[0].set_ylabel("share done within")
    fig.suptitle(f"{item}: durations in the log (ECDF) and the fitted distributions", fontsize=10)
    fig.tight_layout()
    return fig


def _model_cdf(d, x: np.ndarray) -> np.ndarray:
    if d.dist.value in _CDF:
        return _CDF[d.dist.value](d, x)
    values = np.sort(np.asarray(d.values if d.values is not None else [d.value], dtype=float))
    return np.searchsorted(values, x, side="right") / len(values)


def write_report(c: Calibration, out: Path, validation: pd.DataFrame | None = None) -> Path:
    figures, st = out / "figures", c.structure
    name = c.scenario.name
    blocks = [
        render.Block("h2", "What was read"),
        render.Block(
            "p",
            f"{c.events:,} events of {st.cases:,} cases, local times read in {c.log.timezone} "
            "(`--timezone`; Asia/Shanghai unless given); "
            + ("; ".join(c.warnings) if c.warnings else "nothing dropped")
            + (f". Columns not read: {_listed(c.log.unused)}" if c.log.unused else "")
            + ".",
        ),
        render.Block(
            "p",
            f"Run the scenario: `python -m sim --config-dir {out} scenario={name}`; calibrate again with "
            f"its log beside the office's: `{c.command} --out {out} --force --validate 20`.",
        ),
    ]
    if c.joined is not None:
        tied = c.joined.ties[c.joined.ties["log item"] != ""]
        blocks += [
            render.Block("h2", "The item list and the log"),
            render.Block(
                "p",
                f"{len(tied)} of the list's {len(c.joined.ties)} items are tied to the log's, and take the "
                "list's documents, limits, results, prerequisites and what may be fetched or promised; "
                + (
                    f"the log's {', '.join(c.joined.untied_log)} the list does not name (their documents are "
                    "a placeholder dossier). "
                    if c.joined.untied_log
                    else "every item of the log is named in the list. "
                )
                + "Items of the list the log does not show have no times to run on and are left out.",
            ),
            render.Block("table", c.joined.ties),
        ]
    if c.drift is not None:
        blocks += [
            render.Block("h2", "One way of working, or two"),
            render.Block("p", c.drift.sentence() + "."),
        ]
        if c.regimes is not None:
            blocks.append(render.Block("table", c.regimes))
    if st.waiting is not None:
        table = st.waiting.assign(
            **{
                "hours per case": st.waiting["hours per case"].map(lambda v: f"{v:,.1f}"),
                "share of lead time": st.waiting["share of lead time"].map(lambda v: f"{v:.1%}"),
            }
        )
        blocks += [
            render.Block("h2", "Why cases wait"),
            render.Block(
                "p",
                "Each case's waiting taken apart, step by step, into what a reform acts on (after Lashkevich "
                "et al., CAiSE 2023): each part's hours per case and share of the cases' lead time, the "
                "method that finds it, and what the model makes of it. Contention answers to staffing (where "
                "the model's pools are busy enough to queue), batching and sittings to electronic transfer "
                "and cut steps, the applicant's time to one notice and tolerant acceptance, handovers to "
                "shared data; what stays unexplained is an extraneous delay, never work.",
            ),
            render.Block("table", table),
        ]
    how = [
        st.notes[k]
        for k in ("hours", "calendars.office", "dated", "demand_profile", "channels", "warmup")
        if k in st.notes
    ]
    how += [v for k, v in st.notes.items() if k.startswith("items.") and k.endswith((".steps", ".route"))]
    if how:
        blocks.append(render.Block("p", " ".join(f"{h[0].upper()}{h[1:]}." for h in how)))
    blocks += [
        render.Block("h2", "Fitted durations"),
        render.Block(
            "p",
            "Maximum-likelihood fits of exponential, lognormal and gamma (scipy.stats), the family with "
            "the lowest AIC kept unless a Kolmogorov-Smirnov test refuses it (p < 0.001), or the "
            "sample has instants, or the fit would leave the schema's bounds: then the sample itself "
            "(empirical: the means of 200 equal shares, keeping its mean). Hours: work in open hours of "
            "the fitted calendar (on the clock without one); delays and preparation on the clock; "
            "bookings in working days. Every fit with its AIC per family is in `fits.csv`.",
        ),
        *_fits_tables(c),
    ]
    for item in st.items:
        charts.save(fit_figure(c, item), figures, f"fits_{item}")
        blocks.append(render.Block("figure", f"figures/fits_{item}.png", f"{item}: log and fit"))
    blocks += [render.Block("h2", "Staff and demand"), render.Block("table", _staff_table(c))]
    per = "per hour" if st.groups.get("windows") is None else "per open hour"
    demand = pd.DataFrame(
        [{"need": n, "items": " → ".join(st.needs[n]), f"arrivals {per}": r} for n, r in st.demand.items()]
    )
    blocks.append(render.Block("table", demand))
    if validation is not None:
        replications = validation.columns[2].rpartition("n=")[2].rstrip(")")
        blocks += [
            render.Block("h2", "The model beside the office"),
            render.Block("p", f"**Verdict.** {verdict(validation)}"),
            render.Block(
                "p",
                f"The calibrated scenario simulated as the office works today (single-item processing), "
                f"each measure over {replications} independent replications (`--validate R`; 5 unless "
                "given; 95 % intervals: t, or Wilson's for a share), "
                'beside the office\'s log measured the same way. "Office inside" is yes only when the '
                'office\'s figure lies in the span one run like the log falls in; "within tolerance" '
                "holds the model's mean to the stated tolerance. A distance is the model's from the "
                "office's log (0: the same). \"The log's halves\" holds the log against itself: its cases "
                "begun in the newer half of its span against those of the older, in the tolerance's units; "
                "a measure the halves miss is beyond what any one stationary model can reach on this log.",
            ),
            render.Block("table", validation),
        ]
    title = f"Calibration: {name}"
    command = "python -m sim.calibrate"
    (out / "calibration.md").write_text(render.markdown(blocks, title, command))
    (out / "calibration.html").write_text(render.html_page(blocks, title, out, command))
    return out / "calibration.md"


def _fits_tables(c: Calibration) -> list[render.Block]:
    """The fits as one table per unit (work in open hours, delays on the clock, ...), each row
    named by what it times (the item's prefix left out where there is one item), without the
    AICs (they are in fits.csv)."""
    table = c.fits()
    single = len(c.structure.items) == 1
    kind = table["parameter"].str.rpartition(".")[2]
    unit = kind.map(lambda k: _UNITS.get(k, "open hours"))

    def short(key: str) -> str:
        key = key.rpartition(".")[0] if key.rpartition(".")[2] in ("work", "delay") else key
        if single:
            for part in (".steps.", ".activities."):
                if part in key:
                    return key.split(part, 1)[1]
        return key

    table["parameter"] = table["parameter"].map(short)
    table["mean"] = table["mean"].map(lambda v: "" if pd.isna(v) else f"{v:.3g}")
    table["cv"] = table["cv"].map(lambda v: "" if pd.isna(v) else f"{v:.2f}")
    table["ks"] = table["ks"].map(lambda v: "" if pd.isna(v) else f"{v:.3f}")
    table["p"] = table["p"].map(lambda v: "" if pd.isna(v) else f"{v:.2g}")
    blocks = []
    for (what, u), rows in table.groupby([kind, unit], sort=False):
        heading = {"work": "Work", "delay": "Delays before a step"}.get(
            what, what.replace("_", " ").capitalize()
        )
        shown = rows.sort_values("n", ascending=False, kind="stable").head(MAX_FIT_ROWS)
        more = f" ({len(shown)} of {len(rows):,}, those with most durations; fits.csv has all)"
        blocks.append(render.Block("h3", f"{heading}, in {u}{more if len(rows) > len(shown) else ''}"))
        blocks.append(render.Block("table", shown[["parameter", "n", "family", "mean", "cv", "ks", "p"]]))
    return blocks


def _listed(names: list[str]) -> str:
    more = len(names) - MAX_COLUMNS_NAMED
    return ", ".join(names[:MAX_COLUMNS_NAMED]) + (f" and {more:,} more" if more > 0 else "")


def _staff_table(c: Calibration) -> pd.DataFrame:
    pools = c.structure.pools
    rows = []
    for department, roles in c.structure.staff.items():
        for role, n in roles.items():
            row = {"pool": f"{department}.{role}", "staff": n}
            if pools is not None:
                people = pools.people.get(department, [])
                done = sorted(a for a, p in pools.of_activity.items() if p == department)
                row |= {"people in the log": len(people), "activities": ", ".join(done)}
            rows.append(row)
    return pd.DataFrame(rows)
