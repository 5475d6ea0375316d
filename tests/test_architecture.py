"""The tree is the pipeline: stages import only the stages below them, no module cycles, deferred imports say why.

The layers contract itself lives in pyproject.toml ([tool.importlinter]); this
test runs import-linter on it, and checks what import-linter does not: cycles
between modules of one stage, and that each import made inside a function says
in a comment why it is deferred.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "taq_news"


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _module_level_imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Modules of the package this one imports when it is loaded (not inside functions)."""
    tree = ast.parse(path.read_text("utf-8"))
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("taq_news"):
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in known else node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name in known}
    found.discard(name)
    return found


def test_the_layers_contract_holds():
    """import-linter's layers contract from pyproject.toml: no stage imports one above it."""
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint, "import-linter is not installed (make install)"
    run = subprocess.run([lint, "--config", str(ROOT / "pyproject.toml")], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout and "kept" in run.stdout


def test_the_contract_names_every_stage():
    """A new top-level folder must take its place in the layers, or the contract would not see it."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    layers = {name.strip() for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers" for layer in c["layers"] for name in layer.split("|")}
    stages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").is_file()}
    assert stages == layers


def test_no_module_cycles():
    modules = _modules()
    known = set(modules)
    graph = {name: _module_level_imports(name, path, known) for name, path in modules.items()}
    # A package's __init__ runs before its modules: an __init__ re-exporting a module is no cycle of ours to break.
    for name in graph:
        graph[name] = {m for m in graph[name] if not name.startswith(m + ".")}
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt] if nxt in stack else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert not cycles, cycles


def _functions_with_imports(tree: ast.AST):
    """Each function with the imports it makes itself (not those of functions nested in it)."""
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            own, todo = [], list(fn.body)
            while todo:
                node = todo.pop()
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    own.append(node)
                elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    todo.extend(ast.iter_child_nodes(node))
            if own:
                yield fn, sorted(own, key=lambda n: n.lineno)


def test_every_deferred_import_says_why():
    """Imports inside functions only where they save start-up time (or keep a lower stage light), each
    saying why in a comment: on its own line or the line above, or once for the function at its first import."""
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        lines = path.read_text("utf-8").splitlines()

        def said(node: ast.stmt, lines: list[str] = lines) -> bool:  # this file's lines, bound now
            return any("#" in lines[i - 1] for i in range(max(1, node.lineno - 1), (node.end_lineno or node.lineno) + 1))

        for _fn, imports in _functions_with_imports(ast.parse("\n".join(lines))):
            if said(imports[0]):
                continue
            missing += [f"{path.relative_to(ROOT)}:{node.lineno}" for node in imports if not said(node)]
    assert not missing, "deferred imports without a comment saying why: " + ", ".join(missing)


def test_every_package_says_what_it_is():
    for init in sorted(PACKAGE.rglob("__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text("utf-8")))
        assert doc, f"{init.relative_to(ROOT)} has no docstring"
        assert doc.splitlines()[0].strip(), f"{init.relative_to(ROOT)}: the docstring's first line is empty"


@pytest.mark.parametrize("stage", ["core", "sources", "annotations", "validation", "corpus"])
def test_lower_stages_never_write(stage):
    """Only publishing (the one writer) and above put files on disk: the checks and the corpus are pure."""
    for path in sorted((PACKAGE / stage).rglob("*.py")):
        text = path.read_text("utf-8")
        for needle in (".write_bytes(", ".write_text(", 'open(path, "w', "os.replace(", ".unlink("):
            assert needle not in text, f"{path.relative_to(ROOT)} writes ({needle}); write through taq_news.publishing.output"


def test_the_pre_commit_hooks_run_the_pinned_tools():
    """Each local hook runs a tool that `make install` puts in .venv (no hook repository is fetched)."""
    import yaml

    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text("utf-8"))
    hooks = [h for repo in config["repos"] for h in repo["hooks"]]
    assert {h["id"] for h in hooks} >= {"ruff", "mypy", "import-linter"}
    for hook in hooks:
        assert all(repo["repo"] == "local" for repo in config["repos"])
        words = hook["entry"].replace("'", " ").split()
        tool = next(w for w in words if w.startswith(".venv/bin/"))
        assert (ROOT / tool).is_file(), f"{hook['id']}: {tool} is not installed by make install"
