"""Imports run one way. Two checks:

- every module of the apps imports on its own in a fresh interpreter after django.setup(), so
  a cycle cannot hide behind the order in which something else happened to import it (Django
  is set up once; each module is imported in a forked child of that interpreter, which is the
  same as `python -c "import django; django.setup(); import <module>"` per module, faster);
- the import graph read from the source has no cycle, counting imports inside functions too:
  django.setup() loads every model first, so the first check cannot see a cycle among the
  models' own modules (courses.models.pages -> courses.forms -> courses.models was one), and
  an import moved into a function only hides a cycle."""

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["cms", "courses", "quizzes", "certificates", "content_fixtures", "links"]

CHECK = textwrap.dedent(
    """
    import os, sys, traceback
    import django
    django.setup()
    failed = 0
    for name in sys.argv[1:]:
        pid = os.fork()
        if pid == 0:
            try:
                __import__(name)
            except BaseException:
                print(f"--- {name}", flush=True)
                traceback.print_exc(file=sys.stdout)
                sys.stdout.flush()
                os._exit(1)
            os._exit(0)
        _, status = os.waitpid(pid, 0)
        failed += status != 0
    sys.exit(1 if failed else 0)
    """
)


def app_modules():
    """Every module of the apps, except migrations (Django loads those itself) and the
    settings other than the test settings (production's need its environment)."""
    names = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts or (parts[:2] == ("cms", "settings") and parts[-1] != "test"):
                continue
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def _imported_by(module, path):
    """The app modules `module` imports anywhere in its source (with the packages that come
    with them), leaving out its own parent packages, which are imported before it."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            names.update([base] + [f"{base}.{alias.name}" for alias in node.names])
    found = set()
    for name in names:
        parts = name.split(".")
        found.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return {name for name in found if not module.startswith(name + ".") and name != module}


def import_cycles():
    paths = {name: ROOT / Path(*name.split(".")) for name in app_modules()}
    paths = {name: p / "__init__.py" if p.is_dir() else p.with_suffix(".py") for name, p in paths.items()}
    graph = {name: _imported_by(name, path) & paths.keys() for name, path in paths.items()}
    order, low, stack, cycles = {}, {}, [], []

    def visit(name):  # Tarjan's strongly connected components
        order[name] = low[name] = len(order)
        stack.append(name)
        for other in graph[name]:
            if other not in order:
                visit(other)
                low[name] = min(low[name], low[other])
            elif other in stack:
                low[name] = min(low[name], order[other])
        if low[name] == order[name]:
            component = []
            while not component or component[-1] != name:
                component.append(stack.pop())
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in sorted(graph):
        if name not in order:
            visit(name)
    return cycles


def import_each(modules, pythonpath=ROOT):
    return subprocess.run(
        [sys.executable, "-c", CHECK, *modules],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings.test", "PYTHONPATH": str(pythonpath)},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_every_app_module_imports_on_its_own():
    modules = app_modules()
    assert "courses.models.pages" in modules and "certificates.viewsets" in modules
    result = import_each(modules)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_cycle_is_caught(tmp_path):
    """The check is honest: two modules that need each other's names at import fail it."""
    package = tmp_path / "cyclic"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from cyclic.b import B\nA = 1\n")
    (package / "b.py").write_text("from cyclic.a import A\nB = 2\n")
    result = import_each(["cyclic.a"], pythonpath=f"{ROOT}:{tmp_path}")
    assert result.returncode == 1 and "--- cyclic.a" in result.stdout and "ImportError" in result.stdout


def test_the_import_graph_has_no_cycle():
    assert import_cycles() == []
