"""The report's methods, in the order of the STRESS-DES guidelines for reporting discrete-event
simulation (Monks et al., 2019, Journal of Simulation 13(1), 55-67): objectives, logic, data,
experimentation, implementation, code access. Written from what the study ran (its saved
configuration and the software its jobs recorded), so a methods section never drifts from
the numbers beside it."""

from __future__ import annotations

from sim.analysis import render
from sim.analysis.labels import Labels
from sim.domain.design import PRESETS, Design
from sim.experiment.config import SimConfig

DAY = 24.0


def blocks(
    conf: SimConfig, designs: list[str], replications: int, environment: dict | None, labels: Labels
) -> list[render.Block]:
    """The section, a paragraph per STRESS-DES heading."""
    s = conf.scenario
    changed = {
        d: [f.name for f in Design.__dataclass_fields__.values() if getattr(PRESETS[d], f.name) != f.default]
        for d in designs
        if d in PRESETS and d != "single"
    }
    levers = labels.say("; ").join(
        labels.say(
            "{design}: {levers}",
            design=labels.design(d),
            levers=labels.say(", ").join(labels.of("levers", name) for name in names),
        )
        for d, names in changed.items()
    )
    said = [
        (
            "1. Objectives",
            labels.say(
                "What each design would change for the applicants of {scenario} against single-item "
                "processing (each item applied for on its own): lead time from first contact to the last "
                "result in hand, in-person trips and documents handed over, and the staff it keeps busy.",
                scenario=labels.of("scenarios", s.name),
            ),
        ),
        (
            "2. Logic",
            labels.say(
                "A discrete-event simulation (SimPy) of applicants as entities: each need's items filed "
                "at windows, worked by the departments' pools (clerks, reviewers, inspectors, signing "
                "leaders; {departments} department(s), {items} item(s), {needs} need(s)) on working "
                "calendars, returned for correction, batched, decided and delivered. A design is a set of "
                "levers on that office; the designs compared switch these: {levers}. The model's rules "
                "are in README.md (The model in one page) and sim/model/.",
                departments=len(s.departments),
                items=len(s.items),
                needs=len(s.needs),
                levers=levers or labels.say("none"),
            ),
        ),
        (
            "3. Data",
            labels.say(
                "Every input is in the scenario's configuration ({scenario}.yaml, each job's saved "
                "config) and the catalogue it draws on, tagged sourced, recalled or estimate with its "
                "source or reason (configs/scenario/README.md and the section Where the inputs come "
                "from). Applicants of each need arrive as a Poisson stream ({rate} per open hour in all, "
                "shaped over the day by the scenario's profile where it has one); no parameter is tuned "
                "to a published reduction.",
                scenario=s.name,
                rate=f"{sum(s.demand.values()):.3g}",
            ),
        ),
        (
            "4. Experimentation",
            labels.say(
                "Each configuration runs {n} independent replications of {days} days from an empty "
                "office; the first {warmup} days of arrivals are left out (checked by MSER-5, section "
                "Warm-up). Designs share common random numbers (replication r of every design serves "
                "the same applicants), and are compared paired by replication; intervals are 95 % t "
                "intervals across replications (Wilson's for shares), with Bonferroni's simultaneous "
                "intervals and Holm's adjusted p-values where several designs are set against one. The "
                "estimates' own uncertainty is the uncertainty study's (Morris, Sobol), where it ran.",
                n=replications,
                days=f"{s.horizon / DAY:g}",
                warmup=f"{s.warmup / DAY:g}",
            ),
        ),
        ("5. Implementation", _implementation(environment, labels)),
        (
            "6. Code access",
            labels.say(
                "The simulator's source with this report's configuration (each job's .hydra/config.yaml "
                "and its SHA-256 in summary.json); cite it as CITATION.cff says, with the version and "
                "commit above. The commands in Regenerate every number rebuild every table and figure."
            ),
        ),
    ]
    out = [
        render.Block("h2", labels.say("Methods")),
        render.Block(
            "p",
            labels.say(
                "In the order of the STRESS-DES guidelines for reporting discrete-event simulation "
                "(Monks et al., 2019)."
            ),
        ),
    ]
    for heading, text in said:
        out += [render.Block("h3", labels.say(heading)), render.Block("p", text)]
    return out


def _implementation(environment: dict | None, labels: Labels) -> str:
    if not environment:
        return labels.say(
            "The jobs recorded no software versions (results written before version 0.5.0): rerun "
            "them to record Python, the packages, the platform and the commit."
        )
    packages = labels.say(", ").join(f"{k} {v}" for k, v in environment["packages"].items() if v)
    git = environment.get("git")
    commit = (
        labels.say(
            "commit {commit}{clean}",
            commit=git["commit"][:12],
            clean="" if git["clean"] else labels.say(" (with uncommitted changes)"),
        )
        if git
        else labels.say("no git checkout")
    )
    return labels.say(
        "Python {python} ({implementation}) on {platform}; {packages}; {commit}.",
        python=environment["python"],
        implementation=environment["implementation"],
        platform=environment["platform"],
        packages=packages,
        commit=commit,
    )
