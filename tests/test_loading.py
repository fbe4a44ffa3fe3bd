"""Loading scenarios and designs from Python, as a notebook does, and README's example of it."""

import re
from pathlib import Path

import matplotlib
import pytest

import sim
from sim.domain.design import PRESETS

README = Path(__file__).resolve().parents[1] / "README.md"


def test_a_scenario_and_a_design_load_with_overrides_checked_as_on_the_command_line(compose):
    scenario = sim.load_scenario(
        "small_restaurant", ["scenario.departments.market.reviewers=4", "staffing.scale=2"]
    )
    assert (
        scenario
        == compose(
            ["scenario=small_restaurant", "scenario.departments.market.reviewers=4", "staffing.scale=2"]
        ).scenario
    )
    assert scenario.departments["market"].reviewers == 8  # the scenario that runs: knobs applied
    assert all(sim.load_design(name) == design for name, design in PRESETS.items())
    with pytest.raises(sim.ConfigError) as err:
        sim.load_scenario("small_restaurant", ["scenario.departments.market.reviewrs=4"])
    assert err.value.key == "scenario.departments.market.reviewrs"


def test_a_folder_of_ones_own_configs_loads_as_with_config_dir(tmp_path):
    """A planner's own scenario, built on a shipped one, loads from Python as from the command
    line; a misspelt name in a mapping (a department) is refused with the nearest one."""
    (tmp_path / "scenario").mkdir()
    (tmp_path / "scenario" / "mine.yaml").write_text(
        "defaults:\n  - restaurant\n  - _self_\nname: mine\ndepartments:\n  market: {reviewers: 30}\n"
    )
    scenario = sim.load_scenario("mine", config_dir=tmp_path)
    assert scenario.name == "mine" and scenario.departments["market"].reviewers == 30
    with pytest.raises(sim.ConfigError) as err:
        sim.load_scenario("mine", ["scenario.departments.markt.reviewers=3"], config_dir=tmp_path)
    assert err.value.key == "scenario.departments.markt" and "did you mean 'market'" in str(err.value)


def test_the_readme_notebook_example_runs_and_draws():
    matplotlib.use("Agg")
    block = re.search(r"In a notebook.*?```python\n(.*?)```", README.read_text(), re.DOTALL).group(1)
    names: dict = {}
    exec(compile(block, "README.md", "exec"), names)  # the README's own example
    assert list(names["table"]["metric"]) == ["lead_time_working_days_mean", "trips_mean", "documents_mean"]
    assert (names["table"]["reduction"] > 0).all()  # bundling saves on every count here
    assert len(names["ax"].patches) == 3
