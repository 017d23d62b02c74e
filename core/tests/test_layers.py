"""The layers of DESIGN.md: a lower app never imports a higher one, at module level or inside a function.

    core ← brands ← accounts ← notices ← training ← employment ← followups ← subsidies ← plans ← plantasks ← dashboard ← inbox ← qinzhou_brands

Tooling (`demo/`, the benchmarks, the load test) may import every app; no app imports tooling. Tests and
migrations are not product code and are not checked; neither are imports by name at run time
(`importlib.import_module("…")`, `apps.get_model("app", "Model")`)."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LAYERS = (
    "core",
    "brands",
    "accounts",
    "notices",
    "training",
    "employment",
    "followups",
    "subsidies",
    "plans",
    "plantasks",
    "dashboard",
    "inbox",
    "qinzhou_brands",
)
TOOLING = ("demo", "benchmarks", "loadtest")
RANK = {name: rank for rank, name in enumerate(LAYERS)} | dict.fromkeys(TOOLING, len(LAYERS))
NOT_PRODUCT = {"tests", "migrations"}


def imported_modules(tree: ast.AST):
    """(line, module) of every absolute import in the tree, wherever it stands (functions, classes, ifs)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def forbidden_imports(source: str, *, package: str, filename: str) -> list[str]:
    """One message per import in `source` (a module of `package`) of a package above it or of tooling."""
    problems = []
    for line, module in imported_modules(ast.parse(source, filename=filename)):
        target = module.split(".")[0]
        if target not in RANK or target == package:
            continue
        if target in TOOLING:
            problems.append(f"{filename}:{line}: `{module}` is tooling: no app imports {target}/")
        elif RANK[target] > RANK[package]:
            problems.append(
                f"{filename}:{line}: `{module}` is above {package} (layers: {' ← '.join(LAYERS)}); "
                f"move the code down to {package} or below, or pass it in"
            )
    return problems


def product_modules():
    for package in LAYERS:
        for path in sorted((ROOT / package).rglob("*.py")):
            if not NOT_PRODUCT & set(path.relative_to(ROOT).parts):
                yield package, path


def test_no_app_imports_one_above_it_or_tooling():
    problems = []
    for package, path in product_modules():
        source = path.read_text(encoding="utf-8")
        problems += forbidden_imports(source, package=package, filename=str(path.relative_to(ROOT)))
    assert not problems, "\n".join(["An app imports one above it:", *problems])


def test_every_project_app_has_a_layer():
    local = {entry.split(".")[0] for entry in settings.INSTALLED_APPS if (ROOT / entry.split(".")[0]).is_dir()}
    assert local <= set(RANK), f"apps without a layer (add them to LAYERS or TOOLING): {sorted(local - set(RANK))}"
    assert set(LAYERS) <= local  # and the layers name no app that is gone


def test_the_checker_finds_imports_at_module_level_and_inside_functions():
    source = """
import training.models
from subsidies import workflow
from brands.models import Area
from . import selectors

def later():
    from dashboard.selectors import progress
    import demo.scale
    return progress
"""
    assert forbidden_imports(source, package="accounts", filename="accounts/planted.py") == [
        "accounts/planted.py:2: `training.models` is above accounts (layers: "
        "core ← brands ← accounts ← notices ← training ← employment ← followups ← subsidies ← plans ← plantasks ← dashboard ← inbox ← qinzhou_brands); "
        "move the code down to accounts or below, or pass it in",
        "accounts/planted.py:3: `subsidies` is above accounts (layers: "
        "core ← brands ← accounts ← notices ← training ← employment ← followups ← subsidies ← plans ← plantasks ← dashboard ← inbox ← qinzhou_brands); "
        "move the code down to accounts or below, or pass it in",
        "accounts/planted.py:8: `dashboard.selectors` is above accounts (layers: "
        "core ← brands ← accounts ← notices ← training ← employment ← followups ← subsidies ← plans ← plantasks ← dashboard ← inbox ← qinzhou_brands); "
        "move the code down to accounts or below, or pass it in",
        "accounts/planted.py:9: `demo.scale` is tooling: no app imports demo/",
    ]


@pytest.mark.parametrize("package", ["core", "brands"])
def test_the_bottom_layers_import_no_app_above_them(package):
    assert forbidden_imports("from accounts.scoping import scope_for", package=package, filename="x.py")
    assert not forbidden_imports("from core.xlsx import safe_cell", package=package, filename="x.py")


def test_tooling_and_the_top_may_import_every_app_and_lookups_by_name_are_out_of_scope():
    source = "import dashboard.selectors\nfrom subsidies.models import Budget\nimport importlib\n"
    source += "importlib.import_module('dashboard.views')\n"
    assert forbidden_imports(source, package="demo", filename="demo/load.py") == []
    assert forbidden_imports(source, package="qinzhou_brands", filename="qinzhou_brands/urls.py") == []
    assert forbidden_imports("importlib.import_module('dashboard.views')", package="core", filename="x.py") == []
