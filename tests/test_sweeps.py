"""Sweeps that survive: refused input, resume after a real interruption, recorded failures,
and identical results whichever launcher ran them."""

import math
import os
import re
import runpy
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.analysis.city import city, said
from sim.analysis.collect import collect
from sim.experiment.progress import JobFile, read

pytestmark = pytest.mark.slow  # every test here runs `python -m sim`

BROKEN = Path(__file__).parent / "broken_configs"
CASES = sorted((BROKEN / "scenario").glob("*.yaml")) + sorted((BROKEN / "experiment").glob("*.yaml"))
BASIC = "hydra/launcher=basic"  # the sweep in its own process: launchers agree (below), workers cost
SMALL = [
    "replications=2",
    "scenario.horizon=2000",
    "scenario.warmup=50",
    "record_steps=false",
    "progress=false",
]


def sim(*args, cwd=None, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "sim", *args], capture_output=True, text=True, cwd=cwd, **kwargs
    )


@pytest.mark.parametrize("path", CASES, ids=[f"{p.parent.name}/{p.stem}" for p in CASES])
def test_broken_config_is_refused_with_its_key_and_exit_2(path, tmp_path, monkeypatch, capsys):
    """``python -m sim`` run in this process (``runpy``): the command's own code, its exit code
    and its stderr, without an interpreter's start per case (45 cases; the CLI's own process is
    held by tests/test_validation.py)."""
    expected = re.findall(r"^# expect: (.*)$", path.read_text(), flags=re.M)
    assert expected, f"{path} lists no '# expect:' line"
    if path.parent.name == "scenario":
        args = [f"scenario={path.stem}", f"hydra.run.dir={tmp_path / 'out'}"]
    else:
        args = ["--multirun", f"+experiment={path.stem}", f"hydra.sweep.dir={tmp_path / 'out'}"]
    monkeypatch.setattr(sys, "argv", ["sim", "--config-dir", str(BROKEN), *args])
    with pytest.raises(SystemExit) as exit_:
        runpy.run_module("sim", run_name="__main__")
    stderr = capsys.readouterr().err
    assert exit_.value.code == 2, stderr[-1500:]
    assert stderr.startswith("config error: ")
    for fragment in expected:
        assert fragment in stderr
    assert not (tmp_path / "out").exists()  # refused before Hydra made any folder


def tables(sweep: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    c = collect(sweep)
    assert c.missing.empty, c.missing
    runs = c.runs.drop(columns=[col for col in c.runs.columns if col == "run"]).sort_values(
        ["design", "seed"]
    )
    reps = c.replications.sort_values(["design", "seed", "replication"])
    return runs.reset_index(drop=True), reps.drop(columns=["run"]).reset_index(drop=True)


SWEEP = ["--multirun", "design=single,bundled", "seed=1,2,3", *SMALL]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    out = tmp_path_factory.mktemp("reference")
    done = sim(*SWEEP, "hydra/launcher=basic", f"hydra.sweep.dir={out}")
    assert done.returncode == 0, done.stderr[-1500:]
    return tables(out)


def test_an_interrupted_sweep_resumes_and_loses_nothing(tmp_path, reference):
    out = tmp_path / "sweep"
    args = [*SWEEP, "hydra/launcher=basic", f"hydra.sweep.dir={out}"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while len(list(out.glob("*/summary.json"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    # What a cluster sends a preempted job (SIGINT may be ignored by a background CI shell).
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=60)
    finished = {p.parent.name: p.stat().st_mtime_ns for p in out.glob("*/summary.json")}
    assert 2 <= len(finished) < 6, "the interruption should land mid-sweep"
    assert not collect(out).missing.empty
    done = sim(*args)  # the same command again
    assert done.returncode == 0, done.stderr[-1500:]
    assert done.stderr.count("already complete") + done.stdout.count("already complete") == len(finished)
    for name, mtime in finished.items():  # finished jobs were not run again
        assert (out / name / "summary.json").stat().st_mtime_ns == mtime
    for got, want in zip(tables(out), reference, strict=True):
        pd.testing.assert_frame_equal(got, want)


@pytest.mark.parametrize("launcher", ["joblib", "submitit_local"])
def test_every_launcher_gives_the_same_tables(launcher, tmp_path, reference):
    out = tmp_path / launcher
    extra = ["hydra.launcher.n_jobs=2"] if launcher == "joblib" else []
    done = sim(*SWEEP, f"hydra/launcher={launcher}", *extra, f"hydra.sweep.dir={out}")
    assert done.returncode == 0, done.stderr[-1500:]
    for got, want in zip(tables(out), reference, strict=True):
        pd.testing.assert_frame_equal(got, want)


def test_a_failing_job_is_recorded_and_the_sweep_goes_on(tmp_path):
    out = tmp_path / "sweep"
    args = ["--multirun", "design=single,bundled", *SMALL, "hydra/launcher=basic", f"hydra.sweep.dir={out}"]
    # Make one job fail for real while writing: a folder stands where its table should go.
    victim = out / "design=single,record_steps=False,replications=2,scenario.horizon=2000,scenario.warmup=50"
    (victim / "cases.parquet").mkdir(parents=True)
    done = sim(*args)
    assert done.returncode == 1
    error = (victim / "error.txt").read_text()
    assert error.startswith("overrides: design=single") and "IsADirectoryError" in error
    c = collect(out)
    assert list(c.runs["design"]) == ["bundled"]
    failed = c.missing.iloc[0]
    assert failed["status"] == "failed" and "IsADirectoryError" in failed["error"]


def test_a_single_run_composed_once_is_the_run_hydra_main_makes(tmp_path):
    """``python -m sim`` runs a single job from the pre-run check's own composition
    (``sim.experiment.app.run_composed``): the configs it saves and the tables it writes are
    those of Hydra's entry point, ``sim.experiment.app.main``, byte for byte."""
    args = [*SMALL, "design=bundled", "seed=4", f"hydra.run.dir={tmp_path / 'run'}"]
    assert sim(*args).returncode == 0
    (tmp_path / "run").rename(tmp_path / "once")
    hydra_main = "import sys; from sim.experiment.app import main; main()"
    done = subprocess.run([sys.executable, "-c", hydra_main, *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-1500:]
    for name in (".hydra/config.yaml", ".hydra/hydra.yaml", ".hydra/overrides.yaml", "cases.parquet"):
        assert (tmp_path / "once" / name).read_bytes() == (tmp_path / "run" / name).read_bytes(), name


def test_a_failing_single_run_is_recorded_and_exits_1(tmp_path):
    out = tmp_path / "run"
    (out / "cases.parquet").mkdir(parents=True)  # a folder stands where its table should go
    done = sim(*SMALL, f"hydra.run.dir={out}")
    assert done.returncode == 1
    assert "IsADirectoryError" in (out / "error.txt").read_text() and "IsADirectoryError" in done.stderr
    assert not (out / "summary.json").exists()


def test_damaged_tables_are_listed_and_redone_on_resume(tmp_path, reference):
    """Truncate one finished job's table and corrupt another's: collect lists both as damaged
    instead of crashing, and the same command again redoes exactly those two."""
    out = tmp_path / "sweep"
    args = [*SWEEP, "hydra/launcher=basic", f"hydra.sweep.dir={out}"]
    assert sim(*args).returncode == 0
    jobs = sorted(p.parent for p in out.glob("*/summary.json"))
    truncated, corrupted = jobs[0] / "cases.parquet", jobs[1] / "decisions.parquet"
    truncated.write_bytes(truncated.read_bytes()[:100])
    data = bytearray(corrupted.read_bytes())
    data[len(data) // 2] ^= 0xFF
    corrupted.write_bytes(bytes(data))
    untouched = {job.name: (job / "summary.json").stat().st_mtime_ns for job in jobs[2:]}
    c = collect(out)
    assert sorted(c.missing["status"]) == ["damaged", "damaged"] and len(c.runs) == len(jobs) - 2
    assert "cases.parquet has changed" in " ".join(c.missing["error"])
    done = sim(*args)
    assert done.returncode == 0, done.stderr[-1500:]
    for name, mtime in untouched.items():
        assert (out / name / "summary.json").stat().st_mtime_ns == mtime
    for got, want in zip(tables(out), reference, strict=True):
        pd.testing.assert_frame_equal(got, want)


def children(pid: int) -> set[int]:
    """Processes whose parent is ``pid`` (from /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_workers_stop_when_only_the_command_is_killed(tmp_path):
    """One long job on two joblib workers: the busy worker and the idle one (which never ran
    any of our code), and loky's resource trackers, all end soon after a kill -9 of the command."""
    long = ["scenario.horizon=200000", "scenario.warmup=50", "record_steps=false", "progress=false"]
    sweep = tmp_path / "sweep"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sim",
            "--multirun",
            "seed=1",
            *long,
            "hydra.launcher.n_jobs=2",
            f"hydra.sweep.dir={sweep}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not list(sweep.glob("*/.hydra")) and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1)  # the job is running in one worker
    workers = children(proc.pid)
    assert len(workers) >= 2, "the sweep should have started its workers"
    proc.kill()  # the command alone, as `kill -9 <pid>` would
    proc.wait()
    deadline = time.monotonic() + 15
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [w for w in workers if alive(w)]


def test_two_identical_sweeps_into_one_folder_both_finish(tmp_path, reference):
    out = tmp_path / "sweep"
    args = [*SWEEP, "hydra/launcher=basic", f"hydra.sweep.dir={out}"]
    first, second = (
        subprocess.Popen([sys.executable, "-m", "sim", *args], stderr=subprocess.PIPE) for _ in range(2)
    )
    assert first.wait() == 0 and second.wait() == 0
    assert collect(out).missing.empty
    for got, want in zip(tables(out), reference, strict=True):
        pd.testing.assert_frame_equal(got, want)


def test_one_progress_bar_follows_every_worker_of_a_sweep(tmp_path):
    """Two joblib workers, four jobs of three replications: one bar counts all twelve and
    clears its reports; where CI is set there is no bar."""
    args = [
        sys.executable,
        "-m",
        "sim",
        "--multirun",
        "design=single,bundled",
        "seed=1,2",
        "replications=3",
        "scenario.horizon=300",
        "scenario.warmup=50",
        "hydra.launcher.n_jobs=2",
    ]
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    done = subprocess.run(
        [*args, f"hydra.sweep.dir={tmp_path / 'a'}"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr[-1500:]
    last = done.stderr.replace("\r", "\n").strip().splitlines()[-1]
    assert last.startswith("sweep of 4 jobs: 100%") and "12/12" in last, last
    assert not (tmp_path / "a" / ".progress").exists()
    quiet = subprocess.run(
        [*args, f"hydra.sweep.dir={tmp_path / 'b'}"], capture_output=True, text=True, env=env | {"CI": "true"}
    )
    assert quiet.returncode == 0 and "sweep of" not in quiet.stderr and "rep/s" not in quiet.stderr


def test_a_job_report_is_read_whole_or_not_at_all(tmp_path):
    JobFile(tmp_path, 0)(2, 5)
    JobFile(tmp_path, 1)(5, 5)
    JobFile(tmp_path, 3)(1 + 0.37, 5)  # a replication under way, in hundredths
    (tmp_path / ".progress" / "2").write_text("")  # a report being replaced: skipped this poll
    (tmp_path / ".progress" / "4").write_text("inf 5")  # not a count: skipped
    assert sorted(read(tmp_path)) == [(1.37, 5), (2, 5), (5, 5)]
    told = JobFile(tmp_path, 3)
    told(1.38, 5)
    told(1.39, 5)  # a share right after another is not written: the bar polls twice a second
    assert sorted(read(tmp_path)) == [(1.38, 5), (2, 5), (5, 5)]
    told(2, 5)  # a whole replication always is
    assert sorted(read(tmp_path)) == [(2, 5), (2, 5), (5, 5)]


def test_a_replication_run_alone_equals_its_row_in_a_block(tmp_path):
    """replication=r runs the same applicants as row r of replications=R: a sweep over
    replication=range(0,3) collects into what one job of three replications gives."""
    common = ["scenario.horizon=400", "scenario.warmup=50", "progress=false", "record_steps=false", BASIC]
    spread = sim(
        "--multirun",
        "replication=range(0,3)",
        "design=single,bundled",
        *common,
        f"hydra.sweep.dir={tmp_path / 'spread'}",
    )
    assert spread.returncode == 0, spread.stderr[-1500:]
    block = sim(
        "--multirun",
        "replications=3",
        "design=single,bundled",
        *common,
        f"hydra.sweep.dir={tmp_path / 'block'}",
    )
    assert block.returncode == 0, block.stderr[-1500:]
    key = ["design", "replication"]
    a = collect(tmp_path / "spread").replications.sort_values(key, ignore_index=True)
    b = collect(tmp_path / "block").replications.sort_values(key, ignore_index=True)
    assert list(a["replication"]) == [0, 1, 2, 0, 1, 2]
    metrics = [c for c in b.columns if c.endswith(("_mean", "_p90")) or c.startswith("utilisation:")]
    pd.testing.assert_frame_equal(a[key + metrics], b[key + metrics])
    report = subprocess.run(
        [sys.executable, "-m", "sim.analysis.report", str(tmp_path / "spread")],
        capture_output=True,
        text=True,
    )
    assert report.returncode == 0, report.stderr[-1500:]
    text = (tmp_path / "spread" / "report.md").read_text()
    assert "3 replications per configuration" in text and "also varies" not in text


@pytest.mark.slow
def test_city_totals_are_the_sums_of_their_districts(tmp_path):
    """Two districts, two replications each as jobs of their own: the city's counts are the
    districts' sums, its mean lead time the mean over all its applicants, its P90 theirs."""
    done = sim(
        "--multirun",
        "scenario=district,district_channels",
        "replication=range(0,2)",
        BASIC,
        "scenario.horizon=1200",
        "scenario.warmup=100",
        "record_steps=false",
        "progress=false",
        f"hydra.sweep.dir={tmp_path}",
    )
    assert done.returncode == 0, done.stderr[-1500:]
    table = city(tmp_path).set_index("replication")
    reps = collect(tmp_path).replications
    cases = []
    for job in collect(tmp_path).jobs.values():
        frame = pd.read_parquet(job / "cases.parquet")
        cases.append(frame[(frame["arrival"] >= 100) & frame["finished"]])
    pooled = pd.concat(cases)
    for r in (0, 1):
        districts = reps[reps["replication"] == r]
        assert (
            table.loc[r, "cases"] == districts["cases"].sum()
            and table.loc[r, "arrived"] == districts["arrived"].sum()
        )
        mine = pooled[pooled["replication"] == r]["lead_time_working_days"]
        assert table.loc[r, "lead_time_working_days_mean"] == pytest.approx(mine.mean())
        assert table.loc[r, "lead_time_working_days_p90"] == pytest.approx(mine.quantile(0.9))
        assert table.loc[r, "districts"] == "district,district_channels"


def test_a_city_line_gives_an_interval_only_from_replications():
    """One city replication has no interval: the line says so and how to get one, not '[nan, nan]'."""
    m = "lead_time_working_days_mean"
    row = {"design": "bundled", "staffing_scale": 1.0, "districts": "a,b", "cases": 2414379, m: 6.123}
    one = said(row | {"replications": 1, f"{m}:ci_low": math.nan, f"{m}:ci_high": math.nan})
    five = said(row | {"replications": 5, f"{m}:ci_low": 6.0, f"{m}:ci_high": 6.25})
    assert "1 city replication of a,b" in one and "nan" not in one and "replication=range(0,5)" in one
    assert "5 city replications" in five and "6.12 [6.00, 6.25] working days" in five


def test_a_different_sweep_into_the_same_folder_is_named_and_kept_apart(tmp_path):
    """The second sweep says the folder held another; collect reads its jobs only and lists
    the first sweep's as not in this sweep."""
    out = f"hydra.sweep.dir={tmp_path / 'shared'}"
    first = sim("--multirun", "design=single,bundled", *SMALL, BASIC, out)
    assert first.returncode == 0, first.stderr[-1500:]
    second = sim("--multirun", "design=single", "seed=5", *SMALL, BASIC, out)
    assert second.returncode == 0, second.stderr[-1500:]
    assert "holds another sweep (2 jobs, 2 of them not in this one)" in second.stderr
    c = collect(tmp_path / "shared")
    assert list(c.runs["seed"]) == [5]
    assert list(c.missing["status"]) == ["not in this sweep"] * 2


def test_a_report_states_the_replications_of_one_configuration_and_its_intervals_use_them(tmp_path):
    """A sweep that also varies a staff count: the main sections are one configuration's
    (2 replications), not the two counts pooled as if they were 4."""
    from sim.analysis.report import build
    from sim.experiment.stats import t_interval

    out = tmp_path / "held"
    done = sim(
        "--multirun",
        "design=single,bundled",
        "scenario.departments.market.reviewers=18,20",
        *SMALL,
        BASIC,
        f"hydra.sweep.dir={out}",
    )
    assert done.returncode == 0, done.stderr[-1500:]
    text = build(out).read_text()
    assert "2 replications per configuration (at scenario.departments.market.reviewers=" in text
    reps = collect(out).replications
    held = int(text.split("scenario.departments.market.reviewers=")[1].split(";")[0])
    one = reps[(reps["design"] == "single") & (reps["scenario.departments.market.reviewers"] == held)]
    assert len(one) == 2
    row = next(line for line in text.splitlines() if line.startswith("| Lead time (working days) | mean"))
    single = float(row.split("|")[3])  # the headline's single-item mean: this configuration's two
    assert single == pytest.approx(one["lead_time_working_days_mean"].mean(), abs=0.051)
    summary = text.split("## Summary")[1].split("##")[0]
    mean, low, high = t_interval(one["lead_time_working_days_mean"])
    assert f"{mean:.1f}" in summary and low < mean < high


def test_a_report_of_ones_own_configs_regenerates_with_its_folder_and_lists_only_used_pools(tmp_path):
    """README: the regenerate commands run as printed, --config-dir included; the folder's own
    labels name what it adds; a catalogue pool the scenario gives no work (the fire service
    here) is neither listed nor charted."""
    import shlex

    from sim.analysis.report import build

    folder = tmp_path / "mine" / "scenario"
    folder.mkdir(parents=True)
    (folder / "mine.yaml").write_text(
        "defaults:\n  - restaurant\n  - _self_\nname: mine\n"
        "needs: {open_restaurant: [business_licence, tax_registration]}\n"
    )
    (folder.parent / "labels.yaml").write_text("scenarios:\n  mine: {en: My own office}\n")
    out = tmp_path / "sweep"
    args = [
        "--config-dir",
        str(folder.parent),
        "--multirun",
        "scenario=mine",
        "design=single,bundled",
        *SMALL,
    ]
    done = sim(*args, f"hydra.sweep.dir={out}")
    assert done.returncode == 0, done.stderr[-1500:]
    text = build(out).read_text()
    command = text.split("## Regenerate every number")[1].split("```bash\n")[1].split("\n")[0]
    assert f"--config-dir {folder.parent}" in command
    again = subprocess.run(
        [sys.executable, *shlex.split(command)[1:]], capture_output=True, text=True, check=False
    )
    assert again.returncode == 0, again.stderr[-1500:]
    assert "already complete" in again.stderr + again.stdout
    assert "Fire" not in text.split("## Scenario and staffing used")[1]
    assert text.startswith("# Sweep: My own office")  # the folder's own labels, read by the report
