"""Provenance as data: what a scenario's numbers rest on, checked where it is written and shown
in the report, the estimates that move the headline most first."""

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim import ConfigError
from sim.analysis import sections, tables
from sim.analysis.labels import Labels
from sim.calibrate.itemlist import read_list, write
from sim.domain.provenance import Source, Tag

LISTS = Path(__file__).parent / "item_lists"


@pytest.fixture(scope="module")
def district():
    return sim.load_scenario("district")


def test_the_catalogue_tags_its_conventions_and_their_sourced_exceptions(district):
    p = district.provenance
    assert p["items.*.review"].tag is Tag.E and p["items.*.review"].varied_by == "review"
    assert (
        p["items.food_permit.limit_days"].tag is Tag.S and "[14]" in p["items.food_permit.limit_days"].source
    )
    assert p["calendars.office.holidays"].tag is Tag.S
    assert {s.tag for s in p.values()} == {Tag.S, Tag.R, Tag.E}


@pytest.mark.parametrize(
    ("key", "source", "where", "message"),
    [
        ("items.food_permit.limit_dayz", Source(tag=Tag.S, source="x"), "limit_dayz", "names no input"),
        ("items.*.reviw", Source(tag=Tag.E, source="x"), "reviw", "names no input"),
        ("items.<b>.review", Source(tag=Tag.E, source="x"), "<b>", "a config path"),
        ("mail", Source(tag=Tag.E, source="x" * 501), "mail.source", "1 to 500 characters"),
    ],
)
def test_a_key_that_describes_nothing_or_a_source_too_long_is_refused_by_its_key(
    district, key, source, where, message
):
    with pytest.raises(ConfigError, match=message) as error:
        replace(district, provenance={**district.provenance, key: source})
    assert where in error.value.key


def test_an_unknown_estimate_is_refused_where_the_config_is_made():
    with pytest.raises(ConfigError, match="unknown estimate 'reveiw'") as error:
        sim.load_scenario("district", ["scenario.provenance.mail.varied_by=reveiw"])
    assert error.value.key == "scenario.provenance.mail.varied_by"


def test_the_report_table_puts_the_estimates_that_move_the_headline_first(district):
    """Lived time's reduction moves 5 points between review low and high, 1 between intake's:
    review, then intake, then the other estimates, recalled and sourced inputs."""
    rows = []
    for parameter, (low, high) in {"review": (-0.60, -0.65), "intake": (-0.62, -0.63)}.items():
        for level, reduction in (("low", low), ("high", high)):
            rows.append(
                {
                    "parameter": parameter,
                    "level": level,
                    "metric": "lead_time_working_days_mean",
                    "reduction": reduction,
                }
            )
    sensitivity = {"bundled": (pd.DataFrame(rows), None)}
    table = tables.provenance_table(district.provenance, sensitivity, Labels())
    assert list(table["input"][:3]) == ["items.*.review", "items.*.steps.*.work", "items.*.intake"]
    assert table.loc[0, "moves lived time"] == "Bundled: 5.0 points"
    tags = list(table["tag"][3:])
    assert tags == sorted(tags, key="ERS".index)
    unvaried = table[table["input"] == "mail"]["moves lived time"].item()
    assert unvaried == "varied: study not run"


def test_a_scenario_shows_only_what_its_needs_use():
    text = sections.provenance_blocks(sim.load_scenario("small_restaurant"), {}, Labels())[2].content
    inputs = set(text["input"])
    assert "items.food_permit.limit_days" in inputs and "items.drug_retail_permit.limit_days" not in inputs
    assert "departments.*.background.*" in inputs


@pytest.mark.slow
def test_an_item_list_writes_its_rows_sources_as_provenance(tmp_path):
    write(read_list(LISTS / "pharmacy.csv"), "listed_pharmacy", tmp_path)
    p = sim.load_scenario("listed_pharmacy", config_dir=tmp_path).provenance
    assert (
        p["items.yao_pin_jing_ying_xu_ke_zheng_he_fa_ling.limit_days"].tag is Tag.R
    )  # the row's source says R:
    assert (
        p["items.yao_pin_jing_ying_xu_ke_zheng_he_fa_ling.intake"].tag is Tag.E
    )  # the catalogue's conventions
    assert p["items.device_filing.online"].tag is Tag.R  # the planner's value, tagged by its row
    assert p["items.business_licence.limit_days"].tag is Tag.S  # the catalogue's own, kept


def test_a_source_is_text_on_the_page_not_markup(district, tmp_path):
    from sim.analysis import render

    hostile = replace(
        district,
        provenance={**district.provenance, "mail": Source(tag=Tag.E, source="<script>alert(1)</script> | x")},
    )
    blocks = sections.provenance_blocks(hostile, {}, Labels())
    page = render.html_page(blocks, "provenance", tmp_path)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "\\|" in render.markdown(blocks, "provenance")  # a cell's pipe cannot split the table
