"""The packages keep to their layers: a forbidden import, anywhere in a module, fails here.

The rules (also in the README's "Layout"):

- `workflows/` (the rules, the engine, storage) imports none of `windows/`, `guides/`, `audit/`,
  `service`, `bench/`, `tests/`, and no web or template library (FastAPI, Starlette, uvicorn,
  Jinja2, MarkupSafe, WeasyPrint). Other packages plug into an office through its hooks
  (workflows/office.py), named by whoever builds the office.
- `guides/` (rendering) imports `workflows/` only: not `windows/`, `audit/`, `service`, nor an HTTP
  library; its routes live in `windows/`.
- `audit/` (the auditor's measures) imports `workflows/` and `guides/` (to print its report): not
  `windows/`, `service`, nor an HTTP library; and it renders no template of `windows/` (nor does
  `guides/` or `workflows/`): a string naming one is a dependency an import check cannot see.
- `inspections/` (the licence register, and 双随机一公开 on it) imports `workflows/` only: not `windows/`,
  `guides/`, `audit/`, `service`, nor a web or template library; it plugs into the office as audit/ does.
- `windows/` (HTTP) may import all four, but not `jobs/`, `service`, `bench/` or `tests/`.
- `jobs/` (who runs the schedule: the job queue, the in-process runner) imports `workflows/` only.
- No import cycle between any two modules of these packages (and `service`).

One module is exempt: `workflows/migrations/env.py`, Alembic's environment. The migrations are the
schema of the whole database, the auditor's tables included, so it registers every package's tables
(for `alembic revision --autogenerate`); no module imports it, Alembic runs it by path.

Every import counts, including those inside functions: a deferred import is still a dependency,
only one that shows later.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("workflows", "windows", "guides", "audit", "jobs", "inspections")
PROJECT = (*PACKAGES, "service", "bench", "tests")
HTTP = ("fastapi", "fastapi_offline", "starlette", "uvicorn")
TEMPLATING = ("jinja2", "markupsafe", "weasyprint")
QUEUE = ("procrastinate",)  # the job queue is wiring in jobs/: the task functions know nothing of it

# package → the top-level names its modules must not import
FORBIDDEN = {
    "workflows": {"windows", "guides", "audit", "jobs", "inspections", "service", "bench", "tests", *HTTP,
                  *TEMPLATING, *QUEUE},
    "guides": {"windows", "audit", "jobs", "inspections", "service", "bench", "tests", *HTTP, *QUEUE},
    "audit": {"windows", "jobs", "inspections", "service", "bench", "tests", *HTTP, *QUEUE},
    "windows": {"jobs", "service", "bench", "tests", *QUEUE},
    "jobs": {"windows", "guides", "audit", "inspections", "service", "bench", "tests", *HTTP, *TEMPLATING},
    "inspections": {"windows", "guides", "audit", "jobs", "service", "bench", "tests", *HTTP, *TEMPLATING, *QUEUE},
}
WINDOWS_TEMPLATES = ROOT / "windows" / "templates"
EXEMPT = {"workflows.migrations.env",  # the whole database's schema: see the module's docstring
          # the migration that applies the job queue's own schema on `db upgrade`, as the README says
          "workflows.migrations.versions.0006_scheduled_runs_deadline_marks_job_queue"}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted
    target: str  # what it imports, dotted (for `from a import b`, both a and a.b are recorded)
    line: int


def project_modules() -> dict[str, Path]:
    found = {"service": ROOT / "service.py"}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports_of(module: str, path: Path) -> list[Import]:
    """Every import in the file, at any depth (functions, conditionals, try blocks)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [Import(module, alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the package the module is in
                package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
                base = ".".join(package[:len(package) - node.level + 1] + ([base] if base else []))
            found.append(Import(module, base, node.lineno))
            found += [Import(module, f"{base}.{alias.name}", node.lineno) for alias in node.names]
    return found


def all_imports() -> list[Import]:
    return [i for module, path in project_modules().items() for i in imports_of(module, path)]


def forbidden_imports(imports: list[Import]) -> list[str]:
    broken = []
    for i in imports:
        package = i.module.split(".")[0]
        if i.module not in EXEMPT and i.target.split(".")[0] in FORBIDDEN.get(package, ()):
            broken.append(f"{i.module} (line {i.line}) imports {i.target}")
    return sorted(set(broken))


def cycles(imports: list[Import]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    modules = project_modules()
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for i in imports:
        if i.target in modules and i.target != i.module:
            graph[i.module].add(i.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while (w := stack.pop()) != v:
                component.append(w)
            if component:
                found.append(sorted([v, *component]))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_no_package_imports_what_its_layer_forbids():
    assert forbidden_imports(all_imports()) == []


def test_no_two_modules_import_each_other_even_through_others():
    assert cycles(all_imports()) == []


def test_only_windows_names_its_own_templates():
    names = {p.relative_to(WINDOWS_TEMPLATES).as_posix() for p in WINDOWS_TEMPLATES.rglob("*") if p.is_file()}
    naming = []
    for module, path in project_modules().items():
        if module.split(".")[0] in ("workflows", "guides", "audit", "inspections"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and node.value in names:
                    naming.append(f"{module} (line {node.lineno}) names windows/templates/{node.value}")
    assert naming == []


# ---- the checks themselves catch what they are for ------------------------------------

@pytest.mark.parametrize("module, source", [
    ("workflows.cases", "def f():\n    from audit.facts import install\n"),
    ("workflows.engine", "from inspections.register import install\n"),
    ("inspections.register", "from windows.deps import SessionDep\n"),
    ("workflows.engine", "import fastapi.responses\n"),
    ("guides.render", "from windows.deps import OfficeDep\n"),
    ("audit.report", "from windows import rendering\n"),
    ("guides.papers", "try:\n    import starlette\nexcept ImportError:\n    pass\n"),
])
def test_an_import_across_a_layer_is_reported(tmp_path, module, source):
    path = tmp_path / "module.py"
    path.write_text(source, encoding="utf-8")
    assert forbidden_imports(imports_of(module, path)) != []


def test_a_cycle_through_a_function_level_import_is_reported(tmp_path, monkeypatch):
    back = tmp_path / "fonts.py"
    back.write_text("def cut():\n    from guides.cache import write_atomic\n", encoding="utf-8")
    imports = [i for i in all_imports() if i.module != "guides.fonts"] + imports_of("guides.fonts", back)
    assert ["guides.cache", "guides.fonts", "guides.pdf"] in cycles(imports)
