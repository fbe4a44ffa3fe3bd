"""The Hydra front door: ``python -m sim`` composes a config, runs its replications and
writes their tables into Hydra's output directory.

In a sweep each job's folder is named after its overrides; a job whose folder already holds
a complete result of the same configuration is skipped, so rerunning an interrupted sweep
finishes only what is missing. A job that fails leaves ``error.txt`` (its overrides and the
traceback) and the sweep goes on.
"""

from __future__ import annotations

import logging
import math
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import hydra
import numpy as np
import pandas as pd
from hydra import initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.core.hydra_config import HydraConfig
from hydra.core.utils import run_job
from hydra.types import HydraContext, RunMode
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf, open_dict, read_write

from sim.domain.design import PRESETS
from sim.domain.errors import ConfigError
from sim.experiment.attribution import flagged, run_pair
from sim.experiment.config import CONFIGS, JOB_NAME, RUN_ONLY_KEYS, SimConfig, load, register
from sim.experiment.output import (
    ERROR,
    TableFile,
    config_digest,
    is_complete,
    write_error,
    write_job,
    write_orderings,
    write_points,
    write_search,
)
from sim.experiment.progress import JobFile, Report, as_report, shown, silent
from sim.experiment.replications import replicate
from sim.experiment.staffing import search
from sim.experiment.uncertainty import FINISHED, points_in, run_points
from sim.experiment.watchdog import stop_with_the_command
from sim.model.recorder import PARTS

log = logging.getLogger("sim")
register()


def job(cfg: DictConfig) -> None:
    """One job: Hydra has composed ``cfg`` and made its output folder."""
    stop_with_the_command()
    hydra_cfg = HydraConfig.get()
    out = Path(hydra_cfg.runtime.output_dir)
    overrides = list(hydra_cfg.overrides.task)
    try:
        conf = load(cfg)
    except ConfigError as e:
        log.error("config error: %s", e)
        if hydra_cfg.mode != RunMode.MULTIRUN:
            sys.exit(2)
        write_error(out, overrides, f"config error: {e}")
        raise
    identity = {k: v for k, v in OmegaConf.to_container(cfg, resolve=True).items() if k not in RUN_ONLY_KEYS}
    digest = config_digest(identity)
    multirun = hydra_cfg.mode == RunMode.MULTIRUN
    progress = _progress(conf, hydra_cfg, multirun)
    if conf.resume and is_complete(out, digest):
        log.info("%s: already complete for this configuration, skipped (resume=false reruns it)", out)
        progress(conf.replications, conf.replications)
        return
    if conf.attribution.pair is not None:
        _orderings(conf, out, overrides, digest, progress)
        return
    if conf.uncertainty.job is not None:
        _points(conf, out, overrides, digest, progress)
        return
    if conf.search:
        progress(0, 1)  # a search cannot know how many staffings it will judge
        _search(conf, out, overrides, digest, bars=conf.progress and not multirun)
        progress(1, 1)
        return
    streamed = ("steps",) if conf.record_steps else ()  # the event log goes to disk as it grows
    with _failure_recorded(out, overrides):
        with TableFile(out, "steps") if streamed else nullcontext() as steps_file:
            result = replicate(
                conf.scenario,
                conf.design,
                conf.seed,
                conf.replications,
                record_steps=conf.record_steps and conf.log_sample,
                progress=progress,
                targets=conf.targets,
                first=conf.replication,
                log=steps_file.write if steps_file else None,
            )
        out, summary = write_job(result, conf, out, digest, streamed)
    _report(conf, result.metrics, summary, out)


main = hydra.main(version_base="1.3", config_path=CONFIGS, config_name="config")(job)


def run_composed(cfg: DictConfig) -> None:
    """Run ``cfg``, a single run's composition that the pre-run check made (Hydra's settings
    included), as Hydra runs one after composing it: its callbacks, then its ``run_job``
    (the output folder, the saved configs, the job's logging, the job). ``main`` would compose
    it twice more (once to read ``hydra.mode``, once to run), 0.4 s of a run's 1.5 s start."""
    with initialize_config_dir(config_dir=CONFIGS, version_base="1.3", job_name=JOB_NAME):
        if cfg.hydra.mode is None:  # as Hydra's run sets it: an override it adds to the command line
            with read_write(cfg.hydra), open_dict(cfg.hydra):
                cfg.hydra.overrides.hydra.append("hydra.mode=RUN")
                cfg.hydra.mode = RunMode.RUN
        callbacks = _Callbacks(cfg)
        callbacks.on_run_start(config=cfg, config_name="config")
        context = HydraContext(config_loader=GlobalHydra.instance().config_loader(), callbacks=callbacks)
        done = run_job(
            task_function=job,
            config=cfg,
            job_dir_key="hydra.run.dir",
            job_subdir_key=None,
            hydra_context=context,
        )
        callbacks.on_run_end(config=cfg, config_name="config", job_return=done)
    _ = done.return_value  # the job's exception, raised


class _Callbacks:
    """The run's callbacks (``hydra.callbacks``), each made with ``hydra.utils.instantiate`` and
    called at a single run's four hooks as Hydra's run calls them, the ends in reverse order:
    Hydra's own class for this is private (``tests/test_layers.py`` keeps us on its public API)."""

    def __init__(self, cfg: DictConfig) -> None:
        self.made = [instantiate(spec) for spec in (cfg.hydra.callbacks or {}).values()]

    def _notify(self, hook: str, made: list, **kwargs) -> None:
        for callback in made:
            getattr(callback, hook)(**kwargs)

    def on_run_start(self, **kwargs) -> None:
        self._notify("on_run_start", self.made, **kwargs)

    def on_job_start(self, **kwargs) -> None:
        self._notify("on_job_start", self.made, **kwargs)

    def on_job_end(self, **kwargs) -> None:
        self._notify("on_job_end", self.made[::-1], **kwargs)

    def on_run_end(self, **kwargs) -> None:
        self._notify("on_run_end", self.made[::-1], **kwargs)


def _progress(conf: SimConfig, hydra_cfg, multirun: bool) -> Report:
    """A job of a sweep reports to the sweep's one bar (``sim.experiment.progress``); a single
    run draws its own."""
    if multirun:
        return JobFile(Path(hydra_cfg.sweep.dir), hydra_cfg.job.num) if shown(conf.progress) else silent
    return as_report(conf.progress, f"{conf.scenario.name} / {conf.design.label}")


@contextmanager
def _failure_recorded(out: Path, overrides: list[str]) -> Iterator[None]:
    """A job that fails leaves ``error.txt`` (its overrides and the traceback) and fails."""
    try:
        yield
    except Exception:
        write_error(out, overrides, traceback.format_exc())
        log.error("job failed; see %s", out / ERROR)
        raise


def _report(conf: SimConfig, metrics: pd.DataFrame, summary: dict, out: Path) -> None:
    """The job's log: what it measured, the busiest pool, and what makes a figure unsafe to read
    (an overloaded pool, cases still open at the end, nothing finished)."""
    for pool, load_ in summary["offered_load"].items():
        if load_ >= 1:
            log.warning(
                "%s is offered %.0f %% of its staffed hours: its queue grows as long as applicants come",
                pool,
                100 * load_,
            )
    for lever, why in summary["inert"].items():
        log.warning("lever %s finds nothing to act on here (inert): %s", lever, why)
    m = summary["metrics"]
    lead = m["lead_time_mean"]["mean"]
    measured = (
        "no case finished after the warm-up"
        if math.isnan(lead)
        else f"mean lead time {lead:.1f} h, {m['trips_mean']['mean']:.2f} trips, "
        f"{m['documents_mean']['mean']:.2f} documents"
    )
    label = f"{conf.scenario.name} / {conf.design.label} / staffing x{conf.staffing.scale:g}"
    log.info("%s / %d replication(s): %s -> %s", label, conf.replications, measured, out)
    utilisation = {k.split(":", 1)[1]: v["mean"] for k, v in m.items() if k.startswith("utilisation:")}
    if utilisation:
        pool = max(utilisation, key=utilisation.get)
        log.info("busiest pool: %s, %.0f %% utilised", pool, 100 * utilisation[pool])
    still_open, arrived = int(metrics["open_at_end"].sum()), int(metrics["arrived"].sum())
    if still_open:
        log.warning(
            "%d of %d cases were still open when the run stopped: the office did not clear its work "
            "by the end of the drain, so lead times count only the finished ones and understate",
            still_open,
            arrived,
        )
    if not math.isnan(lead):
        parts = {part: m[f"part:{part}_mean"]["mean"] for part in PARTS}
        log.info(
            "where the lead time goes (mean hours): %s",
            ", ".join(f"{p.replace('_', ' ')} {h:.1f}" for p, h in parts.items()),
        )


def _search(conf: SimConfig, out: Path, overrides: list[str], digest: str, bars: bool) -> None:
    """The least-cost staffing meeting the targets (``sim.experiment.staffing``)."""
    with _failure_recorded(out, overrides):
        found = search(
            conf.scenario,
            conf.design,
            conf.targets,
            conf.costs,
            conf.seed,
            conf.replications,
            progress=bars,
        )
        out, _ = write_search(found, conf, out, digest)
    label = f"{conf.scenario.name} / {conf.design.label}"
    if found.staffing is None:
        log.warning("%s: %s (%d staffings judged) -> %s", label, found.why, found.evaluations, out)
        return
    staff = ", ".join(f"{pool} {n}" for pool, n in found.staffing.items())
    met = "; ".join(f"{c.target} {c.mean:.3g} (bound {c.bound:.3g}, goal {c.goal:g})" for c in found.checks)
    log.info(
        "%s: cheapest staffing meeting the targets costs %g: %s; %s (%d staffings judged) -> %s",
        label,
        found.cost,
        staff,
        met,
        found.evaluations,
        out,
    )


def _points(conf: SimConfig, out: Path, overrides: list[str], digest: str, progress: Report) -> None:
    """One job's block of the uncertainty study's points (``sim.experiment.uncertainty``)."""
    u = conf.uncertainty
    settings = u.settings(conf.scenario)
    with _failure_recorded(out, overrides):
        table = run_points(conf.scenario, settings, conf.seed, u.job, conf.replications, progress=progress)
        out, _ = write_points(table, conf, out, digest)
    finished = table.get("finished_share", pd.Series(float("nan"), index=table.index))  # nan: not run
    broken = table[(finished < FINISHED) | (table["busiest_load"] >= 1)]
    for point, rows in broken.groupby("point"):
        worst = rows.loc[rows["busiest_load"].idxmax()]
        share = finished.loc[rows.index].min()
        log.warning(
            "%s / point %d: %s offered %.0f %% of its staffed hours, %s: an overloaded office, counted "
            "in the report and left out of its statistics",
            conf.scenario.name,
            point,
            worst["busiest_pool"],
            100 * worst["busiest_load"],
            "not run" if np.isnan(share) else f"{100 * share:.1f} % of cases finished",
        )
    log.info(
        "%s / %s job %d of %d: points %d to %d of %d x %s, %d replication(s) each -> %s",
        conf.scenario.name,
        u.method,
        u.job,
        u.jobs,
        table["point"].min(),
        table["point"].max(),
        points_in(settings),
        ", ".join(u.designs),
        conf.replications,
        out,
    )


def _orderings(conf: SimConfig, out: Path, overrides: list[str], digest: str, progress: Report) -> None:
    """One antithetic pair of orderings of a Shapley attribution (``sim.experiment.attribution``)."""
    pair, towards = conf.attribution.pair, conf.attribution.towards
    with _failure_recorded(out, overrides):
        target = PRESETS[towards]
        table = run_pair(
            conf.scenario, conf.design, target, conf.seed, pair, conf.replications, progress=progress
        )
        out, summary = write_orderings(table, conf, out, digest)
    for row in flagged(table).itertuples():
        log.warning(
            "%s / ordering %d: after %s (lever %d of the ordering) %.1f %% of cases finished and %s is "
            "offered %.0f %% of its staffed hours: its steps measure a broken office, not the levers "
            "(the report leaves this pair out of the Shapley values)",
            conf.scenario.name,
            row.ordering,
            row.lever,
            row.position,
            100 * row.finished,
            row.pool,
            100 * row.load,
        )
    log.info(
        "%s / orderings %s from %s to %s / %d replication(s) per design -> %s",
        conf.scenario.name,
        " and ".join(", ".join(order) for order in summary["orders"]),
        conf.design.label,
        towards,
        conf.replications,
        out,
    )
