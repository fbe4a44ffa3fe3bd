"""The sourced scenarios: each runs in both designs, its sources table covers every item, and the
headline and sensitivity studies run from their documented commands."""

import re
from dataclasses import replace
from pathlib import Path

import pytest
from omegaconf import OmegaConf
from studies import study

from sim import BUNDLED, SINGLE, ConfigError, run
from sim.domain.loads import offered_loads
from sim.experiment.config import CONFIGS

SOURCED = ["startup", "small_restaurant", "transport", "deregistration", "construction", "district"]
README = Path(CONFIGS) / "scenario" / "README.md"


@pytest.mark.parametrize("name", SOURCED)
def test_sourced_scenario_runs_in_both_designs(compose, name):
    scenario = compose([f"scenario={name}"]).scenario
    short = replace(scenario, horizon=24 * 7 * 8, warmup=0.0)
    for design in (SINGLE, BUNDLED):
        result = run(short, design, seed=1, record_steps=False)
        assert len(result.cases) > 0 and result.cases["finished"].all(), (name, design.label)


def table_rows(section: str) -> dict[str, list[str]]:
    """The rows of the first table under README's ``section`` heading, by their first cell."""
    chunks = README.read_text().split(f"## {section}\n")[1].strip().split("\n\n")
    table = next(chunk for chunk in chunks if chunk.startswith("|"))
    rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in table.splitlines()[2:]]
    return {cells[0]: cells for cells in rows}


def test_sources_table_covers_every_item_parameter(compose):
    scenario = compose(["scenario=district"]).scenario
    rows = table_rows("Items")
    assert set(rows) == set(scenario.items), "every catalogue item has exactly one row"
    for name, item in scenario.items.items():
        _, department, documents, limit, times, rejection, inspection, pickup = rows[name]
        assert department == item.department, name
        count = re.search(r"\((\d+), ", documents)
        assert count and int(count.group(1)) == len(item.documents), (name, "documents")
        assert limit.split()[0] == f"{item.limit_days:g}", (name, "limit_days")
        assert re.search(r"\((E|\*\*S\*\*|\*\*R\*\*)", times), (name, "intake/review need a tag")
        assert rejection.startswith(f"{item.p_incomplete:g} / "), (name, "p_incomplete")
        inspected = any(step.pool == "inspectors" for step in item.back_office(reduced=False))
        assert (inspection == "none") != inspected, (name, "inspection")
        assert pickup.startswith("yes") == item.pickup, (name, "pickup")


def test_back_office_table_covers_every_items_steps_and_committed_limit(compose):
    scenario = compose(["scenario=district"]).scenario
    rows = table_rows("Back office per item")
    assert set(rows) == set(scenario.items), "every catalogue item has exactly one back-office row"
    for name, item in scenario.items.items():
        _, steps, reduced, committed, batches, booking = rows[name]
        full = item.back_office(reduced=False)
        assert steps.split(" (")[0] == ", ".join(s.name for s in full), (name, "steps")
        kept = [s.name for s in item.back_office(reduced=True)]
        assert (reduced.startswith("on the spot") and not kept) or reduced == ", ".join(kept), (
            name,
            "reduced",
        )
        assert committed.split()[0] == (f"{item.committed_days:g}" if item.committed_days else "none"), name
        assert ("daily" in batches or "weekly" in batches) == any(s.batch for s in full), (name, "batches")
        assert bool(booking) == any(s.booking for s in full), (name, "booking")


def test_online_table_covers_every_item(compose):
    scenario = compose(["scenario=district"]).scenario
    rows = table_rows("Online filing per item (一网通办)")
    assert set(rows) == set(scenario.items), "every catalogue item has exactly one online row"
    for name, item in scenario.items.items():
        _, online, reason = rows[name]
        assert online == ("yes" if item.online else "no"), name
        assert reason.startswith(("**R**", "**S**", "**E**")), (name, "tagged")


@pytest.mark.slow
def test_headline_study_sets_the_model_beside_the_article(tmp_path):
    _, text = study(tmp_path, "headline", "replications=3")
    section = text.split("## Beside the published figures")[1].split("##")[0]
    header = section.split("\n\n")[2].splitlines()[0]
    assert [c.strip() for c in header.strip("|").split("|")][2::2] == [
        "One-stop window",
        "Bundled",
        "Full standard",
    ]
    model = r"[-+]\d+\.\d \[.*?\] %\s+\| [-+]\d+\.\d points\s+"
    for metric, reported in (("time, lived", "-65 %"), ("trips", "-88 %"), ("documents", "-60 %")):
        assert re.search(rf"\| {metric}\s+\| {reported}\s+(\| {model}){{3}}\|", section), metric
    assert re.search(r"\| time, promised\s+\| -65 %\s+\| [-+]\d+\.\d % \(a rule: no interval\)", section)
    assert "district" in text


@pytest.mark.slow
def test_sensitivity_study_draws_a_tornado(tmp_path):
    cases = "sensitivity=base,p_incomplete_high,mail_low,notice_factor_low"  # of the preset's 23
    out, text = study(tmp_path, "sensitivity", "replications=2", cases)
    assert "## Sensitivity to the estimates" in text
    assert "p_incomplete high" in text and "mail low" in text and "notice_factor low" in text
    for name in ("tornado", "tornado_full_standard"):
        assert (out / "figures" / f"{name}.png").stat().st_size > 10_000


def test_the_city_table_matches_the_district_files_and_adds_up_to_the_city():
    rows = table_rows("A city as its districts (`xiamen_*`, `+experiment=city`)")
    files = sorted(p.stem for p in README.parent.glob("xiamen_*.yaml"))
    assert sorted(name.strip("`") for name in rows) == files
    total = 0
    for name, cells in rows.items():
        share, cases, size = float(cells[3].rstrip(" %")), int(cells[4].replace(",", "")), float(cells[5])
        assert OmegaConf.load(README.parent / f"{name.strip('`')}.yaml").size == size, name
        assert cases == round(2_600_000 * share / 100), name
        assert size == round(cases / 3306), name  # a district_channels year's arrivals
        total += cases
    assert abs(total - 2_600_000) < 2_600_000 * 0.001


def test_size_makes_a_bigger_copy_of_the_office_with_the_same_loads(compose):
    small = compose(["scenario=district_requests", "scenario.horizon=2000"]).scenario
    big = compose(["scenario=district_requests", "scenario.size=3", "scenario.horizon=2000"]).scenario
    assert big.size == 1  # applied once: the scenario that runs is the bigger one
    assert big.demand == {need: 3 * rate for need, rate in small.demand.items()}
    for name, cls in small.requests.classes.items():
        assert big.requests.classes[name].rate == 3 * cls.rate
    assert big.requests.meeting.capacity == 3 * small.requests.meeting.capacity  # or its agenda grows
    sittings = 0
    for name, item in small.items.items():
        for step, grown in zip(item.steps, big.items[name].steps, strict=True):
            if step.batch is not None and step.batch.capacity is not None:  # a weekly sitting of 8 files
                assert grown.batch.capacity == 3 * step.batch.capacity, (name, step.name)
                sittings += 1
    assert sittings >= 3  # the construction items' committees
    assert big.specialists.staff == 3 * small.specialists.staff
    assert big.requests.coordinators == 3 * small.requests.coordinators
    for name, d in small.departments.items():
        assert big.departments[name].reviewers == 3 * d.reviewers, name
    assert offered_loads(big, BUNDLED) == pytest.approx(offered_loads(small, BUNDLED))
    on_top = compose(["scenario=district", "scenario.size=2", "staffing.scale=1.5"]).scenario
    district = compose(["scenario=district"]).scenario
    assert on_top.departments["market"].reviewers == round(2 * district.departments["market"].reviewers * 1.5)
    with pytest.raises(ConfigError, match=r"scenario\.size"):
        compose(["scenario=district", "scenario.size=0"])
