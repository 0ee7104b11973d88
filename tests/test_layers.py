"""The house: every module of Haven is on a floor, no import runs from a lower floor up, and
no two packages import each other (directly or round a longer circle).

Imports are read with `ast` from the source, every one of them: at the top of a module,
inside a function (a lazy import is still a dependency), or under `if TYPE_CHECKING`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "haven"

GROUND = {"haven", "haven.errors", "haven.interrupt", "haven.example", "haven.locate", "haven.languages",
          "haven.dates", "haven.placeholders", "haven.ui", "haven.markdown", "haven.sms",
          "haven.cache", "haven.template_cache", "haven.templating", "haven.localserver", "haven.output", "haven.scaffold", "haven.spreadsheet",
          "haven.guides", "haven.memo"}
"""Leaves: they know nothing of a hub's content, only of text, languages, files and errors."""

MIDDLE = {"content", "model", "costs", "phones", "i18n", "render", "print", "outreach",
          "opendata", "check", "privacy", "offline", "hosting"}
"""What a hub is and what Haven makes of it (packages, and root modules that read content
records: costs and phones interpret a service's costs and a phone record)."""

TOP = {"build", "workers", "incremental", "staff", "serve", "editor", "cli"}
"""The pipeline and the commands: they may use everything below. The pipeline is build (its
map), workers (each language's part, on every core), incremental (what a build may keep) and
staff (the staff report, from what the render step recorded)."""

FLOORS = {"ground": 0, "middle": 1, "top": 2}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def unit(module: str) -> str:
    """The package (or root module) a module belongs to: haven.i18n.catalog → i18n."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "haven"


def floor(module: str) -> str:
    if module in GROUND:
        return "ground"
    if unit(module) in MIDDLE:
        return "middle"
    if unit(module) in TOP:
        return "top"
    raise AssertionError(f"{module} is on no floor: add it to GROUND, MIDDLE or TOP")


def imports(module: str) -> Iterator[tuple[str, int]]:
    """Every Haven module `module` imports, with the line, resolved to a module that exists
    (`from haven.x import name` is haven.x.name when that is a module, else haven.x)."""
    path = MODULES[module]
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[:len(package) - node.level + 1] + ([base] if base else []))
            names = [f"{base}.{alias.name}" for alias in node.names]
            names = [name if name in MODULES else base for name in names]
        for name in names:
            while name not in MODULES and "." in name:
                name = name.rsplit(".", 1)[0]
            if name in MODULES and name != module and name.startswith("haven"):
                yield name, node.lineno


EDGES = {module: sorted(set(imports(module))) for module in MODULES}


def test_every_module_is_on_a_floor() -> None:
    assert len(MODULES) > 50
    for module in MODULES:
        floor(module)


def test_no_import_runs_from_a_lower_floor_up() -> None:
    upward = [f"{MODULES[m].relative_to(SRC.parent)}:{line}: {m} ({floor(m)}) imports "
              f"{target} ({floor(target)})"
              for m, targets in EDGES.items() for target, line in targets
              if FLOORS[floor(target)] > FLOORS[floor(m)]]
    assert upward == []


def package_cycles() -> list[list[str]]:
    """Strongly connected groups of two or more packages (Tarjan's algorithm)."""
    graph: dict[str, set[str]] = {}
    for module, targets in EDGES.items():
        graph.setdefault(unit(module), set()).update(
            unit(target) for target, _ in targets if unit(target) != unit(module))
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_no_two_packages_import_each_other() -> None:
    cycles = package_cycles()
    details = [f"{m} → {t}" for cycle in cycles for m, targets in EDGES.items()
               for t, _ in targets if unit(m) in cycle and unit(t) in cycle and unit(m) != unit(t)]
    assert cycles == [], "\n".join(details)


@pytest.mark.parametrize("module", sorted(m for m in MODULES if unit(m) != "cli"))
def test_commands_live_only_in_the_cli_package(module: str) -> None:
    """A click command or group outside haven.cli would be a command nobody registers."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                call = decorator.func if isinstance(decorator, ast.Call) else decorator
                assert not (isinstance(call, ast.Attribute) and call.attr in {"command", "group"}), (
                    f"{module}: {node.name} is a command outside haven.cli")


def test_the_checker_sees_what_it_should() -> None:
    """The import reader resolves the forms Haven uses, so the tests above cannot pass by
    seeing nothing."""
    assert ("haven.languages", 0) not in EDGES["haven.model"]
    model_targets = {target for target, _ in EDGES["haven.model"]}
    assert {"haven.languages", "haven.content.validate", "haven.content.facets"} <= model_targets
    # A lazy import inside a function counts: validation plans the directory's filters.
    assert "haven.content.facets" in {t for t, _ in EDGES["haven.content.validate"]}
    # `from haven.cli.options import …` and `from haven import __version__`.
    assert "haven.cli.options" in {t for t, _ in EDGES["haven.cli.commands.build"]}
    assert "haven" in {target for target, _ in EDGES["haven.cli"]}


def test_every_command_is_found_where_the_cli_says() -> None:
    """The `haven` group imports a command's module only when it runs (haven.cli.COMMANDS):
    each entry names a real command of that name, on the floor of the commands."""
    import click

    from haven.cli import COMMANDS, main

    assert main.list_commands(click.Context(main)) == sorted(COMMANDS)
    for name, where in COMMANDS.items():
        assert where.startswith("haven.cli.commands."), where
        command = main.get_command(click.Context(main), name)
        assert isinstance(command, click.Command) and command.name == name, where
    assert main.get_command(click.Context(main), "no-such-command") is None


FACTORIES = {"Environment": "haven.templating", "MarkdownIt": "haven.markdown"}
"""What only one module may construct: every Jinja environment and every Markdown parser
comes from one factory, so autoescape and raw-HTML-off cannot be forgotten in one place."""


def test_jinja_and_markdown_are_made_in_one_place_each() -> None:
    made = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in FACTORIES and module_name(path) != FACTORIES[name]:
                    made.append(f"{module_name(path)}:{node.lineno}: {name}(…)")
    assert made == [], "use haven.templating.environment() or haven.markdown.parser()"
    assert FACTORIES["Environment"] in {module_name(p) for p in PACKAGE.rglob("*.py")}
