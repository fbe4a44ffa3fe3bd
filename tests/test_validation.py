"""Bad input is refused before anything runs, with the config key and what is wrong."""

import re
import subprocess
import sys
from dataclasses import FrozenInstanceError, replace

import numpy as np
import pytest
from builders import mmc, with_item

from sim import ConfigError, Dist, DistKind
from sim.experiment.preflight import check
from sim.experiment.stats import interval, t_interval

BAD = [
    (
        ["scenario.items.food_permit.department=police"],
        "scenario.items.food_permit.department",
        "unknown department 'police'",
    ),
    (
        ["scenario.needs.register_business=[business_licence,bakery]"],
        "scenario.needs.register_business[1]",
        "unknown item 'bakery'",
    ),
    (
        ["scenario.items.tax_registration.documents=[tax_form,passport]"],
        "scenario.items.tax_registration.documents[1]",
        "unknown document 'passport'",
    ),
    (
        ["scenario.items.fire_check.prerequisites=[nothing]"],
        "scenario.items.fire_check.prerequisites[0]",
        "unknown item 'nothing'",
    ),
    (
        ["scenario.departments.tax.reviewers=0"],
        "scenario.departments.tax.reviewers",
        "staff must be a whole number from 1",
    ),
    (["scenario.one_stop.clerks=-2"], "scenario.one_stop.clerks", "staff must be a whole number from 1"),
    (
        ["scenario.departments.market.inspectors=0"],
        "scenario.items.food_permit.steps[1].pool",
        "has no inspectors",
    ),
    (
        ["scenario.items.food_permit.p_incomplete=1.5"],
        "scenario.items.food_permit.p_incomplete",
        "must be a probability in [0, 1)",
    ),
    (
        ["scenario.items.food_permit.steps.1.probability=-0.1"],
        "scenario.items.food_permit.steps[1].probability",
        "must be a probability in [0, 1]",
    ),
    (
        ["scenario.items.business_licence.intake.mean=-1"],
        "scenario.items.business_licence.intake.mean",
        "must be >= 0",
    ),
    (
        ["scenario.items.business_licence.steps.0.work.cv=0"],
        "scenario.items.business_licence.steps[0].work.cv",
        "must be > 0",
    ),
    (
        ["scenario.items.business_licence.steps.0.work.mode=1"],
        "scenario.items.business_licence.steps[0].work.mode",
        "not a parameter of a lognormal",
    ),
    (["scenario.mail.value=nan"], "scenario.mail.value", "must be a finite number"),
    (["scenario.demand.open_restaurant=0"], "scenario.demand.open_restaurant", "must be a finite number > 0"),
    (
        ["scenario.demand.open_restaurant=-3"],
        "scenario.demand.open_restaurant",
        "must be a finite number > 0",
    ),
    (["+scenario.demand.open_cafe=1"], "scenario.demand.open_cafe", "unknown need 'open_cafe'"),
    (["scenario.needs.register_business=[]"], "scenario.needs.register_business", "at least one item"),
    (
        ["scenario.items.business_licence.prerequisites=[food_permit]"],
        "scenario.items",
        "prerequisites form a cycle",
    ),
    (["scenario.warmup=9000"], "scenario.warmup", "must be shorter than horizon"),
    (["scenario.horizon=0"], "scenario.horizon", "must be a number of hours > 0"),
    (
        ["scenario.items.tax_registration.prepare=null"],
        "scenario.items.tax_registration.prepare",
        "required when p_incomplete > 0",
    ),
    (["seed=-1"], "seed", "must be a whole number from 0 to 2^63 - 1"),
    # The back office: the four bad inputs, and a bundle limit for no need.
    (
        ["scenario.items.food_permit.committed_days=25"],
        "scenario.items.food_permit.committed_days",
        "must not exceed the statutory limit_days (20)",
    ),
    (
        ["scenario.items.food_permit.steps.0.batch.at=[18:30]"],
        "scenario.items.food_permit.steps[0].batch.at[0]",
        "18:30 is outside the open hours of calendar 'office'",
    ),
    (
        ["scenario.items.food_permit.steps.2.pool=committee"],
        "scenario.items.food_permit.steps[2].pool",
        "unknown pool 'committee'",
    ),
    (
        ["scenario.departments.market.background.reviewers=1"],
        "scenario.departments.market.background.reviewers",
        "1 or more leaves no time for cases",
    ),
    (["+scenario.bundle_limits.open_cafe=5"], "scenario.bundle_limits.open_cafe", "unknown need 'open_cafe'"),
    (
        ["+scenario.held_by.passport=public_security"],
        "scenario.held_by.passport",
        "unknown document 'passport'",
    ),
    (["scenario.forms=[tax_form,passport]"], "scenario.forms[1]", "unknown document 'passport'"),
    (["scenario.one_form_share=1.5"], "scenario.one_form_share", "must be a share in [0, 1]"),
]


@pytest.mark.parametrize(("overrides", "key", "message"), BAD, ids=[b[1] + ":" + b[2][:20] for b in BAD])
def test_bad_value_is_refused_with_its_key(compose, overrides, key, message):
    with pytest.raises(ConfigError) as err:
        compose(overrides)
    assert err.value.key == key
    assert message in err.value.problem


def test_plain_python_input_is_checked_when_made_and_cannot_be_changed_after(compose):
    scenario = compose([]).scenario
    departments = scenario.departments | {"tax": replace(scenario.departments["tax"], clerks=0)}
    with pytest.raises(ConfigError, match=r"scenario.departments.tax.clerks: staff must"):
        replace(scenario, departments=departments)
    with pytest.raises(FrozenInstanceError):
        scenario.departments["tax"].clerks = 0
    with pytest.raises(FrozenInstanceError):
        scenario.horizon = -1


def message_chain(err: BaseException) -> str:
    parts = []
    while err is not None:
        parts.append(str(err))
        err = err.__cause__
    return "\n".join(parts)


@pytest.mark.parametrize(
    ("override", "fragment"),
    [
        ("scenario.departments.tax.reviewrs=3", "unknown key 'reviewrs'; did you mean 'reviewers'?"),
        ("scenario.departments.tax.clerks=abc", "must be a whole number, got 'abc' (str)"),
        ("design.window=two_stop", "Invalid value 'two_stop', expected one of [per_department, one_stop]"),
    ],
)
def test_typos_and_wrong_types_are_caught_before_anything_runs(compose, override, fragment):
    with pytest.raises(Exception) as err:
        compose([override])
    assert fragment in message_chain(err.value)
    assert override.split("=")[0] in message_chain(err.value)


def cli(tmp_path, *overrides):
    return subprocess.run(
        [sys.executable, "-m", "sim", f"hydra.run.dir={tmp_path}", *overrides],
        capture_output=True,
        text=True,
        check=False,
    )


def test_cli_exits_2_with_one_message_and_writes_no_results(tmp_path):
    done = cli(tmp_path / "run", "scenario.items.food_permit.p_incomplete=2")
    assert done.returncode == 2
    output = done.stdout + done.stderr
    assert "config error: scenario.items.food_permit.p_incomplete: must be a probability" in output
    assert "Traceback" not in output
    assert not list((tmp_path / "run").glob("*.parquet")) and not (tmp_path / "run" / "summary.json").exists()


def test_cli_writes_tables_and_summary(tmp_path):
    done = cli(
        tmp_path / "run",
        "design=bundled",
        "seed=3",
        "scenario.horizon=400",
        "scenario.warmup=0",
        "scenario.departments.market.reviewers=9",
    )
    assert done.returncode == 0, done.stderr
    out = tmp_path / "run"
    for name in ("cases.parquet", "steps.parquet", "resources.parquet", "summary.json", ".hydra/config.yaml"):
        assert (out / name).exists(), name
    assert "restaurant / bundled / staffing x1 / 1 replication(s)" in done.stdout + done.stderr


@pytest.mark.parametrize("plus", ["", "+"])
def test_a_misspelt_key_is_refused_with_the_nearest_one_with_or_without_plus(tmp_path, plus):
    done = cli(tmp_path / "run", f"{plus}scenario.departments.market.reviewrs=3")
    assert done.returncode == 2
    key = "scenario.departments.market.reviewrs"
    assert f"config error: {key}: unknown key 'reviewrs'; did you mean 'reviewers'?" in done.stderr
    assert not (tmp_path / "run").exists()


def test_an_overloaded_pool_is_refused_before_anything_runs_unless_allowed(tmp_path):
    """At x0.75 the restaurant's market clerks are offered 105 % of their hours (offered_loads,
    checked against the runs' utilisation in test_theory): refused with the pool's key and exit 2;
    with allow_overload=true it runs, names the busiest pool, and says what a short drain left open."""
    refused = cli(tmp_path / "refused", "staffing.scale=0.75")
    assert refused.returncode == 2
    assert (
        "config error: scenario.departments.market.clerks: offered 105 % of its staffed hours"
        in refused.stderr
    )
    assert "allow_overload=true" in refused.stderr and not (tmp_path / "refused").exists()
    allowed = cli(
        tmp_path / "allowed",
        "staffing.scale=0.75",
        "allow_overload=true",
        "scenario.horizon=1000",
        "scenario.drain=0",
    )
    assert allowed.returncode == 0, allowed.stderr
    log = allowed.stdout + allowed.stderr
    assert "busiest pool: market.clerks" in log
    assert re.search(r"\d+ of \d+ cases were still open when the run stopped", log)
    assert "nan h" not in log


def test_every_overloaded_pool_is_named_at_once_with_its_load():
    """At half staffing six of the restaurant's pools are offered more than their hours: one
    refusal names them all, the most loaded first, so a planner adds the staff in one go."""
    with pytest.raises(ConfigError) as refused:
        check(["staffing.scale=0.5"])
    said = str(refused.value)
    named = re.findall(r"(scenario\.departments\.\w+\.\w+): offered (\d+) %", said)
    assert len(named) == 6 and named[0][0] == "scenario.departments.market.inspectors", said
    loads = [int(load) for _, load in named]
    assert loads == sorted(loads, reverse=True) and min(loads) >= 100
    assert "each queue would grow" in said


def test_a_busy_pool_is_named_before_the_run(tmp_path):
    # The market's reviewers give half their hours to other work and 34 % to cases: review work
    # x1.05 takes them from 84 % to 86 % of their hours.
    done = cli(tmp_path / "run", "scenario.horizon=1000", "estimates.review=1.05")
    assert done.returncode == 0, done.stderr
    assert (
        "warning: market.reviewers is offered up to 86 % of its staffed hours in 1 of 1 job(s)" in done.stderr
    )


def test_a_staffing_level_that_rounding_leaves_unchanged_is_named(tmp_path):
    done = cli(tmp_path / "run", "staffing.scale=1.25", "scenario.horizon=1000")
    assert done.returncode == 0, done.stderr
    assert "warning: staffing x1.25 leaves" in done.stderr and "market.leaders 1" in done.stderr
    assert "housing_construction" not in done.stderr  # a pool the scenario never uses is not listed


def test_the_pools_a_scenario_uses_and_their_headcounts(compose):
    from sim.domain.loads import headcount, used_pools

    restaurant = compose([]).scenario
    assert used_pools(restaurant) == sorted(
        [f"{d}.{p}" for d in ("city", "fire", "market") for p in ("clerks", "leaders", "reviewers")]
        + ["fire.inspectors", "market.inspectors", "one_stop.clerks", "tax.clerks", "tax.reviewers"]
    )
    requests = compose(["scenario=district_requests"]).scenario
    assert {"specialists", "coordinators"} <= set(used_pools(requests))
    assert headcount(requests, "specialists") == requests.specialists.staff
    assert headcount(compose(["staffing.scale=1.5"]).scenario, "market.leaders") == 2  # 1.5 rounds up


def test_nothing_finished_is_said_in_words_not_nan(tmp_path):
    done = cli(tmp_path / "run", "scenario.horizon=60", "scenario.warmup=50", "scenario.drain=0")
    assert done.returncode == 0, done.stderr
    log = done.stdout + done.stderr
    assert "no case finished after the warm-up" in log and not re.search(r"\bnan\b", log, re.IGNORECASE)


def test_expected_work_is_bounded_and_the_bound_can_be_raised_explicitly():
    heavy = {"p_incomplete": 0.9999, "prepare": Dist(dist=DistKind.deterministic, value=1.0)}
    with pytest.raises(ConfigError) as err:
        with_item(mmc(2.0, 0.5, 2, horizon=10_000, warmup=0), "service", **heavy)
    assert err.value.key == "scenario.items.service.p_incomplete"
    assert "10,000 times on average" in err.value.problem and "work_limit" in err.value.problem
    scenario = replace(mmc(2.0, 0.5, 2, horizon=10_000, warmup=0), work_limit=1e9)
    assert with_item(scenario, "service", **heavy).work_limit == 1e9


def test_a_committee_sent_more_files_than_its_sittings_hear_is_refused():
    """The construction items' committees sit weekly and hear at most 8 files (4.5 % of that is
    sent to them at the district's demand). Thirty times the demand with fifty times the staff
    keeps every pool under its hours but sends a committee 135 % of what it may hear: refused
    before anything runs, with the capacity's key; a Huli-sized district with its committee kept
    at 8 left 4,963 cases open after an 8,000-hour drain."""
    overrides = ["scenario=construction", "staffing.scale=50", "scenario.demand.construction=0.3"]
    with pytest.raises(ConfigError, match=r"scenario\.items\.\w+\.steps\[1\]\.batch\.capacity: 13\d %"):
        check(overrides)
    assert check([*overrides, "allow_overload=true"]).run is not None
    assert check(["scenario=construction"]).run is not None


@pytest.mark.parametrize(
    "values", [[0.0, 0.0, 0.05], [1.0, 0.97, 0.99], [0.0, 0.0, 0.0, 0.2], [0.5, 0.6, 0.4]]
)
def test_a_shares_interval_stays_inside_0_and_1_and_is_the_t_interval_far_from_them(values):

    mean, low, high = interval("on_time_share", values)
    assert 0 <= low <= mean <= high <= 1
    wide = np.random.default_rng(3).normal(0.5, 0.02, 30)
    assert interval("finished_share", wide)[1:] == pytest.approx(t_interval(wide)[1:], abs=1e-3)
    assert interval("lead_time_mean", [-1.0, 1.0]) == t_interval([-1.0, 1.0])  # not a share


def test_a_sweep_whose_folder_name_would_be_too_long_is_refused(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "sim", "--multirun", "design=single,bundled", f"scenario.name={'x' * 60}",
         *(f"scenario.departments.{d}.reviewers=20" for d in ("market", "fire", "tax", "city")),
         "seed=12345678", "scenario.horizon=500", f"hydra.sweep.dir={tmp_path / 'out'}"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 2 and "would be" in done.stderr and "(at most 255)" in done.stderr
    assert not (tmp_path / "out").exists()
