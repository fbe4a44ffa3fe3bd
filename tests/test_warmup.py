"""The warm-up check: MSER-5 finds an initial transient where there is one, cuts nothing from
a stationary series, and the report says when the configured warm-up falls short of it."""

import numpy as np
import pandas as pd

from sim.analysis import warmup
from sim.analysis.labels import Labels
from sim.analysis.render import Block


def test_mser_cuts_the_transient_and_nothing_from_a_stationary_series():
    rng = np.random.default_rng(0)
    noise = rng.normal(0, 1, 2_000)
    rising = np.concatenate([np.linspace(0, 10, 200), np.full(1_800, 10.0)]) + noise
    assert 150 <= warmup.mser(rising) <= 250 and warmup.mser(rising) % 5 == 0
    assert warmup.mser(10 + noise) <= 50
    assert warmup.mser([1.0, 2.0, 3.0]) == 0  # too short to judge: nothing cut
    # the search holds to the first half: a late jump is not a warm-up
    late = np.concatenate([np.full(1_500, 10.0), np.full(500, 20.0)]) + noise
    assert warmup.mser(late) <= 1_000


def test_a_warm_up_shorter_than_the_transient_is_said(tmp_path):
    rng = np.random.default_rng(1)
    arrival = np.sort(rng.uniform(0, 24 * 100, 1_000))
    lead = np.where(arrival < 24 * 20, arrival / (24 * 20), 1.0) * 10 + rng.normal(0, 0.5, 1_000)
    cases = pd.DataFrame(
        {
            "design": "single",
            "replication": 0,
            "arrival": arrival,
            "lead_time": lead,
            "lead_time_working_days": lead / 8,
            "finished": True,
        }
    )

    def fig(name, figure, caption=""):
        return Block("figure", name, caption)

    said = " ".join(str(b.content) for b in warmup.blocks(cases, 24 * 7, fig, Labels()) if b.kind == "p")
    assert "shorter than MSER-5's cut" in said
    said = " ".join(str(b.content) for b in warmup.blocks(cases, 24 * 40, fig, Labels()) if b.kind == "p")
    assert "covers every replication's MSER-5 cut" in said
