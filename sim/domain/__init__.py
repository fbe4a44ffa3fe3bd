"""Layer 1, scenario and design data: what a planner describes (departments, items, needs,
demand, calendars, requests), how a need is served (the design's levers), and the knobs that
turn a written scenario into the one that runs. Values, checked when made; no SimPy here."""
