"""The package's layout: ``cleaner/`` the cleaning pipeline, ``cleaner/training/`` what trains
and measures the model. No import cycle, and the runtime never imports the training code, so
that cleaning loads neither it nor what it needs. The graph is read from the source with ast:
every import counts, at module level, inside a function or under TYPE_CHECKING."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "cleaner"
TRAINING = "cleaner.training"
#: The modules that may import the training code: the command line, for `cleaner train` and
#: `cleaner evaluate` (lazily, inside them) and for train's settings in its --help.
ENTRY_POINTS = {"cleaner.cli"}


def module_files(package: Path) -> dict[str, Path]:
    """Every module of ``package`` by its dotted name (a package by its ``__init__.py``)."""
    files = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        files[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return files


def extension_modules(package: Path) -> set[str]:
    """The modules of ``package`` written in C (``cleaner._native``): by their source, or
    the built file where there is one. They import nothing of the package."""
    return {".".join((*path.relative_to(package.parent).parent.parts, path.name.split(".")[0]))
            for path in package.rglob("*") if path.suffix in (".c", ".so", ".pyd")}


def import_graph(package: Path) -> dict[str, set[str]]:
    """For each module of ``package``, the modules of ``package`` it imports anywhere in it
    (``from cleaner import warc`` imports the module cleaner.warc; ``from cleaner import
    Cleaner`` the package itself)."""
    files = module_files(package)
    submodules = files.keys() | extension_modules(package)
    graph = {}
    for name, path in files.items():
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        imported = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: from the package `level` steps up from here
                    anchor = here.rsplit(".", node.level - 1)[0]
                    base = f"{anchor}.{base}" if base else anchor
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    imported.add(sub if sub in submodules else base)
        graph[name] = {m for m in imported if m in files and m != name}
    return graph


def a_cycle(graph: dict[str, set[str]]) -> list[str]:
    """Modules that import each other in a ring, each importing the next, the first one again
    at the end; [] if none."""
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as exc:  # each node a predecessor (an import) of the next
        return exc.args[1][::-1]
    return []


def _in_training(module: str) -> bool:
    return module == TRAINING or module.startswith(f"{TRAINING}.")


def test_the_package_imports_no_cycle():
    cycle = a_cycle(import_graph(PACKAGE))
    assert not cycle, "import cycle: " + " -> ".join(cycle)


def test_the_runtime_never_imports_the_training_code():
    graph = import_graph(PACKAGE)
    assert {"cleaner.training.train", "cleaner.training.evaluate"} <= graph.keys()
    assert {"cleaner.training.train", "cleaner.training.evaluate"} <= graph["cleaner.cli"]
    runtime = [m for m in graph if not _in_training(m) and m not in ENTRY_POINTS]
    assert {"cleaner", "cleaner.pipeline", "cleaner.batch", "cleaner.sinks"} <= set(runtime)
    wrong = {m: sorted(filter(_in_training, graph[m])) for m in runtime
             if any(map(_in_training, graph[m]))}
    assert not wrong, f"runtime modules that import the training code: {wrong}"


def test_the_graph_counts_every_import_and_names_a_cycle(tmp_path: Path):
    """The checker itself, on a made-up package: an import inside a function, one under
    TYPE_CHECKING, ``from pkg import module`` (a C one too), relative imports, and the ring
    they make."""
    files = {
        "__init__.py": "",
        "_fast.c": "",
        "a.py": "from pkg import _fast\n\n\ndef f():\n    from pkg.b import x\n    return x\n",
        "b.py": "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from pkg import sub\n"
                "x = 1\n",
        "sub/__init__.py": "from . import c\n",
        "sub/c.py": "import pkg.b\nfrom .. import a\n",
    }
    for name, text in files.items():
        (tmp_path / "pkg" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "pkg" / name).write_text(text, encoding="utf-8")
    graph = import_graph(tmp_path / "pkg")
    assert graph == {"pkg": set(), "pkg.a": {"pkg.b"}, "pkg.b": {"pkg.sub"},
                     "pkg.sub": {"pkg.sub.c"}, "pkg.sub.c": {"pkg.a", "pkg.b"}}
    cycle = a_cycle(graph)
    assert len(cycle) >= 4 and cycle[0] == cycle[-1]
    assert all(b in graph[a] for a, b in zip(cycle, cycle[1:]))
    graph["pkg.sub.c"] = set()
    assert a_cycle(graph) == []
