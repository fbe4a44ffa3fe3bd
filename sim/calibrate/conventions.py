"""What an item list does not say, by the catalogue's stated conventions (all E): the back office
an item gets by its kind (事项类型), and a new department's staff.

A licence is reviewed, signed by a leader and issued; a registration, filing or declaration
(of a tax: 行政征收) is reviewed and done; a public service (a utility account moved, a card
issued) is handled by one person without batches; a benefit is reviewed and signed. The times
are the catalogue's for its own items of each kind (configs/scenario/README.md): a permit's
review 3 h carried to the back office at 17:00 and signed at 16:00, a registration's 1 h, a
service's half hour. A department without leaders has no one to sign: its items are reviewed
and done.
"""

from __future__ import annotations

import math

LOGNORMAL = "lognormal"


def _work(mean: float, cv: float = 0.7) -> dict:
    return {"dist": LOGNORMAL, "mean": mean, "cv": cv}


DAILY = {"at": ["17:00"]}
SIGNING = {"at": ["16:00"]}
KINDS = {  # kind -> (its names in a list, review hours, batched, signed, p_incomplete)
    "licence": (("行政许可", "许可", "审批", "licence", "permit"), 3.0, True, True, 0.2),
    "registration": (
        ("行政确认", "行政备案", "行政征收", "备案", "登记", "确认", "申报", "registration", "filing"),
        1.0,
        True,
        False,
        0.2,
    ),
    "benefit": (("行政给付", "给付", "benefit"), 2.0, True, True, 0.15),
    "service": (("公共服务", "服务", "便民服务", "service"), 0.5, False, False, 0.1),
    "other": (("其他行政权力", "行政裁决", "行政奖励", "other"), 3.0, True, True, 0.2),
}
DEFAULT_KIND = "licence"  # a list that does not say: a permit, the catalogue's usual item
NEW_DEPARTMENT = {"clerks": 1, "reviewers": 1, "background": {"reviewers": 0.5}}  # sized by PLANNING after
PLANNING = 0.85  # the catalogue's planning rule: each pool offered under 85 % of its staffed hours
MAX_SIZED = 200


def kind_of(text: str) -> str | None:
    """The kind a list's 事项类型 names (None: not one of them)."""
    folded = text.strip().lower()
    for kind, (names, *_) in KINDS.items():
        if any(name.lower() in folded for name in names):
            return kind
    return None


def back_office(kind: str, leaders: bool) -> dict:
    """The item fields a new item of ``kind`` gets (its department has ``leaders`` or not)."""
    _, review, batched, signed, p_incomplete = KINDS[kind]
    steps = [{"name": "review", "work": _work(review)} | ({"batch": DAILY} if batched else {})]
    if signed and leaders:
        steps.append({"name": "sign", "pool": "leaders", "work": _work(0.1, 0.5), "batch": SIGNING})
    return {
        "intake": _work(0.5 if kind != "service" else 0.25, 0.5),
        "steps": steps,
        "p_incomplete": p_incomplete,
        "notice_factor": 0.5,
        "prepare": _work(48.0 if kind != "service" else 24.0, 0.5),
    }


def staffed(load: float, staff: int, background: float) -> int:
    """The fewest people that keep a pool offered ``load`` at ``staff`` people under the
    planning rule (never fewer than one). Its ``background`` share of every hour stays with
    each person: ``load`` is that share plus the cases' work over the staffed hours."""
    if background >= PLANNING:
        return MAX_SIZED
    return max(1, min(MAX_SIZED, math.floor((load - background) * staff / (PLANNING - background)) + 1))
