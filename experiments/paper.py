"""The paper's tables and figures, rebuilt from a study's saved results: read it top to bottom
like a notebook (each ``# %%`` a cell; VS Code, Spyder and Jupytext run them one by one), or
run it whole. Nothing is simulated here: every number comes from the jobs' saved tables, so
the paper's numbers are the report's.

    python -m sim --multirun +experiment=reform_study          # the study (the report's, once)
    python -m sim --multirun +experiment=uncertainty           # the estimates' ranges (optional)
    python experiments/paper.py results/reform_study/restaurant --out paper --width two

Writes to ``--out``: table1_headline.csv (each design against single, paired by replication,
95 % intervals, and family-wise: Bonferroni's intervals, Holm's p-values), table2_needs.csv
(each need on its own), table3_uncertainty.csv (the reductions over the estimates' ranges
beside the noise, where the uncertainty study ran), and figure1_headline, figure2_changes,
figure3_uncertainty as PDF, SVG and PNG, a journal's width (``--width one|two``), no titles.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from sim.analysis import charts, headline, tables, uncertainty, uncertainty_section
from sim.analysis.collect import collect
from sim.analysis.compare import HEADLINE, holm
from sim.analysis.labels import Labels
from sim.analysis.report import ATTRIBUTION, config_dirs
from sim.analysis.study_runs import job_config
from sim.experiment.stats import CONFIDENCE


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "sweep", type=Path, help="a study's multirun folder, e.g. results/reform_study/restaurant"
    )
    parser.add_argument("--out", type=Path, default=Path("paper"), help="where the tables and figures go")
    parser.add_argument("--width", choices=list(charts.WIDTHS), default="two")
    parser.add_argument("--lang", choices=("en", "zh"), default="en")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    labels = Labels(args.lang, config_dirs(args.sweep))

    # %% The saved runs: a row per replication, the base staffing only (the study's others are
    # its staffing chart's), designs in the reform's order.
    collected = collect(args.sweep)
    reps = collected.replications
    scale = tables.base_scale(collected.runs)
    reps = reps[reps["staffing_scale"] == scale]
    designs = charts.presets_first(reps["design"].unique())
    print(f"{args.sweep}: {len(reps)} replications at staffing x{scale:g}, designs {', '.join(designs)}")

    # %% Table 1: each design against single on lead time, trips and documents, paired by
    # replication (common random numbers), with its 95 % interval; beside it, the same held to
    # all the comparisons at once (Bonferroni's simultaneous interval, Holm's adjusted p-value).
    compared = headline.comparisons(reps, designs, HEADLINE)
    m = len(compared)
    family = headline.comparisons(reps, designs, HEADLINE, confidence=1 - (1 - CONFIDENCE) / m)
    table1 = compared[["design", "metric", "n", "base_mean", "other_mean"]].assign(
        change=[tables.change(r) for r in compared.itertuples()],
        family_change=[tables.change(r) for r in family.itertuples()],
        p_holm=holm(compared["reduction_p"].to_numpy()),
    )
    table1.to_csv(args.out / "table1_headline.csv", index=False)
    print(table1.to_string(index=False))

    # %% Table 2: each need on its own (a bundle, or a single item), its applicants' changes.
    columns = ["design", "seed", "replication", "need", "arrival", "finished", *tables.NEED_MEASURES]
    at_base = collected.runs[collected.runs["staffing_scale"] == scale]
    cases = pd.concat(
        [pd.read_parquet(collected.jobs[run] / "cases.parquet", columns=columns) for run in at_base["run"]],
        ignore_index=True,
    ).assign(design=lambda c: c["design"].astype(str))
    warmup = job_config(collected.jobs[at_base["run"].iloc[0]]).scenario.warmup
    needs = tables.per_need(cases[(cases["arrival"] >= warmup) & cases["finished"]])
    needs.to_csv(args.out / "table2_needs.csv", index=False)
    print(tables.per_need_table(needs, "lead_time_working_days", labels).to_string(index=False))

    # %% Table 3: the reductions over the estimates' ranges beside simulation noise, where the
    # uncertainty study ran (results/<study>/<scenario>/uncertainty/).
    studies = (
        uncertainty.read(args.sweep / uncertainty.FOLDER)
        if (args.sweep / uncertainty.FOLDER).is_dir()
        else {}
    )
    if studies:
        band = uncertainty.headline_band(studies)
        band.to_csv(args.out / "table3_uncertainty.csv", index=False)
        print(band.to_string(index=False))
    else:
        print("no uncertainty study: python -m sim --multirun +experiment=uncertainty")

    # %% Figures: a journal's width, titles left to the captions, PDF with its fonts embedded.
    palette = charts.colours(designs)
    configs = tables.pooled(reps)
    with charts.style(args.width, titles=False):
        charts.save(
            charts.before_after(headline.before_after(configs), palette, labels), args.out, "figure1_headline"
        )
        charts.save(charts.design_changes(compared, palette, labels), args.out, "figure2_changes")
        if studies:
            method = "morris" if "morris" in studies else "sobol"
            study = studies[method]
            table = uncertainty.points(study.rows)
            ranked = (
                uncertainty.screening(study.rows, table, study.settings)
                if method == "morris"
                else uncertainty.indices(table, study.settings)
            )
            if not ranked.empty:
                figure = uncertainty_section.chart(table, ranked, method, labels)
                charts.save(figure, args.out, "figure3_uncertainty")
    print(f"tables and figures: {args.out.resolve()}")
    if (args.sweep / ATTRIBUTION).is_dir():
        print(f"the lever attribution: python -m sim.analysis.report {args.sweep} (its Shapley section)")


if __name__ == "__main__":
    main()
