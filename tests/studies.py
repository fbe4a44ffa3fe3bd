"""Running a study preset as a user does: the sweep from its command, then its report."""

import subprocess
import sys


def study(tmp_path, experiment, *extra):
    """Run ``+experiment=<experiment>`` cut to a short horizon, then its report; returns the
    sweep folder and the report's text."""
    out = tmp_path / experiment
    args = [
        f"+experiment={experiment}",
        f"hydra.sweep.dir={out}",
        "scenario.horizon=1500",
        "scenario.warmup=100",
        # in the sweep's own process: on a test machine whose cores run other tests, joblib's
        # workers only add their start (tests/test_sweeps.py holds that launchers agree)
        "hydra/launcher=basic",
    ]
    done = subprocess.run(
        [sys.executable, "-m", "sim", "--multirun", *args, *extra], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = subprocess.run(
        [sys.executable, "-m", "sim.analysis.report", str(out)], capture_output=True, text=True
    )
    assert report.returncode == 0, report.stderr[-2000:]
    return out, (out / "report.md").read_text()
