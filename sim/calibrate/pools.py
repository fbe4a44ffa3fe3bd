"""Who does the work in an office's log: its people gathered into pools, and each pool's
headcount.

A log that names a group for each event (``org:group``) gives the pools. One that names only
people gets them from what people do, as Simod does (Camargo et al. 2020): people whose mixes of
activities are alike (cosine similarity of their activity counts at least ``SIMILAR``, average
linkage) form a pool. A mapping file names a person's pool outright. An activity is done by the
pool that does most of its events. A pool's headcount is the people who do its activities'
events in a typical week (the median over the weeks they worked), not everyone ever seen; a
group of people that does most of no activity is no pool (its members' work is counted where
it was done).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.cluster import hierarchy
from scipy.spatial import distance

from sim.domain.errors import ConfigError
from sim.domain.names import known, name_from

SIMILAR = 0.7
MAX_PEOPLE = 5000  # clustering is quadratic in memory: past it a person's main activity names the pool
NOBODY = "unassigned"  # the pool of activities whose events name no one


@dataclass
class Pools:
    """``of_activity``: activity -> pool; ``staff``: pool -> headcount; ``people``: pool -> its
    people; ``how``: a sentence on where the pools came from."""

    of_activity: dict[str, str]
    staff: dict[str, int]
    people: dict[str, list[str]] = field(default_factory=dict)
    how: str = ""


def find_pools(events: pd.DataFrame, people_map: dict[str, str], activity_map: dict[str, str]) -> Pools:
    """Pools from ``events`` (``activity``, ``resource``, ``group``, ``time``), with the mapping
    file's ``people`` (person -> pool) and activities' pools taking precedence."""
    named = events[events["resource"] != ""]
    unknown = sorted(set(people_map) - set(named["resource"]))
    if unknown:
        there = known(named["resource"].unique()[:50])
        raise ConfigError(f"people.{unknown[0]}", f"no such person in the log{there}")
    if people_map:
        person_pool = {p: people_map.get(p, p) for p in named["resource"].unique()}
        how = "the mapping file's people (the rest each a pool of their own)"
    elif (named["group"] != "").mean() > 0.5:
        grouped = named[named["group"] != ""].groupby("resource")["group"]
        person_pool = grouped.agg(lambda g: g.value_counts().index[0]).to_dict()
        how = "the log's groups (org:group), each person in the group they most often act for"
    else:
        person_pool = _clusters(named)
        how = (
            f"people whose mixes of activities are alike (cosine similarity at least {SIMILAR}, "
            "average linkage, as Simod does)"
        )
    taken: set[str] = set()
    names = {p: name_from(p, taken, kind="pool") for p in sorted(set(person_pool.values()))}
    pool = named["resource"].map(person_pool).map(names).fillna(NOBODY)
    of_activity = pool.groupby(named["activity"]).agg(lambda p: p.value_counts().index[0]).to_dict()
    for activity in events["activity"].unique():
        of_activity.setdefault(activity, NOBODY)
    of_activity |= activity_map
    # A pool is staffed by the people who do its activities' work (whichever pool they were
    # grouped in), as many as are active in a typical week; a pool that owns no activity is none.
    owner = named["activity"].map(of_activity)
    staff, members = {}, {}
    week = named["time"].dt.tz_localize(None).dt.to_period("W")
    for name, g in named.assign(pool=owner, week=week).groupby("pool"):
        staff[name] = max(1, round(float(g.groupby("week")["resource"].nunique().median())))
        members[name] = sorted(g["resource"].unique())
    for name in set(of_activity.values()) - set(staff):
        staff[name] = 1  # nobody named: its work is taken as instant (sim.calibrate.starts)
    return Pools(of_activity, staff, members, how)


def _clusters(named: pd.DataFrame) -> dict[str, str]:
    """Person -> pool name (``team_1``, ``team_2``, ... by events done)."""
    counts = pd.crosstab(named["resource"], named["activity"])
    people = counts.index.to_numpy()
    if len(people) == 0:
        return {}
    if len(people) == 1 or counts.shape[1] == 1:
        labels = np.ones(len(people), int)
    elif len(people) > MAX_PEOPLE:
        labels = counts.to_numpy().argmax(axis=1) + 1
    else:
        tree = hierarchy.linkage(distance.pdist(counts.to_numpy(float), "cosine"), method="average")
        labels = hierarchy.fcluster(tree, t=1 - SIMILAR, criterion="distance")
    size = pd.Series(counts.sum(axis=1).to_numpy()).groupby(labels).sum().sort_values(ascending=False)
    rank = {label: k + 1 for k, label in enumerate(size.index)}
    return {person: f"team_{rank[label]}" for person, label in zip(people, labels, strict=True)}
