"""Which items of a need go in the merged dossier handed in first (一张清单), and at which
window: what the model hands in (``sim.model.plans``) and what the loads before a run count
(``sim.domain.loads``) read from one place, so a design that sends a bundle's whole dossier to
one department's window is seen to overload it before anything runs."""

from __future__ import annotations

from sim.domain.design import Checklist, Design, Window
from sim.domain.scenario import Scenario

ONE_STOP = "one_stop"


def upfront(scenario: Scenario, design: Design, names: list[str]) -> tuple[int, ...]:
    """The positions in ``names`` (a need's items in order) of the items in the merged dossier:
    none without a merged checklist; without data sharing, not an item needing a document the
    need itself produces (the applicant hands it in once that document is in hand)."""
    if design.checklist is not Checklist.merged:
        return ()
    sharing = design.data_sharing or design.joint_approval
    produced = {scenario.items[n].produces for n in names} - {None}
    return tuple(
        i
        for i, n in enumerate(names)
        if sharing or not any(d in produced for d in scenario.items[n].documents)
    )


def upfront_window(scenario: Scenario, design: Design, names: list[str], first: tuple[int, ...]) -> str:
    """The window the merged dossier is handed in at: the one-stop window, or without it the
    department of the dossier's first item (of the need's first item when there is no dossier)."""
    if design.window is Window.one_stop:
        return ONE_STOP
    return scenario.items[names[first[0]] if first else names[0]].department
