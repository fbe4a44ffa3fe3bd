"""The house rules a reader relies on: layers import one way, no module imports itself back
through a circle, and nothing reaches into Hydra's private modules."""

import ast
import graphlib
from pathlib import Path

import sim

ROOT = Path(sim.__file__).parent
# configs -> scenario data -> model -> run -> experiments -> analysis and calibration; the front doors last
LAYERS = {
    "sim.domain": 1,
    "sim.model": 2,
    "sim.run": 3,
    "sim.experiment": 4,
    "sim.analysis": 5,
    "sim.calibrate": 5,
}
FRONT = {"sim": 6, "sim.__main__": 6}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> int:
    if module in FRONT:
        return FRONT[module]
    return next(
        rank for prefix, rank in LAYERS.items() if module == prefix or module.startswith(prefix + ".")
    )


def imports(path: Path) -> set[str]:
    """Modules of ``sim`` imported at run time (not those under ``if TYPE_CHECKING:``)."""
    tree = ast.parse(path.read_text())
    typing_only = {
        id(n)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING"
        for n in ast.walk(node)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "sim":
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "sim"}
    return found


MODULES = {module_name(p): p for p in ROOT.rglob("*.py")}
GRAPH = {name: imports(path) for name, path in MODULES.items()}


def test_every_module_belongs_to_a_layer():
    for name in MODULES:
        assert layer(name) in range(1, 7), name


def test_no_module_imports_a_later_layer():
    upward = [
        f"{name} (layer {layer(name)}) imports {target} (layer {layer(target)})"
        for name, targets in GRAPH.items()
        for target in targets
        if layer(target) > layer(name)
    ]
    assert not upward, "\n".join(upward)


def test_imports_form_no_circle():
    circle = None
    try:
        graphlib.TopologicalSorter(
            {name: targets & MODULES.keys() for name, targets in GRAPH.items()}
        ).prepare()
    except graphlib.CycleError as err:
        circle = err.args[1]
    assert circle is None, f"import circle: {' -> '.join(circle)}"


def test_hydra_is_used_through_its_public_api_only():
    private = [
        f"{name}: {node.module if isinstance(node, ast.ImportFrom) else node.names[0].name}"
        for name, path in MODULES.items()
        for node in ast.walk(ast.parse(path.read_text()))
        if (isinstance(node, ast.ImportFrom) and (node.module or "").startswith("hydra._internal"))
        or (isinstance(node, ast.Import) and any(a.name.startswith("hydra._internal") for a in node.names))
    ]
    assert not private, f"imports of hydra._internal: {private}"


def test_a_report_reruns_nothing():
    """The analysis reads what the jobs saved: no module of it imports the model or the run, so
    figures rebuilt from saved results run no simulation (the journey reads the saved log)."""
    for name, found in GRAPH.items():
        if name.startswith("sim.analysis"):
            ran = {
                m
                for m in found
                if m == "sim.run" or m.startswith(("sim.model", "sim.experiment.replications"))
            }
            assert not ran, (name, ran)
