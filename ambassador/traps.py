"""The team's traps, as a check that `make test` runs: `python -m ambassador.traps [paths]`.

Each rule is a mistake this codebase has made or nearly made, that ruff does not catch:

- AMB001 bare `select_related()`: follows every non-null foreign key, however deep;
  name the relations (`select_related("module__course")`).
- AMB002 `.count() > 0` (or `!= 0`, `>= 1`): counts every row to answer "is there
  one?"; use `.exists()`.
- AMB003 naive `datetime.now()` / `datetime.utcnow()` / `datetime.today()`: use
  `django.utils.timezone.now()` (aware; `time_machine` moves it in tests).
- AMB004 a model import inside a migration: migrations see the historical model through
  `apps.get_model("app", "Model")`; today's class breaks old migrations as it changes.

A line may opt out with `# traps: ok AMB00N because ...` (say why).
"""

import ast
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

SKIP_DIRS = {".venv", "node_modules", "staticfiles", "media", ".git", "__pycache__"}
OPT_OUT = re.compile(r"#\s*traps:\s*ok\s+(AMB\d{3})")

MESSAGES = {
    "AMB001": 'bare select_related(): name the relations, e.g. select_related("module__course")',
    "AMB002": "counting to test for existence: use .exists() instead of .count() compared to 0",
    "AMB003": "naive datetime: use django.utils.timezone.now()",
    "AMB004": 'model import in a migration: use apps.get_model("app_label", "Model")',
}


@dataclass(frozen=True, order=True)
class Trap:
    path: str
    line: int
    column: int
    code: str

    def __str__(self):
        return f"{self.path}:{self.line}:{self.column}: {self.code} {MESSAGES[self.code]}"


def _is_call_to(node: ast.AST, name: str) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == name
    )


def _is_zero_or_one(node: ast.AST, values: tuple[int, ...]) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) is int and node.value in values


def _counts_for_existence(node: ast.Compare) -> bool:
    """`x.count() > 0`, `!= 0`, `>= 1`, and the same written the other way round."""
    if len(node.ops) != 1:
        return False
    left, op, right = node.left, node.ops[0], node.comparators[0]
    if _is_call_to(left, "count") and not left.args:
        return (isinstance(op, ast.Gt | ast.NotEq) and _is_zero_or_one(right, (0,))) or (
            isinstance(op, ast.GtE) and _is_zero_or_one(right, (1,))
        )
    if _is_call_to(right, "count") and not right.args:
        return (isinstance(op, ast.Lt | ast.NotEq) and _is_zero_or_one(left, (0,))) or (
            isinstance(op, ast.LtE) and _is_zero_or_one(left, (1,))
        )
    return False


def _is_naive_now(node: ast.Call) -> bool:
    func = node.func
    if not isinstance(func, ast.Attribute):
        return False
    owner = func.value
    owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
    if owner_name != "datetime":
        return False
    if func.attr in ("utcnow", "today"):
        return True
    return func.attr == "now" and not node.args and not node.keywords


_MODELS_MODULE = re.compile(r"(^|\.)models$")


def _is_field_library(module: str) -> bool:
    """`django.db.models` (fields, Q, F, deletion) is what migrations are written in."""
    return module == "django.db" or module.startswith("django.db.")


def _imports_models(node: ast.AST) -> bool:
    """`import people.models`, `from people.models import X`, `from people import models`,
    `from django.contrib.auth.models import Group`, `from ..models import X`."""
    if isinstance(node, ast.Import):
        return any(
            _MODELS_MODULE.search(alias.name) and not _is_field_library(alias.name)
            for alias in node.names
        )
    if isinstance(node, ast.ImportFrom):
        module = node.module or ""
        if _is_field_library(module):
            return False
        return bool(_MODELS_MODULE.search(module)) or any(
            alias.name == "models" for alias in node.names
        )
    return False


def traps_in_source(source: str, path: str = "<source>") -> list[Trap]:
    """Every trap in one file's source. `path` decides whether it is a migration."""
    tree = ast.parse(source, filename=path)
    in_migration = "migrations" in Path(path).parts
    found = []
    for node in ast.walk(tree):
        code = None
        if _is_call_to(node, "select_related") and not node.args and not node.keywords:
            code = "AMB001"
        elif isinstance(node, ast.Compare) and _counts_for_existence(node):
            code = "AMB002"
        elif isinstance(node, ast.Call) and _is_naive_now(node):
            code = "AMB003"
        elif in_migration and _imports_models(node):
            code = "AMB004"
        if code is not None:
            found.append(Trap(path, node.lineno, node.col_offset + 1, code))
    lines = source.splitlines()
    return sorted(
        trap
        for trap in found
        if trap.code not in OPT_OUT.findall(lines[trap.line - 1] if trap.line <= len(lines) else "")
    )


def python_files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_file():
            yield path
            continue
        for found in sorted(path.rglob("*.py")):
            if not SKIP_DIRS.intersection(found.relative_to(path).parts):
                yield found


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    traps = []
    for path in python_files(Path(arg) for arg in (args or ["."])):
        traps.extend(traps_in_source(path.read_text(encoding="utf-8"), str(path)))
    for trap in traps:
        print(trap)
    if traps:
        print(f"{len(traps)} trap(s) found; see ambassador/traps.py for why and how to fix.")
    return 1 if traps else 0


if __name__ == "__main__":
    sys.exit(main())
