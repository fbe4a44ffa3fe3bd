"""The time an office promises, before any simulation: the critical path of the limits it
works to, to set beside the lead time applicants live through.

Cities usually publish promised times (办理时限): the sum of the items' limits when each item
waits for the one before (single-item processing), the longest chain of prerequisites when
items run in parallel, and the bundle's own committed limit when it has one and is handed in
as one dossier. An item approved on a signed commitment (告知承诺) is decided at acceptance:
no days; under joint approval (并联审批) an item runs beside the items it needs rather than
after them, so a chain takes its longest limit, not their sum. A promise counts working days
from acceptance; an applicant's lead time also holds the trips, queues and fixes before it,
and the delivery after.
"""

from __future__ import annotations

from sim.domain.design import Approval, Checklist, Design, Limits, Routing
from sim.domain.scenario import Scenario


def promised_days(scenario: Scenario, design: Design) -> dict[str, float | None]:
    """Each need's promised working days under the design (None: an item has no limit)."""
    return {need: _promise(scenario, design, need) for need in scenario.needs}


def _promise(s: Scenario, design: Design, need: str) -> float | None:
    committed = design.limits is Limits.committed
    if committed and design.checklist is Checklist.merged and need in s.bundle_limits:
        return s.bundle_limits[need]
    on_commitment = design.approval is Approval.on_commitment
    limits = {}
    for name in s.needs[need]:
        item = s.items[name]
        limit = item.committed_days if committed and item.committed_days is not None else item.limit_days
        if on_commitment and item.commitment is not None:
            limit = 0.0  # decided at acceptance on the signed commitment
        if limit is None:
            return None
        limits[name] = limit
    if design.routing is Routing.sequential:
        return sum(limits.values())
    done: dict[str, float] = {}
    for name in s.need_order(need):  # prerequisites first
        before = [done[p] for p in s.prerequisites(name) if p in done]
        if design.joint_approval:  # started beside the items it needs, decided with them
            done[name] = max([limits[name], *before])
        else:
            done[name] = limits[name] + max(before, default=0.0)
    return max(done.values())
