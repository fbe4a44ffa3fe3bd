"""What the configs and README cite resolves inside the repository: no path to a notebook a
clone lacks, every numbered reference listed, and the provenance text that states a number
true to the scenario it describes."""

import re
from pathlib import Path

import pytest

import sim
from sim.domain.loads import arrivals_per_rate

ROOT = Path(__file__).resolve().parents[1]
REFERENCES = ROOT / "configs" / "scenario" / "README.md"
CITING = [
    ROOT / "README.md",
    *sorted((ROOT / "configs").rglob("*.yaml")),
    *sorted((ROOT / "configs").rglob("*.md")),
]


def _listed() -> set[str]:
    """The numbers of the references section's entries."""
    section = REFERENCES.read_text(encoding="utf-8").split("## References", 1)[1]
    entries = set(re.findall(r"(?:^|· )\[(\d+)\]", section, flags=re.MULTILINE))
    tail = REFERENCES.read_text(encoding="utf-8")  # entries kept beside the table they support
    return entries | set(re.findall(r"^\[(\d+)\] ", tail, flags=re.MULTILINE))


def test_no_citation_points_outside_the_repository():
    for path in CITING:
        text = path.read_text(encoding="utf-8")
        assert "shared/" not in text, f"{path.relative_to(ROOT)} cites a path a clone lacks"


def test_every_numbered_reference_cited_is_listed():
    listed = _listed()
    cited: dict[str, str] = {}
    for path in CITING:
        for number in re.findall(
            r"(?:\bS|\bR|\*\*)\s*\[(\d+)\]|\[(\d+)\]:", path.read_text(encoding="utf-8")
        ):
            cited.setdefault(next(n for n in number if n), str(path.relative_to(ROOT)))
    missing = {n: where for n, where in cited.items() if n not in listed}
    assert not missing, f"cited, not in the references of configs/scenario/README.md: {missing}"
    assert {"0", "43", "49", "54"} <= listed


@pytest.mark.parametrize("name", ["district", "district_channels"])
def test_the_district_s_stated_yearly_cases_are_its_demand(name):
    """The provenance says how many cases a year the demand shares are of: within 5 % of the
    arrivals the scenario's demand gives over its year."""
    scenario = sim.load_scenario(name)
    said = scenario.provenance["demand.*"].source
    stated = float(re.search(r"about ([\d,]+) cases a year", said).group(1).replace(",", ""))
    expected = arrivals_per_rate(scenario) * sum(scenario.demand.values())
    assert stated == pytest.approx(expected, rel=0.05), said
