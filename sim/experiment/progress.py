"""Progress: a bar over a run's replications, and one bar over a whole sweep with its ETA,
however the launcher spreads the jobs (joblib's worker processes, a cluster's nodes).

A job of a sweep does not draw: it writes how far it is (``done total``) to a small file in
the sweep folder, ``.progress/<job number>``, and a Hydra callback in the launching process
sums those files into one tqdm bar. Bars are off where the environment says CI (``CI`` set).
Units are replications, counted in hundredths while one runs (``1.37`` of 3): a district-year's
single replication takes minutes, and a bar that only moves when it ends says nothing.
"""

from __future__ import annotations

import math
import os
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf
from tqdm.auto import tqdm

from sim.experiment.sweep import expand, params_lines

Report = Callable[[float, int], None]  # (units done, units in all), called as the work goes
FOLDER = ".progress"
POLL_SECONDS = 0.5
# tqdm's own layout, with the counts as numbers ("1.37/3", "3/3") rather than tqdm's str()
BAR_FORMAT = "{l_bar}{bar}| {n:g}/{total:g} [{elapsed}<{remaining}, {rate_fmt}{postfix}]"


def shown(progress: bool) -> bool:
    """Bars are drawn when asked for, and never in CI logs."""
    return bool(progress) and not os.environ.get("CI")


def silent(done: int, total: int) -> None:
    """A report that shows nothing."""


class Bar:
    """A tqdm bar in this process, opened at the first report and closed at the last."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._bar: tqdm | None = None

    def __call__(self, done: float, total: int) -> None:
        if self._bar is None:
            self._bar = tqdm(total=total, desc=self.label, unit="rep", leave=False, bar_format=BAR_FORMAT)
        self._bar.update(done - self._bar.n)
        if done >= total:
            self._bar.close()


class JobFile:
    """A sweep job's progress, written where the sweep's bar reads it (replaced whole, so the
    reader never sees half a line). A share of a replication is written at most twice a poll: a
    write costs about a quarter of a millisecond, and a short replication tells a hundred."""

    def __init__(self, sweep_dir: Path, job: int) -> None:
        self.path = Path(sweep_dir) / FOLDER / str(job)
        self._written = -math.inf  # when the file was last written (time.monotonic)

    def __call__(self, done: float, total: int) -> None:
        now = time.monotonic()
        if done != int(done) and now - self._written < POLL_SECONDS / 2:
            return
        self._written = now
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".tmp")
        partial.write_text(f"{done:.10g} {total}")
        os.replace(partial, self.path)


def as_report(progress: bool | Report, label: str) -> Report:
    """A report from a flag (a bar here, or nothing) or a report given as is."""
    if callable(progress):
        return progress
    return Bar(label) if shown(progress) else silent


def read(sweep_dir: Path) -> list[tuple[float, int]]:
    """(done, total) of every job that has reported."""
    out = []
    for path in (Path(sweep_dir) / FOLDER).glob("[0-9]*"):
        if path.suffix:
            continue
        try:
            text, total = path.read_text().split()
            done = float(text)
            if math.isfinite(done):
                out.append((done, int(total)))
        except (OSError, ValueError):  # replaced between listing and reading: next poll
            continue
    return out


class SweepProgress(Callback):
    """One bar over a sweep: units done across every job's file, out of the units reported by
    the jobs that started plus, for those not started yet, the mean of those that did (the
    configured replications before any job reports)."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._sweep: Path | None = None

    # Launchers send the callbacks to their workers, where this one does nothing: it travels
    # without its thread.
    def __getstate__(self) -> dict:
        return {}

    def __setstate__(self, state: dict) -> None:
        self.__init__()

    def on_multirun_start(self, config: DictConfig, **kwargs) -> None:
        if not shown(OmegaConf.select(config, "progress", default=False)):
            return
        self._sweep = Path(config.hydra.sweep.dir)
        shutil.rmtree(self._sweep / FOLDER, ignore_errors=True)  # a rerun starts its own count
        params = params_lines(OmegaConf.select(config, "hydra.sweeper.params"))
        jobs = len(expand(params + list(config.hydra.overrides.task)))
        per_job = int(OmegaConf.select(config, "replications", default=1))
        bar = tqdm(
            total=jobs * per_job,
            desc=f"sweep of {jobs} jobs",
            unit="rep",
            smoothing=0.1,
            bar_format=BAR_FORMAT,
        )
        self._stop.clear()
        self._thread = threading.Thread(target=self._follow, args=(bar, jobs, per_job), daemon=True)
        self._thread.start()

    def _follow(self, bar: tqdm, jobs: int, per_job: int) -> None:
        while True:
            stopping = self._stop.wait(POLL_SECONDS)
            reports = read(self._sweep)
            totals = [t for _, t in reports]
            mean = sum(totals) / len(totals) if totals else per_job
            bar.total = round(sum(totals) + max(jobs - len(reports), 0) * mean)
            bar.update(sum(d for d, _ in reports) - bar.n)
            if stopping:
                bar.close()
                return

    def on_multirun_end(self, config: DictConfig, **kwargs) -> None:
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join()
        shutil.rmtree(self._sweep / FOLDER, ignore_errors=True)
