"""The checks a scenario passes when it is made; each failure names the config key at fault."""

from __future__ import annotations

import datetime as dt
import graphlib
import math
import zoneinfo
from typing import TYPE_CHECKING

from sim.domain import bounds, provenance, requests, routes
from sim.domain.bounds import FIRST_DATE, LAST_DATE, MAX_SIZE
from sim.domain.calendars import WEEKDAYS, holiday_date, open_spans, parse_clock, periods, weighted_hours
from sim.domain.distributions import check
from sim.domain.errors import ConfigError
from sim.domain.names import check_names, is_name, known

if TYPE_CHECKING:  # a Scenario runs these checks when it is made
    from sim.domain.scenario import Item, Scenario, Step

BACK_OFFICE_ROLES = ("reviewers", "inspectors", "leaders")


MAX_WEEKS = 5300  # a century of weekly multipliers


def validate(scenario: Scenario, key: str = "scenario") -> None:
    """Raise ConfigError for the first problem found in ``scenario``."""
    s = scenario
    check_names([s.name], f"{key}.name", keyed=False)
    check_names(s.needs, f"{key}.needs")
    check_names(s.calendars, f"{key}.calendars")
    check_names(s.documents, f"{key}.documents")
    check_names(s.departments, f"{key}.departments")
    check_names(s.items, f"{key}.items")
    bounds.staff(s.one_stop.clerks, f"{key}.one_stop.clerks", minimum=1)
    _calendars(s, key)
    for name, dept in s.departments.items():
        k = f"{key}.departments.{name}"
        bounds.staff(dept.clerks, f"{k}.clerks", minimum=1)
        bounds.staff(dept.reviewers, f"{k}.reviewers", minimum=1)
        bounds.staff(dept.inspectors, f"{k}.inspectors", minimum=0)
        bounds.staff(dept.leaders, f"{k}.leaders", minimum=0)
        for role, share in dept.background.items():
            if role not in BACK_OFFICE_ROLES:
                raise ConfigError(
                    f"{k}.background.{role}", f"unknown back-office pool; use {', '.join(BACK_OFFICE_ROLES)}"
                )
            if not (math.isfinite(share) and 0 <= share < 1):
                raise ConfigError(
                    f"{k}.background.{role}",
                    f"must be a share of the pool's hours in [0, 1) (1 or more leaves no time for cases), "
                    f"got {share}",
                )
    for name in s.items:
        _item(s, name, f"{key}.items.{name}")
    try:
        graphlib.TopologicalSorter({n: s.prerequisites(n) for n in s.items}).prepare()
    except graphlib.CycleError as e:
        cycle = " -> ".join(e.args[1])
        raise ConfigError(f"{key}.items", f"prerequisites form a cycle: {cycle}") from None
    for need, members in s.needs.items():
        k = f"{key}.needs.{need}"
        if not members:
            raise ConfigError(k, "a need must list at least one item")
        for i, item in enumerate(members):
            if item not in s.items:
                raise ConfigError(f"{k}[{i}]", f"unknown item '{item}'{known(s.items)}")
        if len(set(members)) != len(members):
            raise ConfigError(k, "lists an item twice")
    for doc, holder in s.held_by.items():
        k = f"{key}.held_by.{doc}"
        if doc not in s.documents:
            raise ConfigError(k, f"unknown document '{doc}'{known(s.documents)}")
        if not is_name(holder):  # any issuing body
            raise ConfigError(k, f"name the body that holds it (letters, digits, '_', '-'), got {holder!r}")
    for i, doc in enumerate(s.forms):
        if doc not in s.documents:
            raise ConfigError(f"{key}.forms[{i}]", f"unknown document '{doc}'{known(s.documents)}")
    if not 0 <= s.one_form_share <= 1:
        raise ConfigError(f"{key}.one_form_share", f"must be a share in [0, 1], got {s.one_form_share}")
    for need, days in s.bundle_limits.items():
        k = f"{key}.bundle_limits.{need}"
        if need not in s.needs:
            raise ConfigError(k, f"unknown need '{need}'{known(s.needs)}")
        bounds.days(days, k)
    if not s.demand:
        raise ConfigError(f"{key}.demand", "give an arrival rate (per hour) for at least one need")
    if not (math.isfinite(s.size) and 0 < s.size <= MAX_SIZE):
        raise ConfigError(f"{key}.size", f"must be a multiplier > 0 and at most {MAX_SIZE:,}, got {s.size}")
    for need, rate in s.demand.items():
        k = f"{key}.demand.{need}"
        if need not in s.needs:
            raise ConfigError(k, f"unknown need '{need}'{known(s.needs)}")
        if not (math.isfinite(rate) and rate > 0):
            raise ConfigError(k, f"arrival rate must be a finite number > 0 per hour, got {rate}")
    _channels(s, key)
    requests.check(s, key)
    provenance.check(s.provenance, s, f"{key}.provenance")
    for name in ("mail", "pickup_delay"):
        if getattr(s, name) is not None:
            check(getattr(s, name), f"{key}.{name}")
    bounds.hours(s.horizon, f"{key}.horizon", positive=True)
    bounds.hours(s.warmup, f"{key}.warmup")
    bounds.hours(s.drain, f"{key}.drain")
    _dates(s, key)
    _work(s, key)
    _someone_comes(s, key)
    if s.warmup >= s.horizon:
        raise ConfigError(f"{key}.warmup", f"must be shorter than horizon ({s.horizon}), got {s.warmup}")


def _work(s: Scenario, key: str) -> None:
    """Bound the work a run would do before it starts: every candidate arrival (at the demand
    profile's peak rate, before thinning) times the submissions each of its items takes on
    average (1 / (1 - p_incomplete)), and every request."""
    for name in ("work_limit", "backlog_limit"):
        if not (math.isfinite(getattr(s, name)) and getattr(s, name) > 0):
            raise ConfigError(f"{key}.{name}", f"must be a number > 0, got {getattr(s, name)}")
    profile = s.demand_profile
    peak = profile.peak() if profile else 1.0
    submissions = {name: 1 / (1 - item.p_incomplete) for name, item in s.items.items()}
    per_hour = sum(rate * sum(submissions[i] for i in s.needs[need]) for need, rate in s.demand.items())
    per_hour += sum(c.rate for c in s.requests.classes.values())
    visits = per_hour * peak * s.horizon
    if visits <= s.work_limit:
        return
    worst = max(submissions, key=submissions.get)
    if submissions[worst] > 10:
        culprit = f"{key}.items.{worst}.p_incomplete"
        why = f"each applicant hands in '{worst}' {submissions[worst]:,.0f} times on average"
    else:
        culprit, why = f"{key}.demand", "too many arrivals over the horizon"
    raise ConfigError(
        culprit,
        f"{why}: {visits:,.0f} visits expected, more than the {s.work_limit:,.0f} a run may do "
        f"(set {key}.work_limit higher to run it anyway)",
    )


def _someone_comes(s: Scenario, key: str) -> None:
    """Refuse a run in which no applicant could arrive: windows that never open before the
    horizon, or a demand profile that is zero in every hour they are open."""
    name, profile = s.hours.windows, s.demand_profile
    start = dt.date.fromisoformat(s.start_date)
    spans = open_spans(s.calendars.get(name), start, s.horizon, f"{key}.calendars.{name}")
    if not spans:
        raise ConfigError(
            f"{key}.hours.windows",
            f"no applicant could arrive: the windows' calendar '{name}' never opens before the horizon",
        )
    if profile is not None and not weighted_hours(
        spans, start.weekday(), profile.hour_of_day, profile.day_of_week, profile.week
    ):
        raise ConfigError(
            f"{key}.demand_profile",
            f"no applicant could arrive: the profile is zero in every hour the windows' calendar "
            f"'{name}' is open",
        )


def _item(s: Scenario, name: str, k: str) -> None:
    item = s.items[name]
    if item.department not in s.departments:
        raise ConfigError(f"{k}.department", f"unknown department '{item.department}'{known(s.departments)}")
    for i, doc in enumerate(item.documents):
        if doc not in s.documents:
            raise ConfigError(f"{k}.documents[{i}]", f"unknown document '{doc}'{known(s.documents)}")
    if len(set(item.documents)) != len(item.documents):
        raise ConfigError(f"{k}.documents", "lists a document twice")
    if item.produces is not None and item.produces not in s.documents:
        raise ConfigError(f"{k}.produces", f"unknown document '{item.produces}'{known(s.documents)}")
    for i, pre in enumerate(item.prerequisites):
        if pre not in s.items:
            raise ConfigError(f"{k}.prerequisites[{i}]", f"unknown item '{pre}'{known(s.items)}")
    if item.intake is not None:
        check(item.intake, f"{k}.intake")
    elif item.p_incomplete or item.entry is not None:
        culprit = "p_incomplete" if item.p_incomplete else "entry"
        raise ConfigError(f"{k}.{culprit}", "an item with no window (no intake) has no dossier checked there")
    if item.entry is not None:
        check(item.entry, f"{k}.entry")
    if item.review is not None:
        check(item.review, f"{k}.review")
    bounds.probability(item.automatable, f"{k}.automatable")
    bounds.probability(item.proactive, f"{k}.proactive")
    if item.proactive_delay is not None:
        check(item.proactive_delay, f"{k}.proactive_delay")
    if not (0 <= item.p_incomplete < 1):
        raise ConfigError(
            f"{k}.p_incomplete",
            f"must be a probability in [0, 1) (1 would never be accepted), got {item.p_incomplete}",
        )
    if item.commitment is not None:
        for i, doc in enumerate(item.commitment.replaces):
            if doc not in item.documents:
                raise ConfigError(
                    f"{k}.commitment.replaces[{i}]", f"'{doc}' is not one of the item's documents"
                )
        bounds.probability(item.commitment.p_false, f"{k}.commitment.p_false")
    for i, doc in enumerate(item.minor_documents):
        if doc not in item.documents:
            raise ConfigError(f"{k}.minor_documents[{i}]", f"'{doc}' is not one of the item's documents")
    if not 0 <= item.notice_factor <= 1:
        raise ConfigError(
            f"{k}.notice_factor",
            f"must be a factor in [0, 1] (one-time notice makes a dossier complete more often), "
            f"got {item.notice_factor}",
        )
    if item.p_incomplete > 0:
        if item.prepare is None:
            raise ConfigError(
                f"{k}.prepare", "required when p_incomplete > 0: how long a rejected dossier takes to fix"
            )
        check(item.prepare, f"{k}.prepare")
    if item.inspection is not None:
        p = item.inspection.probability
        if not (0 <= p <= 1):
            raise ConfigError(f"{k}.inspection.probability", f"must be in [0, 1], got {p}")
        check(item.inspection.duration, f"{k}.inspection.duration")
        if p > 0 and s.departments[item.department].inspectors < 1:
            raise ConfigError(
                f"{k}.inspection",
                f"department '{item.department}' has no inspectors "
                f"(departments.{item.department}.inspectors)",
            )
    _steps(s, item, k)
    for limit in ("limit_days", "committed_days"):
        if getattr(item, limit) is not None:
            bounds.days(getattr(item, limit), f"{k}.{limit}")
    if None not in (item.limit_days, item.committed_days) and item.committed_days > item.limit_days:
        raise ConfigError(
            f"{k}.committed_days",
            f"the committed limit ({item.committed_days:g} working days) must not exceed the statutory "
            f"limit_days ({item.limit_days:g})",
        )


def _steps(s: Scenario, item: Item, k: str) -> None:
    """An item's back office written as steps: known pools with staff, batch times inside the
    pool's open hours."""
    if item.steps and (item.review is not None or item.inspection is not None):
        raise ConfigError(
            f"{k}.steps", "give the back office either as steps or as review/inspection, not both"
        )
    names = [step.name for step in item.steps]
    if len(set(names)) != len(names):
        raise ConfigError(f"{k}.steps", "names a step twice")
    for i, name in enumerate(item.reduced_steps or []):
        if name not in names and name not in ("review", "inspection"):
            raise ConfigError(f"{k}.reduced_steps[{i}]", f"unknown step '{name}'{known(names)}")
    for i, step in enumerate(item.steps):
        ks = f"{k}.steps[{i}]"
        check_names([step.name], f"{ks}.name", keyed=False)
        where, role = step.where(item.department)
        if where not in s.departments:
            raise ConfigError(f"{ks}.pool", f"unknown department '{where}'{known(s.departments)}")
        roles = ("clerks", *BACK_OFFICE_ROLES)
        if role not in roles:
            raise ConfigError(f"{ks}.pool", f"unknown pool '{role}'; use {', '.join(roles)}")
        if getattr(s.departments[where], role) < 1:
            raise ConfigError(f"{ks}.pool", f"'{where}' has no {role} (departments.{where}.{role})")
        check(step.work, f"{ks}.work")
        bounds.probability(step.probability, f"{ks}.probability")
        if step.booking is not None:
            check(step.booking, f"{ks}.booking")
        if step.batch is not None:
            _batch(s, step, ks)
    routes.check(item, k)


def _batch(s: Scenario, step: Step, k: str) -> None:
    b = step.batch
    if not b.at:
        raise ConfigError(f"{k}.batch.at", "list at least one release time 'HH:MM'")
    if not 1 <= b.every_days <= 366:
        raise ConfigError(
            f"{k}.batch.every_days",
            f"must be a whole number of working days from 1 to 366, got {b.every_days}",
        )
    if not 0 <= b.first_day < b.every_days:
        raise ConfigError(
            f"{k}.batch.first_day",
            f"must be from 0 to every_days - 1 ({b.every_days - 1}), got {b.first_day}",
        )
    if b.capacity is not None:
        bounds.staff(b.capacity, f"{k}.batch.capacity", minimum=1)
    group = "windows" if step.role == "clerks" else "back_office"
    name = getattr(s.hours, group)
    weekly = periods(s.calendars[name], name) if name is not None else {}  # checked already
    for i, clock in enumerate(b.at):
        t = parse_clock(clock, f"{k}.batch.at[{i}]")
        for day, spans in weekly.items():
            if spans and not any(a <= t <= end for a, end in spans):
                raise ConfigError(
                    f"{k}.batch.at[{i}]",
                    f"{clock} is outside the open hours of calendar '{name}' on {WEEKDAYS[day]} "
                    f"({', '.join(f'{a:g}-{end:g} h' for a, end in spans)}): "
                    "nobody is there to move the files",
                )


def _channels(s: Scenario, key: str) -> None:
    for need, mix in s.channels.items():
        k = f"{key}.channels.{need}"
        if need not in s.needs:
            raise ConfigError(k, f"unknown need '{need}'{known(s.needs)}")
        shares = (mix.in_person, mix.online, mix.specialist)
        if not all(math.isfinite(x) and x >= 0 for x in shares):
            raise ConfigError(k, f"shares must be finite and >= 0, got {shares}")
        if abs(sum(shares) - 1) > 1e-9:
            raise ConfigError(k, f"in_person + online + specialist must be 1, got {sum(shares):g}")
    bounds.staff(s.specialists.staff, f"{key}.specialists.staff", minimum=0)
    if s.specialists.staff == 0 and any(mix.specialist > 0 for mix in s.channels.values()):
        raise ConfigError(
            f"{key}.specialists.staff", "a channel sends applicants to specialists, but there are none"
        )
    bounds.probability(s.away.share, f"{key}.away.share")
    bounds.hours(s.away.trip_hours, f"{key}.away.trip_hours")
    if s.away.forward is not None:
        check(s.away.forward, f"{key}.away.forward")


def _dates(s: Scenario, key: str) -> None:
    """Tables carry dates as pandas timestamps (1677-09-22 to 2262-04-11), and working calendars
    are laid out a year past the run's end: the whole run must fit inside. The time zone is
    one the IANA database knows."""
    try:
        zoneinfo.ZoneInfo(s.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{key}.timezone", f"'{s.timezone}' is not an IANA time zone (such as Asia/Shanghai)"
        ) from None
    start = holiday_date(s.start_date, f"{key}.start_date")
    days = (s.horizon + s.drain) / 24 + 366  # counted in days first: a date near 9999 overflows
    if not (start >= FIRST_DATE and (LAST_DATE - start).days >= days):
        ends = (
            f"{start + dt.timedelta(days=days - 366)}" if (dt.date.max - start).days > days else "after 9999"
        )
        raise ConfigError(
            f"{key}.start_date",
            f"the run and a year after it must lie between {FIRST_DATE} and {LAST_DATE}; "
            f"{s.start_date} plus horizon and drain ends {ends}",
        )


def _calendars(s: Scenario, key: str) -> None:
    holiday_date(s.start_date, f"{key}.start_date")
    for name, calendar in s.calendars.items():
        periods(calendar, f"{key}.calendars.{name}")
    for group in ("windows", "back_office"):
        name = getattr(s.hours, group)
        if name is not None and name not in s.calendars:
            raise ConfigError(f"{key}.hours.{group}", f"unknown calendar '{name}'{known(s.calendars)}")
    pools = {f"{d}.{p}" for d in s.departments for p in ("clerks", *BACK_OFFICE_ROLES)} | {"one_stop.clerks"}
    pools |= {"specialists"} if s.specialists.staff else set()
    pools |= {"coordinators"} if s.requests.classes else set()
    for pool, changes in s.shifts.items():
        k = f"{key}.shifts.{pool}"
        if pool not in pools:
            raise ConfigError(
                k,
                "unknown staff pool; use <department>.<clerks|reviewers|inspectors|leaders>, "
                "one_stop.clerks, specialists (when there are any) or coordinators (when there are requests)",
            )
        if not changes:
            raise ConfigError(k, "list at least one 'HH:MM': staff change")
        for clock, staff in changes.items():
            parse_clock(clock, f"{k}.{clock}")
            bounds.staff(staff, f"{k}.{clock}", minimum=1)
    profile = s.demand_profile
    if profile is not None:
        for part, size in (("hour_of_day", 24), ("day_of_week", 7), ("week", None)):
            values = getattr(profile, part)
            k = f"{key}.demand_profile.{part}"
            if size is None and not values:
                continue
            if len(values) != (size or min(len(values), MAX_WEEKS)):
                raise ConfigError(k, f"needs {size or f'at most {MAX_WEEKS:,}'} values, got {len(values)}")
            if not all(math.isfinite(v) and v >= 0 for v in values) or max(values) <= 0:
                raise ConfigError(k, "multipliers must be finite, >= 0, and not all 0")
