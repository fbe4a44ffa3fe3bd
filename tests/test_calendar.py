"""Working calendars: hand-computed times across lunch, nights, weekends and holidays; work
only while open; 24/7 equals no calendar; arrivals follow the configured hourly profile."""

import datetime as dt
import math
from dataclasses import replace

import numpy as np
import pytest
from builders import chain, det, with_item
from scipy import stats

from sim import SINGLE, Dist, DistKind, run
from sim.domain.calendars import Calendar, WorkingTime
from sim.domain.checks import validate
from sim.domain.errors import ConfigError
from sim.domain.scenario import AtClosing, Hours, Profile

WEEK = ("mon", "tue", "wed", "thu", "fri")
OFFICE = Calendar(open={d: ["09:00-12:00", "13:30-17:30"] for d in WEEK}, holidays=["2024-01-02"])
MON = 0.0  # 2024-01-01 is a Monday; time is hours from its midnight


@pytest.fixture(scope="module")
def office():
    return WorkingTime(OFFICE, dt.date(2024, 1, 1), 24 * 60)


@pytest.mark.parametrize(
    ("start", "work", "end", "why"),
    [
        (MON + 10, 1, MON + 11, "within the morning"),
        (MON + 11, 2, MON + 14.5, "1 h before lunch, 1 h after 13:30"),
        (MON + 16, 3, 48 + 10.5, "1.5 h Monday, Tuesday is a holiday, 1.5 h Wednesday"),
        (4 * 24 + 17 + 168, 2, 14 * 24 + 10.5, "Friday 12th 17:00: 0.5 h, weekend, Monday 15th 9:00 + 1.5 h"),
        (5 * 24 + 10, 1, 7 * 24 + 10, "asked on Saturday: starts Monday 9:00"),
        (MON + 20, 0, MON + 20, "no work takes no time, even when closed"),
    ],
)
def test_work_pauses_while_closed(office, start, work, end, why):
    assert office.finish(start, work) == pytest.approx(end), why


def test_openings_and_working_days(office):
    assert office.next_open(MON + 12.5) == MON + 13.5  # lunch
    assert office.next_open(MON + 18) == 48 + 9  # Tuesday is a holiday
    assert office.next_close(MON + 9) == MON + 12
    assert office.day_hours == 7
    # Monday 9:00 to Friday 17:30 with Tuesday off: 4 working days of 7 h.
    hours = office.open_hours_between(np.array([MON + 9]), np.array([4 * 24 + 17.5]))
    assert hours[0] == pytest.approx(28)


def test_work_that_outlasts_the_calendar_never_finishes_within_the_run(office):
    assert office.finish(MON + 10, 7 * 70) == math.inf  # 70 working days in a 60-day span
    assert office.next_open(24 * 70) == math.inf
    slow = calendar_chain(horizon=24 * 7 * 4)
    slow = with_item(slow, "c", review=Dist(dist=DistKind.deterministic, value=800_000.0))
    cases = run(slow, SINGLE, seed=1).cases
    assert len(cases) and not cases["finished"].any()  # left open, not a crash


def test_make_up_workday_opens_a_saturday():
    cal = replace(OFFICE, workdays=["2024-01-06"])
    w = WorkingTime(cal, dt.date(2024, 1, 1), 24 * 30)
    assert w.next_open(5 * 24 + 8) == 5 * 24 + 9


def calendar_chain(**changes):
    settings = {
        "calendars": {"office": OFFICE},
        "hours": Hours(windows="office", back_office="office"),
        "demand": {"cd": 0.2},
        "horizon": 24 * 7 * 30,
    }
    scenario = chain(**(settings | changes))
    return replace(scenario, needs={**scenario.needs, "cd": ["c"]})


def open_at(hours: WorkingTime, t: np.ndarray) -> np.ndarray:
    return np.array([hours.next_open(x) == x for x in t])


def test_applicants_come_and_staff_work_only_while_open(office):
    r = run(calendar_chain(), SINGLE, seed=3)
    assert len(r.cases) > 100
    w = WorkingTime(OFFICE, dt.date(2024, 1, 1), 24 * 7 * 40)
    assert open_at(w, r.cases["arrival"].to_numpy()).all()
    steps = r.steps
    work = steps[steps["activity"].isin(["intake", "review"])]
    assert open_at(w, work["start"].to_numpy()).all()
    # Each step took exactly its work in open hours: 1 h intake, 10 h review.
    expected = np.where(work["activity"] == "intake", 1.0, 10.0)
    took = w.open_hours_between(work["start"].to_numpy(), work["end"].to_numpy())
    np.testing.assert_allclose(took, expected, atol=1e-9)
    pickups = steps[steps["activity"] == "pickup"]
    assert open_at(w, pickups["start"].to_numpy()).all()
    # Lead time in working days counts open hours only.
    cases = r.cases
    days = w.open_hours_between(cases["arrival"].to_numpy(), cases["completion"].to_numpy()) / 7
    np.testing.assert_allclose(cases["lead_time_working_days"], days)
    assert (cases["lead_time_working_days"] <= cases["lead_time_days"] + 1e-9).all()
    assert str(cases["arrival_date"].iloc[0].date()) >= "2024-01-01"


def test_statutory_clock_runs_in_working_days():
    scenario = calendar_chain()
    scenario = with_item(scenario, "c", limit_days=2.0)  # review takes 10 h: 1.43 working days
    decisions = run(scenario, SINGLE, seed=4).decisions
    np.testing.assert_allclose(decisions["working_days"], 10 / 7)
    assert decisions["on_time"].all()
    tight = run(with_item(scenario, "c", limit_days=1.0), SINGLE, seed=4).decisions
    assert not tight["on_time"].any()


def test_send_home_at_closing_costs_a_lost_trip():
    busy = calendar_chain(demand={"cd": 3.0}, horizon=24 * 7 * 2, at_closing=AtClosing.send_home)
    busy = with_item(busy, "c", intake=det(0.5))
    busy.departments["A"] = replace(busy.departments["A"], clerks=1)
    served = run(replace(busy, at_closing=AtClosing.serve), SINGLE, seed=5).cases
    sent = run(busy, SINGLE, seed=5).cases
    assert (served["trips"] == 2).all()  # submit and collect
    assert (sent["trips"] > 2).any() and (sent["trips"] >= 2).all()


def test_round_the_clock_calendar_matches_no_calendar():
    always = Calendar(open={d: ["00:00-24:00"] for d in (*WEEK, "sat", "sun")})
    base = chain(demand={"ab": 0.2}, horizon=2_000)
    plain = run(base, SINGLE, seed=6)
    timed = run(
        replace(base, calendars={"all": always}, hours=Hours(windows="all", back_office="all")),
        SINGLE,
        seed=6,
    )
    for column in ("trips", "documents", "reworks", "need"):
        assert plain.cases[column].tolist() == timed.cases[column].tolist()
    np.testing.assert_allclose(plain.cases["lead_time"], timed.cases["lead_time"], rtol=1e-9)


def profiled_arrivals(build, hourly, daily, rate, weeks, seed) -> np.ndarray:
    scenario = build(
        demand={"cd": rate},
        demand_profile=Profile(hour_of_day=hourly, day_of_week=daily),
        horizon=24 * 7 * weeks,
        drain=0,
    )
    return run(scenario, SINGLE, seed=seed, record_steps=False).cases["arrival"].to_numpy()


def assert_poisson_counts(checks: list[tuple[np.ndarray, float]]) -> None:
    """Each mask's count within its Poisson interval, the checks one family at 95 %."""
    alpha = 0.05 / len(checks)
    for mask, expected in checks:
        if expected == 0:
            assert mask.sum() == 0
        else:
            low, high = stats.poisson.interval(1 - alpha, expected)
            assert low <= mask.sum() <= high, (mask.sum(), expected)


def test_arrivals_follow_the_hourly_and_weekly_profile():
    hourly = [0.0] * 8 + [1.0, 2.0, 3.0, 1.0, 0.0, 0.5, 2.0, 1.0, 0.5] + [0.0] * 7
    daily = [1.0, 1.0, 1.0, 1.0, 2.0, 0.0, 0.0]
    rate, weeks = 2.0, 40
    arrivals = profiled_arrivals(chain, hourly, daily, rate, weeks, seed=7)
    hour = (arrivals % 24).astype(int)
    weekday = (arrivals // 24).astype(int) % 7
    checks = [(hour == h, rate * hourly[h] * sum(daily) * weeks) for h in range(24)]
    checks += [(weekday == d, rate * sum(hourly) * daily[d] * weeks) for d in range(7)]
    assert_poisson_counts(checks)


def test_arrivals_come_only_while_the_windows_are_open_at_the_profiled_rate():
    """The arrival clock runs in the windows' open hours: nobody arrives at night, at lunch, at
    weekends or on the holiday, and each open clock hour gets rate x profile."""
    hourly = [0.0] * 9 + [1.0, 2.0, 1.0, 1.0, 3.0, 1.0, 1.0, 0.5] + [0.0] * 7  # 12:00 lies in lunch
    daily = [1.0, 1.0, 1.0, 1.0, 2.0, 1.0, 1.0]
    rate, weeks = 2.0, 30
    arrivals = profiled_arrivals(calendar_chain, hourly, daily, rate, weeks, seed=8)
    assert open_at(WorkingTime(OFFICE, dt.date(2024, 1, 1), 24 * 7 * (weeks + 1)), arrivals).all()
    # The share of each clock hour that is open; Fridays count double, the holiday is a Tuesday.
    open_share = {9: 1, 10: 1, 11: 1, 13: 0.5, 14: 1, 15: 1, 16: 1, 17: 0.5}
    weighted_days = (5 * weeks - 1) + weeks
    hour = (arrivals % 24).astype(int)
    friday = (arrivals // 24).astype(int) % 7 == 4
    checks = [(hour == h, rate * hourly[h] * share * weighted_days) for h, share in open_share.items()]
    checks.append((friday, 2 * rate * weeks * sum(hourly[h] * s for h, s in open_share.items())))
    assert_poisson_counts(checks)


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"hours": Hours(windows="nope")}, "scenario.hours.windows"),
        (
            {"calendars": {"office": Calendar(open={"mon": ["9-12"]})}},
            "scenario.calendars.office.open.mon[0]",
        ),
        (
            {"calendars": {"office": Calendar(open={"mon": ["12:00-09:00"]})}},
            "scenario.calendars.office.open.mon[0]",
        ),
        (
            {"calendars": {"office": Calendar(open={"funday": ["09:00-12:00"]})}},
            "scenario.calendars.office.open.funday",
        ),
        ({"calendars": {"office": Calendar(open={})}}, "scenario.calendars.office.open"),
        (
            {"calendars": {"office": replace(OFFICE, holidays=["2024-13-01"])}},
            "scenario.calendars.office.holidays[0]",
        ),
        ({"start_date": "January"}, "scenario.start_date"),
        ({"demand_profile": Profile(hour_of_day=[1.0] * 23)}, "scenario.demand_profile.hour_of_day"),
        ({"demand_profile": Profile(day_of_week=[0.0] * 7)}, "scenario.demand_profile.day_of_week"),
    ],
)
def test_bad_calendars_are_refused_with_their_key(change, key):
    with pytest.raises(ConfigError) as err:
        validate(replace(chain(), **change))
    assert err.value.key == key


def test_shifts_change_staff_at_clock_times_without_preempting():
    """One clerk 09:00-13:30, three otherwise: a morning service starts only when no other is
    in progress, and the pool's mean staff is the time-weighted count."""
    scenario = chain(demand={"cd": 1.5}, horizon=24 * 60, shifts={"A.clerks": {"09:00": 1, "13:30": 3}})
    scenario = replace(scenario, needs={**scenario.needs, "cd": ["c"]})
    scenario = with_item(scenario, "c", intake=Dist(dist=DistKind.exponential, mean=1.0), review=None)
    r = run(scenario, SINGLE, seed=8)
    intake = r.steps[r.steps["activity"] == "intake"][["start", "end"]].to_numpy()
    morning = [(s, e) for s, e in intake if 9 <= s % 24 < 13.5]
    assert len(morning) > 100
    for s, _ in morning:
        busy = ((intake[:, 0] < s) & (intake[:, 1] > s)).sum()
        assert busy == 0, "a morning service started while another was in progress"
    pool = r.resources.set_index("resource").loc["A.clerks"]
    assert pool["capacity"] == pytest.approx((4.5 * 1 + 19.5 * 3) / 24, rel=1e-6)
    afternoon = [(s, e) for s, e in intake if 14 <= s % 24 < 23]
    overlaps = max(((intake[:, 0] <= s) & (intake[:, 1] > s)).sum() for s, _ in afternoon)
    assert overlaps == 3  # three clerks at work at once in the afternoon


@pytest.mark.parametrize(
    ("shifts", "key"),
    [
        ({"A.cooks": {"09:00": 2}}, "scenario.shifts.A.cooks"),
        ({"A.clerks": {"9am": 2}}, "scenario.shifts.A.clerks.9am"),
        ({"A.clerks": {"09:00": 0}}, "scenario.shifts.A.clerks.09:00"),
        ({"A.clerks": {}}, "scenario.shifts.A.clerks"),
    ],
)
def test_bad_shifts_are_refused_with_their_key(shifts, key):
    with pytest.raises(ConfigError) as err:
        validate(chain(shifts=shifts))
    assert err.value.key == key


def test_profile_weighted_open_hours_agree_with_an_hour_by_hour_sum():
    """weighted_hours (vectorised) against the plain sum over each clock hour's open part."""
    from sim.domain.calendars import weighted_hours

    rng = np.random.default_rng(7)
    for _ in range(100):
        edges = np.sort(rng.uniform(0, 500, 2 * rng.integers(1, 7)))
        spans = [(float(a), float(b)) for a, b in edges.reshape(-1, 2)]
        hourly, daily, weekday = rng.random(24), rng.random(7), int(rng.integers(7))
        expected = 0.0
        for a, b in spans:
            for h in range(int(a), math.ceil(b)):
                expected += (min(b, h + 1) - max(a, h)) * hourly[h % 24] * daily[(weekday + h // 24) % 7]
        assert weighted_hours(spans, weekday, list(hourly), list(daily)) == pytest.approx(expected)
