"""The house: folders are the stages data flows through, and no module imports itself back in a circle.

Every import is counted, also the ones inside functions (a lazy import is still a dependency), so a circle cannot
hide behind a function-level import.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "ena_grunddata"

# The stages in the order data flows through them; a stage may import only itself, the foundations and the stages
# before it. `commands` is the command line on top of everything.
STAGES = ("load", "description", "validation", "render", "publish", "harvest", "commands")
FOUNDATIONS = {"errors", "namespaces", "report", "atomic", "resources", "http", "messages", "text", "version", "canonical",
               "process", "__init__", "__main__", "data", "shapes", "vocabularies"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """Every ena_grunddata module this file imports, at any depth of the file."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("ena_grunddata"):
                continue
            for alias in node.names:  # `from . import http` imports a module, not the package's own names
                found.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in modules else target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("ena_grunddata"))
    return found


def module_graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in files.items():
        graph[name] = {target for target in imports_of(path, set(files)) if target in files and target != name}
    return graph


def stage_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan, iterative)."""
    index, low, on_stack, stack, result, counter = {}, {}, set(), [], [], [0]
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
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
                    result.append(sorted(component))
    return result


def test_no_module_imports_itself_back():
    graph = module_graph()
    # a package's __init__ re-exporting its own rooms is not a circle of the data flow
    for name in graph:
        graph[name] = {t for t in graph[name] if not (t.startswith(name + ".") and name.count(".") >= 1)}
    assert cycles(graph) == []


def test_stages_import_only_earlier_stages_and_foundations():
    order = {stage: position for position, stage in enumerate(STAGES)}
    wrong = []
    for name, targets in module_graph().items():
        source_stage = stage_of(name)
        if source_stage not in order:
            continue
        for target in targets:
            target_stage = stage_of(target)
            if target_stage in FOUNDATIONS or target_stage == source_stage:
                continue
            if target_stage not in order or order[target_stage] > order[source_stage]:
                wrong.append(f"{name} -> {target}")
    assert wrong == []


def test_foundations_import_no_stage():
    wrong = [f"{name} -> {target}" for name, targets in module_graph().items()
             if stage_of(name) in FOUNDATIONS - {"__init__", "__main__"}
             for target in targets if stage_of(target) in STAGES]
    assert wrong == []


def test_every_stage_is_a_folder_and_no_loose_modules():
    loose = sorted(p.stem for p in PACKAGE.glob("*.py")) 
    assert set(loose) <= FOUNDATIONS, set(loose) - FOUNDATIONS
    for stage in STAGES:
        assert (PACKAGE / stage / "__init__.py").is_file(), stage
