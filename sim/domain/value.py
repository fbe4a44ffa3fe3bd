"""Scenario and design data are values: set once when made, never changed afterwards.

The design's dataclasses are also Hydra's schema, and OmegaConf makes a ``frozen=True``
dataclass's node read-only, which would refuse every command-line override. So they are
ordinary dataclasses with this base, which refuses to set a field a second time: Hydra composes
and overrides the config, the value is made once (``OmegaConf.to_object``, or
``sim.experiment.conversion.build`` for a scenario), and a variant is a new value made with
``dataclasses.replace`` (which runs the checks again).
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError


class Value:
    def __setattr__(self, name: str, value: object) -> None:
        if name in self.__dict__:
            raise FrozenInstanceError(
                f"cannot assign to field '{name}' of a {type(self).__name__}: "
                "it is a value; make a changed copy with dataclasses.replace"
            )
        super().__setattr__(name, value)
