"""Promises about the code kept by tests: module size, no import circles, no
private names across modules, ruff clean, explicit tolerances."""
import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "sklearn_demo"
#: The most lines a module of the package may have: past it, split it along
#: a real seam (a concept of its own), as base.py was split.
MAX_MODULE_LINES = 500


def _modules() -> dict[str, Path]:
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(REPO).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


MODULES = _modules()


def _imports(module: str, path: Path, *, top_level: bool):
    """(imported module or package, name) of each ``from sklearn_demo... import
    name`` of ``module``: the module-level ones, or every one."""
    tree = ast.parse(path.read_text())
    nodes = tree.body if top_level else list(ast.walk(tree))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] == "sklearn_demo":
                for alias in node.names:
                    yield target, alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "sklearn_demo":
                    yield alias.name, None


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_module_stays_under_the_line_cap(module):
    lines = len(MODULES[module].read_text().splitlines())
    assert lines <= MAX_MODULE_LINES, (
        f"{module} has {lines} lines, over {MAX_MODULE_LINES}: split it along a seam")


def test_no_import_circle_among_the_packages_modules():
    """Module-level imports only: an import inside a function runs after every
    module is loaded, the usual way to reach a heavy optional dependency."""
    graph = {module: set() for module in MODULES}
    for module, path in MODULES.items():
        for target, name in _imports(module, path, top_level=True):
            imported = f"{target}.{name}" if f"{target}.{name}" in MODULES else target
            if imported in MODULES and imported != module:
                graph[module].add(imported)
    state: dict[str, str] = {}

    def visit(module: str, trail: list[str]) -> None:
        state[module] = "open"
        for other in sorted(graph[module]):
            if state.get(other) == "open":
                circle = trail[trail.index(other):] + [module, other]
                pytest.fail("import circle: " + " -> ".join(circle))
            if other not in state:
                visit(other, trail + [module])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [])


def test_no_private_name_is_imported_from_another_module():
    """A name starting with ``_`` belongs to its module; a private module
    (``_validation``) may be imported, its public names used."""
    found = []
    for module, path in MODULES.items():
        for target, name in _imports(module, path, top_level=False):
            private = (name is not None and name.startswith("_") and not name.startswith("__")
                       and f"{target}.{name}" not in MODULES)
            if private and target != module:
                found.append(f"{module} imports {name} from {target}")
    assert found == []


def test_ruff_finds_nothing():
    """The rule set is pyproject.toml's [tool.ruff] (pyflakes, pycodestyle)."""
    try:
        import ruff  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("ruff is not installed; it is in the test extras")
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    result = subprocess.run([sys.executable, "-m", "ruff", "check", str(REPO)],
                            capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr


def test_float_comparisons_in_the_tests_state_an_absolute_tolerance():
    """``assert_allclose`` defaults to atol=0: a value near zero (a logit
    difference, an attribution) then fails on float32 rounding on another
    CPU. Each call states its atol."""
    missing = []
    for path in sorted((REPO / "tests").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "assert_allclose"
                    and "atol" not in {keyword.arg for keyword in node.keywords}):
                missing.append(f"{path.name}:{node.lineno}")
    assert missing == []
