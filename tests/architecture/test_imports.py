"""The architecture's import rules, read from the source: one-way flow, no cycles, no hidden ones."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("xietiao", "server", "generator", "cli")

# What each part must never import (its own modules or third-party ones).
FORBIDDEN = {
    "xietiao": ("server", "generator", "cli", "starlette", "mkdocs", "material", "uvicorn"),
    "server": ("generator", "cli", "mkdocs", "material"),
    "generator": ("server", "cli", "starlette", "uvicorn"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}


def imports_of(name: str, path: Path) -> set[str]:
    """Every module `path` imports, at the top or inside a function (a lazy import is still an edge)."""
    tree = ast.parse(path.read_text("utf-8"))
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            # `from pkg import module` names a module too.
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: {m for m in imports_of(name, path) if m in modules and m != name} for name, path in modules.items()}


def strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; components of more than one module are cycles."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in edges:
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycles_between_modules_even_inside_functions() -> None:
    edges = graph()
    # A package's __init__ is imported with every module inside it; that is not a cycle of the code.
    edges = {m: {t for t in targets if not m.startswith(t + ".")} for m, targets in edges.items()}
    assert strongly_connected(edges) == []


def test_no_import_cycles_between_subpackages() -> None:
    def package(module: str) -> str:
        return module if (ROOT / module.replace(".", "/")).is_dir() else module.rpartition(".")[0]

    edges: dict[str, set[str]] = {}
    for source, targets in graph().items():
        edges.setdefault(package(source), set()).update(package(t) for t in targets if package(t) != package(source))
    for targets in list(edges.values()):
        for t in targets:
            edges.setdefault(t, set())
    # A part's top-level modules are its shared core (the domain's model and units, the server's
    # context, the generator's links) and its assembly (the rulebook); cycles through them are judged
    # module by module above. Between subpackages (store, forms, cycle, ledger, ...) none may exist.
    edges = {p: {t for t in ts if t not in PACKAGES} for p, ts in edges.items() if p not in PACKAGES}
    assert strongly_connected(edges) == []


def test_each_part_imports_only_what_its_layer_allows() -> None:
    breaches = []
    for name, path in project_modules().items():
        part = name.split(".")[0]
        for imported in imports_of(name, path):
            top = imported.split(".")[0]
            if top in FORBIDDEN.get(part, ()):
                breaches.append(f"{name} imports {imported}")
    assert breaches == []


def test_the_checker_sees_a_planted_cycle_and_a_lazy_import(tmp_path: Path) -> None:
    # The walk must find imports inside function bodies; prove it on the real server's publisher,
    # which must reach the generator only through an injected builder.
    publisher = ROOT / "server" / "publisher.py"
    lazy = ast.parse("def f():\n    from generator.build import publish\n")
    assert any(isinstance(n, ast.ImportFrom) for n in ast.walk(lazy))
    planted = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert strongly_connected(planted) == [["a", "b", "c"]]
    assert "generator.build" not in imports_of("server.publisher", publisher)


def test_modules_and_folders_stay_small() -> None:
    too_long = []
    crowded = []
    for folder in [ROOT / p for p in (*PACKAGES, "tests", "checks", "bench")]:
        for directory in [folder, *[d for d in folder.rglob("*") if d.is_dir() and d.name != "__pycache__"]]:
            modules = sorted(directory.glob("*.py"))
            if len(modules) > 15:
                crowded.append(f"{directory.relative_to(ROOT)}: {len(modules)} modules")
            too_long += [
                f"{m.relative_to(ROOT)}: {n} lines"
                for m in modules
                if (n := len(m.read_text("utf-8").splitlines())) > 400
            ]
    assert too_long == [] and crowded == []


def test_every_package_says_what_lives_there_and_what_it_may_import() -> None:
    missing = []
    for name, path in project_modules().items():
        doc = ast.get_docstring(ast.parse(path.read_text("utf-8")))
        if not doc:
            missing.append(f"{name}: no docstring")
        elif path.name == "__init__.py" and "import" not in doc:
            missing.append(f"{name}: the docstring does not say what it may import")
    assert missing == []
