"""The simulator itself, run as textbook queues, against queueing theory.

Each check uses independent replications and a t-based confidence interval of the
replication means; the interval must hold the theoretical value and be narrow enough
(relative half-width bound) that a wrong model could not slip through. The thirteen checks form
one family at 95 % confidence (Bonferroni: 1 - 0.05/13 each), so that a change that merely
reshuffles the random streams does not fail a correct model one time in three.
"""

from dataclasses import replace

import numpy as np
import pytest
from builders import exp, mmc, with_item
from scipy import stats

from sim import SINGLE, Department, Item, run
from sim.analysis.theory import erlang_c, mmc_sojourn, mmc_wait
from sim.domain.requests import RequestClass, Requests
from sim.domain.scenario import Specialists
from sim.experiment.metrics import steady_cases, summarise

CHECKS = 13  # waiting and utilisation for four M/M/c queues, four Jackson networks (one with feedback)
CONFIDENCE = 1 - 0.05 / CHECKS


def interval(values, confidence=CONFIDENCE):
    values = np.asarray(values, dtype=float)
    half = stats.t.ppf((1 + confidence) / 2, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))
    return values.mean() - half, values.mean() + half


def assert_in_interval(values, expected, max_relative_half_width):
    low, high = interval(values)
    assert low <= expected <= high, f"theory {expected:.4f} outside CI [{low:.4f}, {high:.4f}]"
    assert (high - low) / 2 <= max_relative_half_width * expected, "interval too wide to be a test"


def test_erlang_c_known_values():
    # Textbook values: one server is M/M/1 (P(wait) = rho); 2 servers at 1 erlang: 1/3.
    assert erlang_c(1, 0.7) == pytest.approx(0.7)
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    # 10 servers at 8 erlangs: 0.409 (standard call-centre tables).
    assert erlang_c(10, 8.0) == pytest.approx(0.4092, abs=1e-4)


@pytest.mark.parametrize(
    ("servers", "utilisation", "horizon", "reps"),
    # Heavy traffic relaxes slowly: longer runs, and a warm-up of a tenth of the horizon.
    [
        (1, 0.5, 10_000, 10),
        (2, 0.75, 10_000, 10),
        pytest.param(3, 0.9, 20_000, 12, marks=pytest.mark.slow),
        pytest.param(8, 0.95, 20_000, 12, marks=pytest.mark.slow),
    ],
)
def test_mmc_waiting_time_matches_erlang_c(servers, utilisation, horizon, reps):
    mean_service = 1.0
    rate = utilisation * servers / mean_service
    scenario = mmc(rate, mean_service, servers, horizon=horizon, warmup=horizon / 10)
    waits, utils = [], []
    for seed in range(1, reps + 1):
        result = run(scenario, SINGLE, seed, record_steps=False)
        waits.append(summarise(result)["waiting_mean"])
        utils.append(result.resources.set_index("resource").loc["office.clerks", "utilisation"])
    assert_in_interval(waits, mmc_wait(rate, mean_service, servers), max_relative_half_width=0.15)
    assert_in_interval(utils, utilisation, max_relative_half_width=0.03)


def test_littles_law_holds_for_cases_and_for_each_queue():
    """L = lambda W two ways: cases in the system (the model's own time-average against the
    case table) and each staff pool's queue (its monitor against the event log)."""
    scenario = mmc(2.0, 0.5, 2, horizon=20_000, warmup=500)
    scenario.departments["office"] = Department(clerks=2, reviewers=3)
    scenario.items["service"] = Item(department="office", intake=exp(0.5), review=exp(1.2), pickup=False)
    result = run(scenario, SINGLE, seed=7)
    window = scenario.horizon - scenario.warmup
    cases = steady_cases(result)
    assert result.info["mean_in_system"] == pytest.approx(2.0 * cases["lead_time"].mean(), rel=0.02)
    steps = result.steps[result.steps["enqueue"] >= scenario.warmup]
    resources = result.resources.set_index("resource")
    for pool, activity in (("office.clerks", "intake"), ("office.reviewers", "review")):
        s = steps[steps["activity"] == activity]
        arrival_rate = len(s) / window
        assert resources.loc[pool, "mean_queue"] == pytest.approx(
            arrival_rate * (s["start"] - s["enqueue"]).mean(), rel=0.03
        )


@pytest.mark.slow
def test_tandem_window_and_back_office_is_a_jackson_network():
    """Intake (M/M/2) then review (M/M/3): mean lead time is the sum of two M/M/c sojourns."""
    rate, intake, review = 1.5, 0.5, 1.6
    scenario = mmc(rate, intake, 2, horizon=20_000, warmup=1_000)
    scenario.departments["office"] = Department(clerks=2, reviewers=3)
    scenario = with_item(scenario, "service", review=exp(review))
    expected = mmc_sojourn(rate, intake, 2) + mmc_sojourn(rate, review, 3)
    leads = [
        summarise(run(scenario, SINGLE, seed, record_steps=False))["lead_time_mean"] for seed in range(1, 11)
    ]
    assert_in_interval(leads, expected, max_relative_half_width=0.05)


@pytest.mark.slow
def test_background_work_leaves_an_mmc_queue_at_the_reduced_capacity():
    """Reviewers giving a share b of every hour to other work serve cases at rate mu (1 - b): the
    review is an M/M/3 with mean work / (1 - b), and the pool is busy b + the rest's load (the
    offered load computed before the run says the same)."""
    from sim.domain.loads import offered_loads

    rate, intake, review, b = 1.5, 0.5, 0.9, 0.4
    scenario = mmc(rate, intake, 2, horizon=20_000, warmup=1_000)
    scenario.departments["office"] = Department(clerks=2, reviewers=3, background={"reviewers": b})
    scenario = with_item(scenario, "service", review=exp(review))
    stretched = review / (1 - b)
    expected = mmc_sojourn(rate, intake, 2) + mmc_sojourn(rate, stretched, 3)
    leads, utils = [], []
    for seed in range(1, 11):
        result = run(scenario, SINGLE, seed, record_steps=False)
        leads.append(summarise(result)["lead_time_mean"])
        utils.append(result.resources.set_index("resource").loc["office.reviewers", "utilisation"])
    assert_in_interval(leads, expected, max_relative_half_width=0.05)
    busy = b + (1 - b) * rate * stretched / 3
    assert_in_interval(utils, busy, max_relative_half_width=0.02)
    assert offered_loads(scenario, SINGLE)["office.reviewers"] == pytest.approx(busy)


@pytest.mark.slow
def test_rejected_dossiers_feed_back_to_the_window_as_in_a_jackson_network():
    """With rejection probability p the window sees rate/(1-p) visits; each visit is an
    M/M/c sojourn, each rejection an exponential preparation (an infinite-server station)."""
    rate, intake, review, p, prepare = 1.5, 0.5, 1.6, 0.3, 2.0
    scenario = mmc(rate, intake, 2, horizon=20_000, warmup=1_000)
    scenario.departments["office"] = Department(clerks=2, reviewers=3)
    scenario = with_item(scenario, "service", review=exp(review), p_incomplete=p, prepare=exp(prepare))
    visits = 1 / (1 - p)
    expected = (
        visits * mmc_sojourn(rate * visits, intake, 2) + (visits - 1) * prepare + mmc_sojourn(rate, review, 3)
    )
    leads = [
        summarise(run(scenario, SINGLE, seed, record_steps=False))["lead_time_mean"] for seed in range(1, 11)
    ]
    assert_in_interval(leads, expected, max_relative_half_width=0.05)


@pytest.mark.slow
def test_a_routed_back_office_with_loops_is_a_jackson_network_with_feedback():
    """Review (M/M/3) sends a file on to inspection (M/M/2) with probability 0.4, back to review
    with 0.1 (a re-review), else it is decided; a failed inspection (0.25) returns it to review.
    Visits solve v = e + P'v: review 1 / (1 - 0.1 - 0.4 x 0.25), inspection 0.4 x that; each
    visit is an M/M/c sojourn at the station's total rate, and each pool is busy rate x visits x
    work / staff (the offered load before the run says the same)."""
    from sim.domain.loads import offered_loads
    from sim.domain.routes import expected_visits
    from sim.domain.scenario import Step

    rate, intake, review, inspect = 1.0, 0.5, 1.2, 1.5
    scenario = mmc(rate, intake, 2, horizon=20_000, warmup=1_000)
    scenario.departments["office"] = Department(clerks=2, reviewers=3, inspectors=2)
    steps = [
        Step(name="review", work=exp(review), then={"inspection": 0.4, "review": 0.1}),
        Step(name="inspection", pool="inspectors", work=exp(inspect), then={"review": 0.25}),
    ]
    scenario = with_item(scenario, "service", steps=steps)
    v_review = 1 / (1 - 0.1 - 0.4 * 0.25)
    v_inspect = 0.4 * v_review
    assert expected_visits(scenario.items["service"]) == pytest.approx(
        {"review": v_review, "inspection": v_inspect}
    )
    expected = (
        mmc_sojourn(rate, intake, 2)
        + v_review * mmc_sojourn(rate * v_review, review, 3)
        + v_inspect * mmc_sojourn(rate * v_inspect, inspect, 2)
    )
    leads, utils, visits = [], [], []
    for seed in range(1, 11):
        result = run(scenario, SINGLE, seed, record_steps=True)
        leads.append(summarise(result)["lead_time_mean"])
        utils.append(result.resources.set_index("resource").loc["office.reviewers", "utilisation"])
        steps_ = result.steps[result.steps["activity"] == "review"]
        visits.append(len(steps_) / result.cases["case"].nunique())
    assert_in_interval(leads, expected, max_relative_half_width=0.05)
    busy = rate * v_review * review / 3
    assert_in_interval(utils, busy, max_relative_half_width=0.02)
    assert np.mean(visits) == pytest.approx(v_review, rel=0.02)
    assert offered_loads(scenario, SINGLE)["office.reviewers"] == pytest.approx(busy)


@pytest.mark.slow
def test_requests_through_the_tiers_form_a_jackson_network():
    """Requests: specialists (M/M/2), then for those the front cannot settle (Bernoulli split,
    so still Poisson) coordinators (M/M/2) and one department's reviewers (M/M/3). Mean time
    to close = front sojourn + (1 - p_front) x (middle sojourn + department sojourn)."""
    rate, front, p_front, analysis, work = 1.5, 1.0, 0.4, 1.5, 2.0
    scenario = replace(
        mmc(0.01, 0.5, 1, horizon=20_000, warmup=1_000),  # permits: a trickle at the window
        departments={"office": Department(clerks=1, reviewers=3)},
        specialists=Specialists(staff=2),
        requests=Requests(
            coordinators=2,
            classes={
                "r": RequestClass(
                    rate=rate,
                    front=exp(front),
                    p_front=p_front,
                    analysis=exp(analysis),
                    departments=["office"],
                    work=exp(work),
                    deadline_days=30_000,  # never reached: no escalation
                )
            },
        ),
    )
    onward = rate * (1 - p_front)
    expected = mmc_sojourn(rate, front, 2) + (1 - p_front) * (
        mmc_sojourn(onward, analysis, 2) + mmc_sojourn(onward, work, 3)
    )
    means = []
    for seed in range(1, 11):
        requests = run(scenario, SINGLE, seed, record_steps=False).requests
        means.append(requests.loc[requests["arrival"] >= 1_000, "time_to_close"].mean())
    assert_in_interval(means, expected, max_relative_half_width=0.05)


def test_offered_load_before_the_run_matches_the_utilisation_the_run_measures(compose):
    """The pre-run estimate (demand profile over open hours, reworks, shifts, calendars) against
    the simulated busy share of every pool, on the built-in scenario under both presets."""
    from sim.domain.loads import offered_loads

    for design in ("single", "bundled"):
        conf = compose([f"design={design}"])
        expected = offered_loads(conf.scenario, conf.design)
        measured = run(conf.scenario, conf.design, seed=1, record_steps=False).resources.set_index("resource")
        for pool, load in expected.items():
            assert measured.loc[pool, "utilisation"] == pytest.approx(load, abs=0.05), (design, pool)
    assert offered_loads(mmc(2.7, 1.0, 3, horizon=1_000, warmup=0), SINGLE) == {
        "office.clerks": pytest.approx(0.9)
    }
