"""Shapley attribution: orderings come in antithetic pairs, the values add up to the total,
the estimator over every ordering is the exact Shapley value, and a lever that cannot act
gets exactly nothing."""

import itertools
import math
from dataclasses import replace

import pandas as pd
import pytest
from builders import chain
from studies import study

from sim import SINGLE, ConfigError, Department
from sim.analysis.labels import Labels
from sim.analysis.shapley import blocks as section
from sim.analysis.shapley import marginals, shapley
from sim.domain.design import FULL_STANDARD, Checklist, Delivery, Routing
from sim.domain.loads import offered_loads
from sim.experiment.attribution import flagged, levers_between, ordering, path, run_pair
from sim.experiment.config import Attribution, SimConfig
from sim.experiment.metrics import summarise
from sim.run import run

METRICS = ("lead_time_mean", "trips_mean", "documents_mean")
TARGET = replace(
    SINGLE, checklist=Checklist.merged, routing=Routing.parallel, data_sharing=True, delivery=Delivery.mail
)
LEVERS = ["checklist", "routing", "data_sharing", "delivery"]


def busy_chain():
    return chain(demand={"ab": 0.05}, horizon=3_000)


def test_orderings_are_permutations_in_antithetic_pairs():
    levers = levers_between(busy_chain(), SINGLE, FULL_STANDARD)
    assert not {"online", "specialists", "site_visits"} & set(levers)  # no channels, no bookings
    for pair in range(3):
        first, second = ordering(levers, 7, 2 * pair), ordering(levers, 7, 2 * pair + 1)
        assert sorted(first) == sorted(levers) and second == first[::-1]
    assert ordering(levers, 7, 0) != ordering(levers, 7, 2)  # pairs draw their own orderings
    assert ordering(levers, 7, 4) == ordering(levers, 7, 4)  # and the same seed, the same one
    assert path(SINGLE, TARGET, LEVERS)[-1] == TARGET


def test_a_pair_runs_both_orderings_on_its_own_replications_and_adds_up_to_the_total():
    rows = run_pair(busy_chain(), SINGLE, TARGET, seed=3, pair=1, replications=2)
    assert set(rows["ordering"]) == {2, 3} and set(rows["replication"]) == {2, 3}
    assert len(rows) == 2 * (len(LEVERS) + 1) * 2
    ends = rows[rows["position"].isin([0, len(LEVERS)])]
    # Each ordering starts at single and ends at the target, on the same applicants.
    for _, same in ends.groupby(["position", "replication"]):
        assert same["lead_time_mean"].nunique() == 1
    values = shapley(rows, METRICS)
    for metric in METRICS:
        v = values[values["metric"] == metric].set_index("lever")["value"]
        assert v.drop("total").sum() == pytest.approx(v["total"], rel=1e-9)


def test_over_every_ordering_the_estimate_is_the_exact_shapley_value():
    """A deterministic trace (rare arrivals, fixed times) makes every design's value exact; the
    estimator over all 24 orderings must then equal the Shapley formula over subsets."""
    scenario = chain()
    value = {}
    for subset in itertools.chain.from_iterable(itertools.combinations(LEVERS, k) for k in range(5)):
        design = replace(SINGLE, **{lever: getattr(TARGET, lever) for lever in subset})
        value[frozenset(subset)] = summarise(run(scenario, design, 0, record_steps=False))
    rows = []
    for k, order in enumerate(itertools.permutations(LEVERS)):
        for position in range(len(LEVERS) + 1):
            metrics = value[frozenset(order[:position])]
            lever = order[position - 1] if position else ""
            rows.append(
                {"ordering": k, "pair": k, "position": position, "lever": lever, "replication": 0} | metrics
            )
    estimate = shapley(pd.DataFrame(rows), METRICS).set_index(["metric", "lever"])["value"]
    n = len(LEVERS)
    for metric in METRICS:
        start = value[frozenset()][metric]
        assert start > 0
        for lever in LEVERS:
            others = [x for x in LEVERS if x != lever]
            exact = sum(
                math.factorial(len(s))
                * math.factorial(n - len(s) - 1)
                / math.factorial(n)
                * (value[frozenset(s)][metric] - value[frozenset(s) | {lever}][metric])
                for k in range(n)
                for s in itertools.combinations(others, k)
            )
            assert estimate[metric, lever] == pytest.approx(100 * exact / start, abs=1e-9), (metric, lever)


def test_a_lever_that_cannot_act_gets_exactly_nothing():
    # No item has a committed limit: working to committed limits changes nothing.
    target = replace(TARGET, limits=FULL_STANDARD.limits)
    rows = run_pair(busy_chain(), SINGLE, target, seed=1, pair=0, replications=1)
    steps = marginals(rows, METRICS)
    assert (steps.loc[steps["lever"] == "limits", list(METRICS)] == 0).all().all()


@pytest.mark.parametrize(
    ("attribution", "key"),
    [(Attribution(towards="utopia"), "attribution.towards"), (Attribution(pair=-1), "attribution.pair")],
)
def test_a_bad_attribution_is_refused_with_its_key(attribution, key):
    with pytest.raises(ConfigError) as err:
        SimConfig(scenario=chain(), design=SINGLE, attribution=attribution)
    assert err.value.key == key


def test_an_attribution_towards_the_design_itself_is_refused():
    with pytest.raises(ConfigError, match="no lever to attribute"):
        SimConfig(scenario=chain(), design=FULL_STANDARD, attribution=Attribution(pair=0))


@pytest.mark.slow
def test_the_attribution_preset_runs_through_hydra_and_reports(tmp_path):
    out, text = study(tmp_path, "attribution", "attribution.pair=0,1")
    assert "Which lever gives how much (Shapley values)" in text
    assert "Whole need online, Service specialists" in text  # left out, named by their labels
    assert (out / "figures" / "shapley.svg").stat().st_size > 1000
    values = pd.read_csv(out / "collected" / "shapley.csv")
    assert set(values["pairs"]) == {2}
    for _, v in values.groupby("metric"):
        levers = v[v["lever"] != "total"]["value"].sum()
        assert levers == pytest.approx(v.loc[v["lever"] == "total", "value"].iloc[0], rel=1e-9)


def _one_clerk_chain():
    """The chain with one clerk per department: 0.2 applicants an hour offer department A's
    window 20 % of its hours and B's 40 % item by item; a merged dossier with data sharing and
    no one-stop window is handed in at A's window whole (1 + 2 hours), 60 %."""
    scenario = busy_chain()
    departments = {
        "A": Department(clerks=1, reviewers=9),
        "B": Department(clerks=1, reviewers=9, inspectors=9),
    }
    return replace(scenario, departments=departments, demand={"ab": 0.2})


def test_a_merged_dossier_without_the_one_stop_window_loads_its_first_departments_window():
    """What the loads before a run count is what the model hands in: the whole dossier at the
    window of its first item's department, read off the run's own utilisation."""
    scenario = _one_clerk_chain()
    merged = replace(SINGLE, checklist=Checklist.merged, data_sharing=True)
    single, bundled = offered_loads(scenario, SINGLE), offered_loads(scenario, merged)
    assert bundled["A.clerks"] == pytest.approx(3 * single["A.clerks"])
    assert bundled.get("B.clerks", 0.0) == 0.0 and single["B.clerks"] == pytest.approx(2 * single["A.clerks"])
    used = run(scenario, merged, 1, record_steps=False).resources.set_index("resource")["utilisation"]
    assert used["A.clerks"] == pytest.approx(bundled["A.clerks"], rel=0.1)


def test_an_ordering_through_a_broken_office_is_flagged_and_its_pair_left_out(tmp_path):
    """Orderings of pair 1 pass through a design that finishes 80 % of its cases; pair 2's
    through one offered 130 % of a pool's hours: both pairs are flagged, and the values come
    from the others, which still add up to their total."""
    rows = []
    for pair in range(4):
        for k in (2 * pair, 2 * pair + 1):
            order = ["window", "checklist"] if k % 2 == 0 else ["checklist", "window"]
            for position, lever in enumerate(["", *order]):
                broken = position == 1 and pair in (1, 2) and lever == "checklist"
                rows.append(
                    {
                        "ordering": k,
                        "pair": pair,
                        "position": position,
                        "lever": lever,
                        "replication": pair,
                        "finished_share": 0.8 if broken and pair == 1 else 1.0,
                        "busiest_pool": "A.clerks",
                        "busiest_load": 1.3 if broken and pair == 2 else 0.5,
                        "lead_time_working_days_mean": 10.0 - 2 * position - (3 if broken else 0) + pair,
                        "trips_mean": 5.0 - position,
                        "documents_mean": 8.0 - position,
                    }
                )
    rows = pd.DataFrame(rows)
    found = flagged(rows)
    assert set(found["pair"]) == {1, 2} and set(found["lever"]) == {"checklist"}
    assert found.set_index("pair").loc[1, "finished"] == 0.8
    assert found.set_index("pair").loc[2, "load"] == 1.3
    orderings = rows.assign(start="single", towards="full_standard")
    blocks = section(orderings, tmp_path / "figures", "", Labels())
    said = " ".join(str(b.content) for b in blocks if b.kind == "p")
    assert "Flagged: 2 ordering(s) of 4 pair(s)" in said and "left out of the values" in said
