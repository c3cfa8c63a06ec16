"""The shape of the code, read from the tree: which wing imports which, no cycles, no oversized module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGE = REPO / "generator"
MOST_LINES = 420
#: wing -> the wings it must never import
FORBIDDEN = {
    "pipeline": ("incremental", "dev", "deploy"),
    "outputs": ("incremental", "dev", "deploy"),
}
TOP = ("errors", "config", "units", "urls", "vocabulary")  # the foundations: they import no wing


def module_name(path: Path) -> str:
    """Return the dotted name of a module file under generator/."""
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imported(name: str) -> set[str]:
    """Return the generator modules a module imports, at its top or inside functions."""
    tree = ast.parse(MODULES[name].read_text("utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                inner = f"{node.module}.{alias.name}"
                found.add(inner if inner in MODULES else node.module)
    return {target for target in found if target in MODULES and target != name}


GRAPH = {name: imported(name) for name in MODULES}


def wing(name: str) -> str:
    """Return the wing of a module (pipeline, outputs...), or its own name at the top of generator/."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else ""


@pytest.mark.parametrize("name", sorted(n for n in MODULES if wing(n) in FORBIDDEN))
def test_the_pipeline_and_outputs_never_import_the_speed_layer_or_dev(name: str) -> None:
    wrong = sorted(target for target in GRAPH[name] if wing(target) in FORBIDDEN[wing(name)])
    assert wrong == [], f"{name} imports {wrong}: offer a parameter instead, and let that wing pass its own"


@pytest.mark.parametrize("name", [f"generator.{n}" for n in TOP])
def test_the_foundations_import_no_wing(name: str) -> None:
    wrong = sorted(t for t in GRAPH[name] if t != "generator" and t.removeprefix("generator.") not in TOP)
    assert wrong == [], f"{name} imports {wrong}"


def find_cycle() -> list[str]:
    """Return one import cycle among the modules, as a path that ends where it starts; [] when there is none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(name: str) -> list[str]:
        state[name] = 1
        path.append(name)
        for target in sorted(GRAPH[name]):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        path.pop()
        state[name] = 2
        return []

    for name in sorted(GRAPH):
        if name not in state:
            cycle = visit(name)
            if cycle:
                return cycle
    return []


def test_no_module_imports_itself_through_others() -> None:
    assert find_cycle() == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_over_the_size_limit(name: str) -> None:
    lines = len(MODULES[name].read_text("utf-8").splitlines())
    assert lines <= MOST_LINES, f"{name} has {lines} lines: split it by concern (at most {MOST_LINES})"


def test_the_checks_see_the_wings() -> None:
    """Guard the test itself: it finds the modules and the arrows it is about."""
    assert "generator.pipeline.build" in MODULES and "generator.incremental.builder" in MODULES
    assert "generator.pipeline.build" in GRAPH["generator.incremental.page_staging"]
    assert "generator.outputs.images" in GRAPH["generator.pipeline.inputs"]  # an import inside a function counts
