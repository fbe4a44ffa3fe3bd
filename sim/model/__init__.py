"""Layer 2, the SimPy model: a service centre (clock, staff pools, streams, records, hours,
arrivals) and the services that run in it: applicants' permits and, when the scenario has
them, firms' requests through the front, middle and back tiers. It knows nothing of Hydra,
files or plots; ``sim.run`` turns its records into tables."""

from __future__ import annotations

from collections.abc import Callable

from sim.domain.design import Design
from sim.domain.scenario import Scenario
from sim.model.centre import Centre
from sim.model.permits import Permits
from sim.model.tiers import Desk


class Model:
    """A scenario's centre under one design, driven by one seed: call ``run()`` once, then read
    ``centre`` (pools, recorder, snapshots), ``permits`` and ``desk`` (None without requests)."""

    def __init__(
        self,
        scenario: Scenario,
        design: Design,
        seed: int,
        *,
        replication: int = 0,
        record_steps: bool | float = True,
    ) -> None:
        self.scenario, self.design = scenario, design
        self.centre = Centre(scenario, seed, replication=replication, record_steps=record_steps)
        self.env = self.centre.env
        self.permits = Permits(self.centre, design)
        self.centre.serve(self.permits)
        self.desk = Desk(self.centre) if scenario.requests.classes else None
        if self.desk is not None:
            self.centre.serve(self.desk)
            window = scenario.requests.failed_window
            if window.after:  # the 办不成事 window: cases the windows keep sending back
                self.permits.windows.refer, self.permits.windows.refer_after = self.desk.refer, window.after

    def run(self, progress: Callable[[float], None] | None = None) -> None:
        """Run the centre; ``progress`` is told the share of the horizon simulated as it goes."""
        self.centre.run(progress)
