"""Every option of every config group composes, validates and runs."""

import re
from dataclasses import replace
from pathlib import Path

import pytest
from omegaconf import OmegaConf

from sim import ConfigError, run
from sim.experiment.config import CONFIGS

GROUPS = {
    group.name: sorted(p.stem for p in group.glob("*.yaml"))
    for group in sorted(Path(CONFIGS).iterdir())
    if group.is_dir()
}
OPTIONS = [(group, option) for group, options in GROUPS.items() for option in options]


def test_groups_exist():
    assert {"scenario", "design", "experiment", "sensitivity", "catalogue"} <= set(GROUPS)


@pytest.mark.slow
@pytest.mark.parametrize(("group", "option"), OPTIONS, ids=[f"{g}={o}" for g, o in OPTIONS])
def test_option_composes_and_runs(compose, group, option):
    """Each option composed and checked whole (its year, staffing and loads), then run for a
    quarter past its warm-up: a year of each of 81 options cost CI a minute, and the year's
    runs are the studies' (tests/test_scenarios.py, tests/test_experiments.py)."""
    prefix = "" if group in ("scenario", "design", "sensitivity") else "+"  # not in the defaults list
    conf = compose([f"{prefix}{group}={option}"])
    quarter = replace(conf.scenario, horizon=min(conf.scenario.horizon, conf.scenario.warmup + 2190))
    if OmegaConf.load(Path(CONFIGS) / group / f"{option}.yaml").get("size", 1) != 1:
        # a city's district (a year is 650,000 cases) composed and checked at its size; the scenario
        # it copies runs here as its own option, and tests/test_scenarios.py checks what size does
        assert conf.scenario.demand
        return
    result = run(quarter, conf.design, conf.seed, record_steps=False)
    assert result.info["arrived"] == len(result.cases) > 0


def test_slurm_launcher_preset_composes(compose):
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir

    with initialize_config_dir(config_dir=CONFIGS, version_base="1.3"):
        cfg = hydra_compose("config", overrides=["hydra/launcher=slurm"], return_hydra_config=True)
    assert cfg.hydra.launcher._target_.endswith("SlurmLauncher")
    assert cfg.hydra.launcher.cpus_per_task == 1


@pytest.mark.slow
@pytest.mark.parametrize("launcher", ["local", "basic", "submitit_local", "slurm"])
@pytest.mark.parametrize("preset", GROUPS["experiment"])
def test_every_preset_composes_safely_under_every_launcher(preset, launcher):
    """README: the same command runs anywhere; only the launcher changes (a preset that set a
    launcher's own key used to fail to compose under the others)."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir

    from sim.experiment.safety import check_composed

    overrides = [f"+experiment={preset}", f"hydra/launcher={launcher}"]
    with initialize_config_dir(config_dir=CONFIGS, version_base="1.3"):
        check_composed(hydra_compose("config", overrides=overrides, return_hydra_config=True))


@pytest.mark.slow
@pytest.mark.parametrize("preset", GROUPS["experiment"])
def test_a_preset_writes_into_a_folder_named_after_its_scenario(preset):
    """Two runs of one preset on two scenarios never mix their jobs: the sweep's folder is named
    after the scenario, or, where the preset sweeps scenarios itself, each job's folder is."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir

    from sim.experiment.config import register

    register()
    folders = {}
    for scenario in ("startup", "transport"):
        overrides = [f"+experiment={preset}", f"scenario={scenario}"]
        with initialize_config_dir(config_dir=CONFIGS, version_base="1.3"):
            cfg = hydra_compose("config", overrides=overrides, return_hydra_config=True)
        folders[scenario] = Path(cfg.hydra.sweep.dir)
    assert folders["startup"].parts[:2] == (
        "results",
        "reform_study" if preset in ("attribution", "uncertainty") else preset,
    )
    if "scenario" in cfg.hydra.sweeper.params:  # a city sweeps its districts: each job's folder names its own
        assert "scenario" not in cfg.hydra.job.config.override_dirname.exclude_keys
        return
    assert "startup" in folders["startup"].parts and "transport" in folders["transport"].parts


@pytest.mark.slow
@pytest.mark.parametrize("preset", GROUPS["experiment"])
def test_every_job_of_every_preset_passes_the_pre_run_check(preset):
    from sim.experiment.preflight import check

    assert len(check(["--multirun", f"+experiment={preset}", "hydra/launcher=basic"]).jobs) > 1


COMPOSER_JOBS = [
    ["seed=3", "scenario.horizon=500"],
    ["design=bundled", "staffing.scale=1.25"],
    ["design=bundled", "staffing.scale=0.75", "scenario.departments.market.reviewers=4"],
    ["scenario=district_requests", "design=bundled", "scenario.requests.coordinators=3"],
    ["+experiment=tiers", "seed=2"],
    ["~scenario.departments.city", "seed=1"],
    # a sensitivity case is merged onto one composition without its group: as Hydra merges it
    ["+experiment=sensitivity", "design=bundled", "sensitivity=review_high"],
    ["+experiment=sensitivity", "design=single", "sensitivity=base", "estimates.mail=2"],
    ["scenario=startup", "sensitivity=background_low", "seed=4"],
]
BROKEN_JOBS = [
    ["scenario.horizon=abc"],
    ["scenario.nope=1"],
    ["design=nope"],
    ["design=bundled", "design.routing=sideways"],
    ["+scenario.departments.tax.reviewrs=3"],  # the scenario is open: a misspelt key is load's to refuse
    ["sensitivity=nope"],
]


def test_the_sensitivity_cases_share_one_composition():
    """Only the compositions' files count when a group is judged plain: a key of labels.yaml
    named like the cases' (``estimates``) made the preflight compose each of the study's 69 jobs
    in full (135 s in CI instead of a few)."""
    from sim.experiment.composer import plain_groups

    assert "sensitivity" in plain_groups(Path(CONFIGS))


@pytest.mark.slow
def test_preflight_composer_gives_what_compose_gives():
    """The preflight shares one composition among jobs with the same group choices; each job
    must still get exactly Hydra's config, and a bad one Hydra's own error."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from omegaconf import OmegaConf

    from sim.experiment.composer import Composer
    from sim.experiment.config import register

    register()
    with initialize_config_dir(config_dir=CONFIGS, version_base="1.3"):
        composer = Composer()
        cases = [["sensitivity=review_high"], ["design=bundled", "sensitivity=mail_low"]]
        composed = {tuple(job): hydra_compose("config", overrides=job) for job in [*COMPOSER_JOBS, *cases]}
        expected = {job: OmegaConf.to_container(cfg) for job, cfg in composed.items()}
        for job in COMPOSER_JOBS * 2:  # the second time from the shared compositions
            assert OmegaConf.to_container(composer(job)) == expected[tuple(job)], job
        from sim.experiment.config import load

        for job in BROKEN_JOBS:  # refused by Hydra in its words, or by load in ours, alike
            try:
                broken = hydra_compose("config", overrides=job)
            except Exception as hydra_error:
                with pytest.raises(type(hydra_error)) as ours:
                    composer(job)
                assert str(ours.value) == str(hydra_error)
                continue
            with pytest.raises(ConfigError) as load_error:
                load(broken)
            with pytest.raises(ConfigError, match=re.escape(str(load_error.value))):
                composer.loaded(job)
        # a job that differs from its composition by sensitivity cases alone is loaded from the
        # composition's objects: the same configuration as loading Hydra's
        for job in [*COMPOSER_JOBS, *cases]:
            try:
                expected_conf = load(composed[tuple(job)])
            except ConfigError as err:  # a job that composes but does not load fails alike
                with pytest.raises(ConfigError, match=re.escape(str(err))):
                    composer.loaded(job)
                continue
            assert composer.loaded(job)[1] == expected_conf, job
        assert all(composer._from_objects(job) is not None for job in [*cases, COMPOSER_JOBS[6]])


@pytest.mark.parametrize("preset", ["single", "one_stop_window", "bundled", "full_standard", "next_steps"])
def test_the_design_files_of_the_presets_are_the_presets(compose, preset):
    from sim.domain.design import PRESETS

    assert compose([f"design={preset}"]).design == PRESETS[preset]


def test_the_field_reference_is_the_schema_as_it_is():
    """configs/REFERENCE.md is generated from the schema: a key added or changed without
    regenerating it fails here (python -m sim.experiment.reference > configs/REFERENCE.md)."""
    from sim.experiment.reference import reference

    committed = (Path(CONFIGS) / "REFERENCE.md").read_text()
    assert committed == reference(), "regenerate: python -m sim.experiment.reference > configs/REFERENCE.md"
    assert "| `then` | mapping of name to float or null | null |" in committed  # a key from each layer


def test_published_figures_set_on_the_command_line_annotate_and_never_name_a_folder(compose):
    """`published.source=...` on the command line once crashed (published was null); its text,
    like every published figure, only annotates the report, so no job folder carries it."""
    from dataclasses import fields

    from sim.experiment.config import Published

    conf = compose(["published.source='Xiamen, 2024: a report'", "published.time=0.65"])
    assert conf.published.source == "Xiamen, 2024: a report" and conf.published.reported()
    assert not compose([]).published.reported()
    excluded = OmegaConf.load(Path(CONFIGS) / "config.yaml").hydra.job.config.override_dirname.exclude_keys
    assert {f"published.{f.name}" for f in fields(Published)} <= set(excluded)
