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
from sim.calibrate.listscenario import scenario_from
from sim.experiment.replications import replicate

LISTS = Path(__file__).parent / "item_lists"


@pytest.mark.slow
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
    # the filing is the catalogue's (by its Chinese name), the licence a new item keyed in pinyin
    licence, filing = (
        scenario.items["yao_pin_jing_ying_xu_ke_zheng_he_fa_ling"],
        scenario.items["device_filing"],
    )
    assert (licence.limit_days, licence.committed_days, licence.pickup) == (20, 10, True)
    assert licence.documents[1:3] == ["business_licence", "pharmacist_cert"]  # catalogue documents by name
    assert filing.on_the_spot and not filing.pickup and filing.online
    assert scenario.needs["my_pharmacy"] == [
        "business_licence",
        "yao_pin_jing_ying_xu_ke_zheng_he_fa_ling",
        "device_filing",
        "tax_registration",
    ]
    assert scenario.items["business_licence"] == sim.load_scenario("startup").items["business_licence"]
    labels = yaml.safe_load((tmp_path / "labels.yaml").read_text())
    assert labels["items"]["yao_pin_jing_ying_xu_ke_zheng_he_fa_ling"] == {
        "zh": "药品经营许可证核发（零售）",
        "en": "Pharmacy retail licence",
    }
    text = (tmp_path / "scenario" / "my_pharmacy.yaml").read_text()
    assert "a licence's back office by the catalogue's conventions (E)" in text
    for design in (SINGLE, BUNDLED):
        cases = replicate(scenario, design, 0, 1, progress=False).tables["cases"]
        assert (cases["need"] == "my_pharmacy").sum() > 50


def test_a_list_may_not_take_a_shipped_scenarios_name(tmp_path):
    """--config-dir puts a folder after the shipped configs: a folder's 'pharmacy' would never
    run, the shipped one would, silently. The name is refused, nothing written."""
    with pytest.raises(ConfigError, match="'pharmacy' is a shipped scenario"):
        write(read_list(LISTS / "pharmacy.csv"), "pharmacy", tmp_path / "configs")
    assert not (tmp_path / "configs").exists()


@pytest.mark.slow
def test_the_catalogue_goes_out_as_a_list_and_comes_back_the_same(tmp_path):
    export(tmp_path / "catalogue.csv")
    done = write(read_list(tmp_path / "catalogue.csv"), "whole_catalogue", tmp_path / "configs")
    back = sim.load_scenario("whole_catalogue", config_dir=tmp_path / "configs")
    shipped = sim.load_scenario("startup")
    assert back.items == shipped.items and back.documents == shipped.documents
    # one need of every item at the default demand: the pools it would overload are sized, and said
    sized = {
        pool.split(" ")[0]
        for w in done.warnings
        if "planning rule" in w
        for pool in w.split(": ", 1)[1].split("; ")
    }
    for name, department in shipped.departments.items():
        for role in ("clerks", "reviewers", "inspectors", "leaders"):
            if f"{name}.{role}" not in sized:
                assert getattr(back.departments[name], role) == getattr(department, role), (name, role)


@pytest.mark.parametrize(
    ("text", "key", "message"),
    [
        ("事项名称,收费\n营业执照,0\n", "list.department", "no column 实施主体 or 实施机构"),
        (
            "item,department,limit_days\nx,market,twenty\n",
            "list row 2.limit_days",
            "working days as a number",
        ),
        ("item,department,visits\nx,market,many\n", "list row 2.visits", "whole number of trips"),
        ("item,department,online\nx,market,maybe\n", "list row 2.online", "yes or no"),
        ("item,department\n,market\n", "list row 2.item", "every row names its item"),
        (
            "事项名称,实施主体,前置事项\n甲,market,乙\n",
            "list row 2.prerequisites",
            "'乙' is not an item of the list",
        ),
    ],
)
def test_a_broken_list_is_refused_by_its_column_or_row(tmp_path, text, key, message):
    path = tmp_path / "list.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        write(read_list(path), "mine", tmp_path / "out")
    assert err.value.key == key and message in str(err.value)
    assert not (tmp_path / "out" / "scenario" / "mine.yaml").exists()


ERSHOUFANG = LISTS / "ershoufang_gb18030.csv"


@pytest.fixture(scope="module")
def ershoufang(tmp_path_factory):
    """The national list's 二手房转移登记及水电气网联动过户一件事 as a bureau exports it: GB18030,
    the 实施清单's headers, / and 无 for no limit, prerequisites and results, documents shared
    across rows, annual volumes, a lead department, columns the model does not use."""
    out = tmp_path_factory.mktemp("ershoufang")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim.calibrate.itemlist",
            str(ERSHOUFANG),
            "--name",
            "ershoufang",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return out, done, sim.load_scenario("ershoufang", config_dir=out)


@pytest.mark.slow
def test_a_bureau_s_export_imports_with_no_edits(ershoufang):
    out, done, s = ershoufang
    registration = s.items["bu_dong_chan_zhuan_yi_deng_ji"]
    assert registration.limit_days == 30 and registration.committed_days == 1
    assert registration.prerequisites == ["zeng_zhi_shui_ji_ge_ren_suo_de_shui_shen", "qi_shui_shen_bao"]
    assert s.items["zeng_zhi_shui_ji_ge_ren_suo_de_shui_shen"].limit_days is None  # 无
    assert s.items["gong_shui_guo_hu"].on_the_spot and not s.items["gong_shui_guo_hu"].pickup  # 即办, no trip
    assert s.held_by["wan_shui_zheng_ming"] == registration.department  # 共享材料
    assert s.needs["ershoufang"][0] == "bu_dong_chan_zhuan_yi_deng_ji"  # the lead's item first
    assert "columns read and not used: 备注" in done.stderr  # 序号 and 事项编码 are read
    assert "staff sized by the catalogue's planning rule" in done.stderr
    labels = yaml.safe_load((out / "labels.yaml").read_text())
    assert labels["departments"][registration.department]["zh"] == "市自然资源和规划局_不动产登记中心"


@pytest.mark.slow
def test_a_document_named_in_several_rows_is_one_document(ershoufang):
    _, _, s = ershoufang
    buyer = [name for name, text in s.documents.items() if text == "买受人身份证明"]
    assert buyer == ["mai_shou_ren_shen_fen_zheng_ming"]
    assert sum(buyer[0] in item.documents for item in s.items.values()) == 7


@pytest.mark.slow
def test_bundling_merges_the_shared_documents(ershoufang):
    _, _, s = ershoufang
    distinct = {
        design.label: replicate(s, design, 0, 1, progress=False).tables["cases"]["distinct_documents"].mean()
        for design in (SINGLE, BUNDLED)
    }
    assert distinct["bundled"] <= 0.75 * distinct["single"], distinct


@pytest.mark.slow
def test_an_imported_department_is_staffed_from_the_command_line(ershoufang):
    out, _, s = ershoufang
    department = s.items["bu_dong_chan_zhuan_yi_deng_ji"].department
    changed = sim.load_scenario(
        "ershoufang", [f"scenario.departments.{department}.reviewers=10"], config_dir=out
    )
    assert changed.departments[department].reviewers == 10


@pytest.mark.slow
def test_a_workbook_s_staff_sheet_staffs_its_departments(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "事项清单"
    sheet.append(["事项名称", "实施主体", "事项类型", "年办件量", "申请材料"])
    sheet.append(["甲证核发", "某某局", "行政许可", 500, "申请书；身份证明"])
    sheet.append(["乙证备案", "某某局", "行政备案", 500, "身份证明"])
    staff = book.create_sheet("人员")
    staff.append(["部门", "窗口人员", "审核人员", "负责人"])
    staff.append(["某某局", 2, 3, 1])
    staff.append(["综合窗口", 4, "", ""])
    book.save(tmp_path / "list.xlsx")
    done = write(read_list(tmp_path / "list.xlsx"), "mine", tmp_path / "out")
    s = sim.load_scenario("mine", config_dir=tmp_path / "out")
    department = s.items[s.needs["mine"][0]].department
    assert (s.departments[department].clerks, s.departments[department].reviewers) == (2, 3)
    assert s.departments[department].leaders == 1 and s.one_stop.clerks == 4
    assert not any(f"{department}." in w for w in done.warnings)  # nothing sized: the table says


def test_readme_lists_the_columns_the_code_reads():
    from sim.calibrate.listrows import columns_table

    assert columns_table() in (Path(__file__).parents[1] / "README.md").read_text()


def test_a_list_whose_rows_name_no_item_is_refused():
    with pytest.raises(ConfigError, match="no row names an item"):
        scenario_from([], "empty_list")
