"""Hostile and careless input, surface by surface (issue 38's classes): each is refused with
its key, row or column (a ConfigError; exit 2 from a command) or handled harmlessly, never a
traceback, never unbounded, nothing overwritten. Property tests draw inputs from an alphabet of
what breaks readers: formulas, YAML's numbers and booleans, references, control and invisible
characters, long text."""

import csv
import gzip
import io
import signal
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from builders import det
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from omegaconf import OmegaConf

import sim
from sim import ConfigError, Department, Item, Scenario, run
from sim.analysis.labels import Labels, _files
from sim.calibrate import calibrate, logs
from sim.calibrate.itemlist import read_list, scenario_from, write
from sim.calibrate.listfile import MAX_FIELD
from sim.calibrate.logs import read
from sim.calibrate.mapping import read_mapping
from sim.calibrate.scenario_file import to_yaml
from sim.domain.names import is_name, name_from
from sim.domain.scenario import Step
from sim.domain.untrusted import FORMULA, clean, from_csv_cell, write_csv, yaml_flow
from sim.experiment.conversion import build

TRICKY = [
    "1e3", "0x1F", "017", "1_000", "no", "True", "null", "~", "-", "=1+1", "+cmd", "-2+3", "@SUM(A1)",
    "\tx", "${x}", "${oc.env:HOME}", "a: b", "[x]", "{y: 1}", "'q'", '"q"', "#c", "&a", "*a", "!t",
    "甲\u200b乙", "B\u202e", "x\x00y", "²", "١٢", "！！！", " ", "", "é", "<b>x</b>", "a" * 300,
]  # fmt: skip
texts = st.one_of(st.sampled_from(TRICKY), st.text(max_size=30))


def _plain(value):
    """OmegaConf's reading of a YAML flow text, as Hydra reads a config file."""
    return OmegaConf.to_container(OmegaConf.create(f"k: {value}"), resolve=True)["k"]


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(texts, st.lists(texts, max_size=3), st.dictionaries(texts, texts, max_size=3)))
def test_text_written_as_yaml_reads_back_as_the_same_text(value):
    assert _plain(yaml_flow(value)) == value


@settings(max_examples=300, deadline=None)
@given(text=texts, kind=st.sampled_from(["step", "item", "pool", "doc"]))
def test_a_name_made_from_any_text_is_a_name_every_reader_takes_as_text(text, kind):
    name = name_from(text, set(), kind=kind)
    assert is_name(name)
    assert yaml.safe_load(name) == name and _plain(name) == name


@settings(max_examples=200, deadline=None)
@given(cells=st.lists(st.lists(texts, min_size=2, max_size=2), min_size=1, max_size=5))
def test_no_csv_cell_the_project_writes_begins_a_formula(cells, tmp_path_factory):
    path = tmp_path_factory.mktemp("csv") / "out.csv"
    frame = pd.DataFrame(cells, columns=["a", "b"]).assign(n=-1.5)
    write_csv(frame, path)
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))[1:]
    for row, original in zip(rows, cells, strict=True):
        assert not any(cell.startswith(FORMULA) for cell in row[:2])
        assert [from_csv_cell(c) for c in row[:2]] == original
        assert row[2] == "-1.5"  # numbers stay numbers


# --- item lists ------------------------------------------------------------------------


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cells=st.lists(st.lists(texts, min_size=3, max_size=5), min_size=1, max_size=4),
    encoding=st.sampled_from(["utf-8", "gb18030", "utf-16"]),
)
def test_any_item_list_is_read_or_refused_by_its_row_and_what_it_makes_is_text(cells, encoding, tmp_path):
    path = tmp_path / "list.csv"
    out = io.StringIO()
    csv.writer(out).writerows([["事项名称", "实施部门", "申请材料"], *cells])
    try:
        path.write_bytes(out.getvalue().encode(encoding))
    except UnicodeEncodeError:
        return  # not a file that encoding can hold
    try:
        found = scenario_from(read_list(path), "mine")
    except ConfigError as err:
        assert err.key.startswith(("list", "--name")), err
        return
    data, labels = found.data, found.labels
    assert OmegaConf.to_container(OmegaConf.create(to_yaml(data, found.notes, "x")), resolve=True) == data
    assert OmegaConf.to_container(OmegaConf.create(to_yaml(labels, {}, "")), resolve=True) == labels
    assert all(is_name(k) for part in ("items", "documents", "departments") for k in data.get(part, {}))


@pytest.mark.parametrize(
    ("text", "key", "message"),
    [
        ("事项名称,实施部门\n甲," + "x" * 200_000 + "\n", "list row 2", "cannot be read as CSV"),
        ("事项名称,实施部门\n甲," + "x" * (MAX_FIELD + 1) + "\n", "list row 2.department", "more than 4,000"),
        ("事项名称,实施部门\n甲,market,extra,more\n", "list row 2", "4 cells under a header of 2"),
        ("事项名称,实施部门,到现场次数\n甲,market,²\n", "list row 2.visits", "whole number of trips"),
        ("事项名称,实施部门\n甲,market\n甲,market\n", "list row 3.item", "named again (first in row 2)"),
        ("事项名称,item,实施部门\n甲,乙,market\n", "list.item", "two columns say the same"),
        (
            "事项名称,实施部门\n" + "".join(f"甲{k},market\n" for k in range(501)),
            "list",
            "more than the 500 rows",
        ),
    ],
)
def test_a_careless_item_list_is_refused_by_its_row_and_column(text, key, message, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text(text, "utf-8")
    with pytest.raises(ConfigError) as err:
        write(read_list(path), "mine", tmp_path / "out")
    assert err.value.key == key and message in str(err.value)
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_a_list_whose_cells_a_yaml_reader_would_misread_imports_and_runs_as_text(tmp_path):
    """Names like 1e3, a reference, a formula and an invisible mark: each stays the text it is."""
    path = tmp_path / "list.csv"
    path.write_text("事项名称,实施部门,申请材料\n1e3,market,${oc.env:HOME}；=1+1；甲\u200b\n", "utf-8")
    write(read_list(path), "mine", tmp_path / "out")
    scenario = sim.load_scenario("mine", config_dir=tmp_path / "out")
    assert set(scenario.items) >= {"item_1e3"}
    assert {scenario.documents[d] for d in scenario.items["item_1e3"].documents} == {
        "${oc.env:HOME}",
        "=1+1",
        "甲",
    }
    assert Labels("zh", (tmp_path / "out",)).of("items", "item_1e3") == "1e3"


@pytest.mark.slow
def test_an_export_is_never_written_over_without_force(tmp_path):
    path = tmp_path / "catalogue.csv"
    path.write_text("mine\n")
    command = [sys.executable, "-m", "sim.calibrate.itemlist", "--export", str(path)]
    refused = subprocess.run(command, capture_output=True, text=True)
    assert refused.returncode == 2 and "--force" in refused.stderr and path.read_text() == "mine\n"
    assert subprocess.run([*command, "--force"], capture_output=True).returncode == 0
    assert path.read_text().startswith("事项编码,")


# --- event logs -------------------------------------------------------------------------


def _log(activities, times=None) -> pd.DataFrame:
    n = len(activities)
    stamps = times or [f"2024-03-{1 + k // 8:02d}T{9 + k % 8:02d}:00:00" for k in range(n)]
    return pd.DataFrame(
        {
            "case:concept:name": [f"c{k // 4}" for k in range(n)],
            "concept:name": activities,
            "time:timestamp": stamps,
            "org:resource": [f"p{k % 3}" for k in range(n)],
        }
    )


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names=st.lists(texts, min_size=3, max_size=5))
def test_any_activity_names_calibrate_to_a_scenario_whose_names_and_labels_are_text(names):
    frame = _log([names[k % len(names)] for k in range(60)])
    try:
        found = calibrate(frame, timezone="Europe/Rome")
    except ConfigError as err:
        assert err.key.startswith(("log", "mapping")), err
        return
    read = OmegaConf.to_container(OmegaConf.create(found.text), resolve=True)  # as Hydra reads it
    labels = {s.label for item in build(Scenario, read, "scenario").items.values() for s in item.steps}
    assert all(isinstance(label, str) and label.isprintable() for label in labels)
    assert labels <= {clean(n, 200) for n in names}  # the office's names, only cleaned


@pytest.mark.parametrize(
    ("times", "message"),
    [
        (["0001-01-01T10:00:00"], "outside the years 1900 to 2200"),
        (["9999-12-31T10:00:00"], "outside the years"),
    ],
)
def test_timestamps_no_office_kept_are_refused_by_the_column(times, message):
    frame = _log(["A", "B", "C", "D"] * 3)
    frame.loc[0, "time:timestamp"] = times[0]
    with pytest.raises(ConfigError, match=message) as err:
        calibrate(frame)
    assert err.value.key == "mapping.timestamp (time:timestamp)"


def test_a_time_zone_that_is_not_iana_is_refused_by_its_option():
    with pytest.raises(ConfigError) as err:
        calibrate(_log(["A", "B"] * 6), timezone="Mars/Olympus")
    assert err.value.key == "--timezone"


def test_too_many_distinct_activities_are_refused_while_reading(tmp_path):
    path = tmp_path / "log.csv"
    _log([f"a{k}" for k in range(logs.MAX_ACTIVITIES + 1)]).to_csv(path, index=False)
    with pytest.raises(ConfigError, match="distinct values, more than the 1,000") as err:
        read(path)
    assert err.value.key == "mapping.activity (concept:name)"


def test_a_compressed_parquet_is_counted_before_it_expands(tmp_path):
    """Five million rows of a 300-character name compress to a few hundred kilobytes."""
    n = logs.MAX_EVENTS + 1
    zeros = pa.array(np.zeros(n, dtype=np.int32))
    table = pa.table(
        {
            "case:concept:name": pa.array(["c"]).take(zeros),
            "concept:name": pa.array(["a" * 300]).take(zeros),
            "time:timestamp": pa.array(["2024-01-01T10:00:00"]).take(zeros),
        }
    )
    pq.write_table(table, tmp_path / "bomb.parquet", compression="zstd")
    assert (tmp_path / "bomb.parquet").stat().st_size < 2_000_000
    with pytest.raises(ConfigError, match="events; calibration reads at most"):
        read(tmp_path / "bomb.parquet")


def test_a_parquet_of_few_rows_that_decompress_to_much_text_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(logs, "MAX_TEXT_BYTES", 1_000_000)
    zeros = pa.array(np.zeros(20_000, dtype=np.int32))
    table = pa.table(
        {"case:concept:name": pa.array(["c" * 200]).take(zeros), "concept:name": zeros.cast(pa.string())}
    )
    pq.write_table(
        table.append_column("time:timestamp", pa.array(["2024-01-01T10:00:00"]).take(zeros)),
        tmp_path / "b.parquet",
    )
    with pytest.raises(ConfigError, match="once decompressed"):
        read(tmp_path / "b.parquet")


def test_a_gzipped_xes_is_counted_as_it_decompresses(tmp_path, monkeypatch):
    monkeypatch.setattr(logs, "MAX_XES_BYTES", 2_000_000)
    event = (
        '<event><string key="concept:name" value="A"/>'
        '<date key="time:timestamp" value="2024-01-01T10:00:00"/></event>'
    )
    with gzip.open(tmp_path / "bomb.xes.gz", "wt") as f:
        f.write('<log><trace><string key="concept:name" value="c"/>' + event * 30_000 + "</trace></log>")
    with pytest.raises(ConfigError, match="of XES once decompressed"):
        read(tmp_path / "bomb.xes.gz")


def test_a_document_type_deep_in_an_xes_is_refused(tmp_path):
    path = tmp_path / "late.xes"
    path.write_text("<log>" + " " * 10_000 + '<!DOCTYPE x [<!ENTITY a "b">]><trace/></log>')
    with pytest.raises(ConfigError):
        read(path)


@cache
def _small_log():
    return calibrate(_log(["A", "B", "C"] * 4), timezone="Europe/Rome").log


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.recursive(
        st.one_of(st.none(), st.integers(), texts),
        lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(texts, inner, max_size=3)),
        max_leaves=8,
    )
)
def test_any_mapping_file_is_read_or_refused_by_its_key(data, tmp_path):
    """Whatever the file holds: a refusal naming the file's option or a key in it, in a short
    message, or people and activities read as text about the log's own activities."""
    log = _small_log()
    path = tmp_path / "mapping.yaml"
    path.write_text(yaml.safe_dump({"activities": data} if isinstance(data, dict) else data))
    try:
        people, activities = read_mapping(path, log)
    except ConfigError as refused:
        assert refused.key.split(".")[0] in {"--mapping", "people", "activities"}, refused.key
        assert len(str(refused)) < 4_000
    else:
        assert set(activities) <= set(log.steps["activity"])
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in people.items())


def test_a_mapping_nested_too_deeply_is_refused(tmp_path):
    path = tmp_path / "mapping.yaml"
    path.write_text("activities: " + "{a: " * 3000 + "1" + "}" * 3000 + "\n")
    with pytest.raises(ConfigError, match="nested too deeply"):
        read_mapping(path, calibrate(_log(["A", "B"] * 6)).log)


def test_a_calibration_never_writes_over_an_earlier_report(tmp_path):
    found = calibrate(_log(["A", "B", "C"] * 8), name="office")
    (tmp_path / "calibration.html").write_text("mine")
    with pytest.raises(ConfigError, match=r"calibration\.html exists"):
        found.write(tmp_path)
    assert (tmp_path / "calibration.html").read_text() == "mine"
    assert not (tmp_path / "scenario").exists()


# --- labels, config folders, the Python API ---------------------------------------------


@pytest.mark.slow
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.recursive(
        st.one_of(st.none(), st.integers(), texts, st.just("a" * 30_000)),
        lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(texts, inner, max_size=3)),
        max_leaves=8,
    )
)
def test_any_labels_file_is_read_or_refused_and_every_label_is_short_text(data, tmp_path):
    folder = Path(tempfile.mkdtemp(dir=tmp_path))  # labels are read once per folder
    (folder / "labels.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    try:
        merged = _files((folder,))
    except ConfigError:
        return
    for entries in merged.values():
        for entry in entries.values():
            assert all(isinstance(v, str) and len(v) <= 200 for v in entry.values())


def test_a_config_link_out_of_its_folder_is_refused_unread(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("password: TOPSECRET\n")
    (tmp_path / "configs" / "scenario").mkdir(parents=True)
    (tmp_path / "configs" / "scenario" / "leak.yaml").symlink_to(secret)
    done = subprocess.run(
        [sys.executable, "-m", "sim", "--config-dir", str(tmp_path / "configs"), "scenario=leak"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 2 and "outside the config folder" in done.stderr
    assert "TOPSECRET" not in done.stderr + done.stdout and "password" not in done.stderr


@pytest.mark.parametrize("odd", ["a,b", "a]b", "a'b", "a b"])
def test_load_scenario_takes_a_folder_whose_path_hydra_would_split(odd, tmp_path):
    folder = tmp_path / odd / "scenario"
    folder.mkdir(parents=True)
    (folder / "mine.yaml").write_text("defaults:\n  - restaurant\n  - _self_\nname: mine\n")
    assert sim.load_scenario("mine", config_dir=tmp_path / odd).name == "mine"


def test_load_scenario_raises_a_config_error_for_a_key_no_reader_takes_as_text(tmp_path):
    (tmp_path / "scenario").mkdir()
    (tmp_path / "scenario" / "mine.yaml").write_text(
        "defaults:\n  - restaurant\n  - _self_\nname: mine\ndocuments: {1e3: x}\n"
    )
    with pytest.raises(ConfigError):
        sim.load_scenario("mine", config_dir=tmp_path)


# --- routes -----------------------------------------------------------------------------


class _Endless(Exception):
    pass


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(
    p_loop=st.sampled_from([0.5, 0.999, 0.999999, 1.0]),
    p_choice=st.sampled_from([0.0, 1e-9, 0.5, 1.0]),
    cap=st.sampled_from([None, 1, 3]),
    tie=st.sampled_from(["when", "unless", None]),
)
def test_every_route_the_check_accepts_ends_for_every_file(p_loop, p_choice, cap, tie):
    looping = Step(
        name="review", work=det(0.1), then={"review": p_loop}, max_visits=cap, **({tie: "x"} if tie else {})
    )
    try:
        scenario = Scenario(
            name="route",
            documents={"form": "form"},
            departments={"A": Department(clerks=9, reviewers=9)},
            items={
                "permit": Item(
                    department="A",
                    documents=["form"],
                    intake=det(0.1),
                    steps=[looping],
                    choices={"x": p_choice},
                )
            },
            needs={"get": ["permit"]},
            demand={"get": 0.05},
            horizon=2000,
            drain=100_000,
        )
    except ConfigError as err:
        assert err.key.startswith("scenario.items.permit"), err
        return

    def stop(*_):
        raise _Endless

    signal.signal(signal.SIGALRM, stop)
    signal.alarm(20)
    try:
        cases = run(scenario, sim.SINGLE, seed=1).cases
    finally:
        signal.alarm(0)
    assert cases["finished"].all()
