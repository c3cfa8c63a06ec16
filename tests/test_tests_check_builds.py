"""Tests that can fail: every build and every command a test runs has its outcome checked.

A privacy test that passes when the build crashed proves nothing. This reads the test modules and
finds each call that builds or runs the CLI whose result is thrown away, or kept and never looked at.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
CHECKED_BY = {"ok", "exit_code", "returncode", "output", "problems"}  # a result looked at through these is checked


def _imports_generator_build(tree: ast.Module) -> bool:
    """Return True when a module calls the generator's own build() (not a helper of the same name)."""
    return any(isinstance(node, ast.ImportFrom) and (node.module or "").startswith("generator")
               and any(alias.name == "build" for alias in node.names) for node in ast.walk(tree))


def _is_run(call: ast.Call, builds: bool) -> bool:
    """Return True for a call that builds a site or runs a command."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id == "run_cli" or (func.id == "build" and builds)
    if isinstance(func, ast.Attribute):
        if func.attr == "run" and isinstance(func.value, ast.Name) and func.value.id == "subprocess":
            return not any(k.arg == "check" for k in call.keywords)
        return func.attr in ("invoke", "build") and not (isinstance(func.value, ast.Name) and func.value.id == "self")
    return False


def _looked_at(function: ast.FunctionDef) -> set[str]:
    """Return the names a function asserts on or reads an outcome of."""
    names: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Assert):
            names.update(n.id for n in ast.walk(node.test) if isinstance(n, ast.Name))
        elif isinstance(node, ast.Attribute) and node.attr in CHECKED_BY and isinstance(node.value, ast.Name):
            names.add(node.value.id)
    return names


def unchecked_runs(path: Path) -> list[str]:
    """Return `file:line` of each build or command in a test module whose outcome is never checked."""
    tree = ast.parse(path.read_text("utf-8"))
    builds = _imports_generator_build(tree)
    found = []
    for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
        looked_at = _looked_at(function)
        for node in ast.walk(function):
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and _is_run(node.value, builds):
                found.append(f"{path.name}:{node.lineno}")
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and _is_run(node.value, builds):
                targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
                if targets and not looked_at.intersection(targets):
                    found.append(f"{path.name}:{node.lineno}")
    return found


def test_every_build_and_command_in_the_tests_has_its_outcome_checked() -> None:
    found = [where for path in sorted(TESTS.rglob("test_*.py")) for where in unchecked_runs(path)]
    assert found == [], "assert the exit status (or `.ok`) of every build and command: " + ", ".join(found)


def test_the_check_finds_a_build_left_unchecked(tmp_path: Path) -> None:
    sample = tmp_path / "test_sample.py"
    sample.write_text("from generator.incremental.builder import build\n\n"
                      "def test_a(run_cli, site):\n    run_cli('build', '--site', str(site))\n"
                      "    result = build(site, 'public')\n    print(result)\n\n"
                      "def test_b(run_cli, site):\n    shown = run_cli('build')\n    assert shown.exit_code == 0\n"
                      "    assert build(site, 'public').ok\n", "utf-8")
    assert unchecked_runs(sample) == ["test_sample.py:4", "test_sample.py:5"]
