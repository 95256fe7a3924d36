"""The package's layout: every import of one of its modules runs downwards through the wings
(machinery ← sources ← markdown ← translation ← editions ← checks ← build ← cli/serve), and no
two modules import each other, directly or round a circle. Imports inside functions count too:
they are how circles hide."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "hkai_publish"
ORDER = ["errors", "machinery", "sources", "markdown", "translation", "editions", "checks", "build", "starting", "cli",
         "serve", "__main__"]
"""Wings and top-level modules, lowest first. `errors` is the leaf every wing may import."""
SIDE_BY_SIDE = {("cli", "serve")}
"""Top-level modules of one rank: cli starts serve when asked, serve imports build, not cli."""


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found["hkai_publish" + ("." + name if name else "")] = path
    return found


def imports_of(path: Path, known: set[str]) -> set[str]:
    """The package's modules that `path` imports, anywhere in it (`cli`'s on-first-use names included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("hkai_publish"):
            for alias in node.names:
                child = f"{node.module}.{alias.name}"
                found.add(child if child in known else node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("hkai_publish"))
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "_OnFirstUse":
            found.add("hkai_publish." + node.args[0].value)
    return found & known


def wing(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "errors"  # the package itself holds only its version


def graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imports_of(path, set(found)) - {name} for name, path in found.items()}


def test_every_module_is_in_a_wing_of_the_order():
    assert {wing(m) for m in graph()} <= set(ORDER)


@pytest.mark.parametrize("module", sorted(modules()))
def test_imports_run_downwards(module):
    rank = ORDER.index(wing(module))
    upward = sorted(target for target in graph()[module]
                    if ORDER.index(wing(target)) > rank and (wing(module), wing(target)) not in SIDE_BY_SIDE)
    assert not upward, f"{module} imports {upward}, which sit above it in {ORDER}"


def test_no_import_circles():
    edges = graph()
    state: dict[str, int] = {}
    circles = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(edges[node]):
            if state.get(target) == 1:
                circles.append(trail[trail.index(target):] + [target])
            elif target not in state:
                visit(target, trail + [target])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert not circles, "import circles: " + "; ".join(" → ".join(c) for c in circles)


def test_the_check_sees_an_upward_import_and_a_circle(tmp_path, monkeypatch):
    """The checks above would catch what they are for: a fake package with both faults."""
    fake = tmp_path / "hkai_publish"
    (fake / "machinery").mkdir(parents=True)
    (fake / "editions").mkdir()
    for init in (fake, fake / "machinery", fake / "editions"):
        (init / "__init__.py").write_text("")
    (fake / "machinery" / "cache.py").write_text("from hkai_publish.editions.site import Output\n")
    (fake / "editions" / "site.py").write_text("def f():\n    from hkai_publish.machinery.cache import x\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    edges = graph()
    assert edges["hkai_publish.machinery.cache"] == {"hkai_publish.editions.site"}
    assert edges["hkai_publish.editions.site"] == {"hkai_publish.machinery.cache"}
    with pytest.raises(AssertionError, match="sit above it"):
        test_imports_run_downwards("hkai_publish.machinery.cache")
    with pytest.raises(AssertionError, match="import circles"):
        test_no_import_circles()
