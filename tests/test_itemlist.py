"""Item lists in (sim.calibrate.itemlist): a list written by hand from service guides becomes a
scenario that runs, the shipped catalogue goes out as a list and comes back the same, and a
broken list is refused by its column or row."""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import sim
from sim import BUNDLED, SINGLE, ConfigError
from sim.calibrate.itemlist import export, read_list, write
from sim.experiment.replications import replicate

LISTS = Path(__file__).parent / "item_lists"


def test_a_pharmacy_list_written_from_service_guides_becomes_a_scenario_that_runs(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim.calibrate.itemlist",
            str(LISTS / "pharmacy.csv"),
            "--name",
            "my_pharmacy",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"run it: python -m sim --config-dir {tmp_path} scenario=my_pharmacy" in done.stdout
    scenario = sim.load_scenario("my_pharmacy", config_dir=tmp_path)
    # the filing is the catalogue's (by its Chinese name), the licence a new item of the list's
    licence, filing = scenario.items["药品经营许可证核发_零售"], scenario.items["device_filing"]
    assert (licence.limit_days, licence.committed_days, licence.pickup) == (20, 10, True)
    assert licence.documents[1:3] == ["business_licence", "pharmacist_cert"]  # catalogue documents by name
    assert filing.on_the_spot and not filing.pickup and filing.online
    assert scenario.needs["my_pharmacy"] == [
        "business_licence",
        "药品经营许可证核发_零售",
        "device_filing",
        "tax_registration",
    ]
    assert scenario.items["business_licence"] == sim.load_scenario("startup").items["business_licence"]
    labels = yaml.safe_load((tmp_path / "labels.yaml").read_text())
    assert labels["items"]["药品经营许可证核发_零售"] == {
        "zh": "药品经营许可证核发（零售）",
        "en": "Pharmacy retail licence",
    }
    text = (tmp_path / "scenario" / "my_pharmacy.yaml").read_text()
    assert "its times and rejections: the catalogue's conventions (E)" in text
    for design in (SINGLE, BUNDLED):
        cases = replicate(scenario, design, 0, 1, progress=False).tables["cases"]
        assert (cases["need"] == "my_pharmacy").sum() > 50


def test_a_list_may_not_take_a_shipped_scenarios_name(tmp_path):
    """--config-dir puts a folder after the shipped configs: a folder's 'pharmacy' would never
    run, the shipped one would, silently. The name is refused, nothing written."""
    with pytest.raises(ConfigError, match="'pharmacy' is a shipped scenario"):
        write(read_list(LISTS / "pharmacy.csv"), "pharmacy", tmp_path / "configs")
    assert not (tmp_path / "configs").exists()


def test_the_catalogue_goes_out_as_a_list_and_comes_back_the_same(tmp_path):
    export(tmp_path / "catalogue.csv")
    write(read_list(tmp_path / "catalogue.csv"), "whole_catalogue", tmp_path / "configs")
    back = sim.load_scenario("whole_catalogue", config_dir=tmp_path / "configs")
    shipped = sim.load_scenario("startup")
    assert back.items == shipped.items and back.documents == shipped.documents
    assert back.departments == shipped.departments


@pytest.mark.parametrize(
    ("text", "key", "message"),
    [
        ("事项名称,收费\n营业执照,0\n", "list.department", "no column department or 实施部门"),
        ("item,department,limit_days\nx,market,twenty\n", "list[0].limit_days", "working days as a number"),
        ("item,department,visits\nx,market,many\n", "list[0].visits", "whole number of trips"),
        ("item,department,online\nx,market,maybe\n", "list[0].online", "yes or no"),
        ("item,department\n,market\n", "list[0].item", "every row names its item"),
    ],
)
def test_a_broken_list_is_refused_by_its_column_or_row(tmp_path, text, key, message):
    path = tmp_path / "list.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        write(read_list(path), "mine", tmp_path / "out")
    assert err.value.key == key and message in str(err.value)
    assert not (tmp_path / "out" / "scenario" / "mine.yaml").exists()
