"""Which of a design's levers find nothing to act on in a scenario, and why: never a silent "no
change". A lever is inert where the scenario lacks what it changes (a one-stop window in an
office whose log records no window, committed limits where no item commits to one, rules that
decide where no item's files are standard enough); the run's log and the report name it.

Each lever's check reads the scenario as the model does (``sim.model.plans``): what it acts on,
in the needs that have demand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields

from sim.domain.design import SINGLE, Design
from sim.domain.scenario import Item, Scenario


def inert(scenario: Scenario, design: Design) -> dict[str, str]:
    """Lever -> why it changes nothing here, for each lever ``design`` switches away from single."""
    out = {}
    for f in fields(design):
        if getattr(design, f.name) == getattr(SINGLE, f.name):
            continue
        reason = _CHECKS[f.name](scenario, design)
        if reason:
            out[f.name] = reason
    return out


def _needs(s: Scenario) -> list[list[Item]]:
    return [[s.items[i] for i in s.needs[n]] for n in s.needs if s.demand.get(n, 0) > 0]


def _any_item(s: Scenario, test: Callable[[Item], bool], why: str) -> str:
    return "" if any(test(item) for need in _needs(s) for item in need) else why


def _window(s: Scenario, d: Design) -> str:
    return _any_item(
        s, lambda i: i.intake is not None, "no item is handed in at a window (the office has none)"
    )


def _merged(s: Scenario, d: Design) -> str:
    two = any(sum(i.intake is not None for i in need) >= 2 for need in _needs(s))
    return "" if two else "no need has two items handed in at windows: nothing to merge"


def _parallel(s: Scenario, d: Design) -> str:
    return (
        ""
        if any(len(need) >= 2 for need in _needs(s))
        else "every need is one item: nothing runs beside another"
    )


def _sharing(s: Scenario, d: Design) -> str:
    for n in s.needs:
        members = s.needs[n]
        if s.demand.get(n, 0) > 0 and any(p in members for i in members for p in s.prerequisites(i)):
            return ""
    return "no item needs another item's output within a need"


def _pickup(s: Scenario, d: Design) -> str:
    return _any_item(s, lambda i: i.pickup, "no item's result is collected at a window")


def _reduced(s: Scenario, d: Design) -> str:
    return _any_item(
        s,
        lambda i: len(i.back_office(reduced=True)) < len(i.back_office(reduced=False)),
        "no item says which of its steps 减环节 keeps (reduced_steps)",
    )


def _committed(s: Scenario, d: Design) -> str:
    return _any_item(
        s, lambda i: i.committed_days is not None, "no item has a committed limit (committed_days)"
    )


def _notice(s: Scenario, d: Design) -> str:
    return _any_item(
        s,
        lambda i: i.p_incomplete > 0 and i.notice_factor < 1,
        "no item's dossiers are sent back at its window",
    )


def _held(s: Scenario, d: Design) -> str:
    return _any_item(
        s,
        lambda i: any(doc in s.held_by for doc in i.documents),
        "no document is held by government (held_by)",
    )


def _forms(s: Scenario, d: Design) -> str:
    forms = set(s.forms)
    two = any(sum(any(doc in forms for doc in i.documents) for i in need) >= 2 for need in _needs(s))
    return "" if two else "no need has two items with application forms (forms)"


def _tolerant(s: Scenario, d: Design) -> str:
    return _any_item(
        s, lambda i: bool(i.minor_documents) and i.p_incomplete > 0, "no item names minor documents"
    )


def _commitment(s: Scenario, d: Design) -> str:
    return _any_item(s, lambda i: i.commitment is not None, "no item may be approved on a commitment")


def _joint(s: Scenario, d: Design) -> str:
    return _sharing(s, d)


def _site(s: Scenario, d: Design) -> str:
    def booked(i: Item) -> bool:
        return any(step.booking is not None for step in i.back_office(reduced=False))

    two = any(sum(booked(i) for i in need) >= 2 for need in _needs(s))
    return "" if two else "no need has two items with booked site visits"


def _online(s: Scenario, d: Design) -> str:
    takers = any(mix.online > 0 for mix in s.channels.values())
    if not takers:
        return "no applicant takes up the online channel (channels)"
    return _any_item(
        s, lambda i: not i.online and i.intake is not None, "every item can be filed online already"
    )


def _specialists(s: Scenario, d: Design) -> str:
    if s.specialists.staff < 1:
        return "the office has no enterprise service specialists (specialists.staff)"
    return (
        ""
        if any(mix.specialist > 0 for mix in s.channels.values())
        else "no applicant takes up a specialist (channels)"
    )


def _rules(s: Scenario, d: Design) -> str:
    return _any_item(
        s, lambda i: i.automatable > 0, "no item's files are standard enough for rules (automatable)"
    )


def _proactive(s: Scenario, d: Design) -> str:
    for need in _needs(s):
        if need and all(i.proactive > 0 for i in need):
            return ""
    return "no need's items can all find their applicants from shared data (proactive)"


def _anywhere(s: Scenario, d: Design) -> str:
    if s.away.share <= 0:
        return "no applicant's nearest centre is another's (away.share)"
    for need in _needs(s):
        if need and all(i.anywhere for i in need):
            return ""
    return "no need's items may all be filed at any centre (anywhere)"


_CHECKS: dict[str, Callable[[Scenario, Design], str]] = {
    "window": _window,
    "checklist": _merged,
    "routing": _parallel,
    "data_sharing": _sharing,
    "delivery": _pickup,
    "steps": _reduced,
    "limits": _committed,
    "licences": _pickup,
    "notice": _notice,
    "held_documents": _held,
    "forms": _forms,
    "acceptance": _tolerant,
    "approval": _commitment,
    "joint_approval": _joint,
    "site_visits": _site,
    "online": _online,
    "specialists": _specialists,
    "decisions": _rules,
    "application": _proactive,
    "filing": _anywhere,
}
