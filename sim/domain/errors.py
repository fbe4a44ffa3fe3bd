"""The one error a planner sees for bad input: which config key, and what is wrong with it."""


class ConfigError(ValueError):
    """A scenario or design value that cannot be simulated.

    Raised before any simulation starts, so a run either starts with valid input or
    writes nothing.
    """

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem
