"""The layering rule of docs (../shared/DESIGN.md, "Layout"), checked on every import.

Dependencies point one way: `people` ← `courses` ← `quizzes` ← `certificates`;
`assignments` uses `people` and `courses`; `reports` and `privacy` read every app and
nothing imports them; `identity` calls `people` and nothing imports it; `demo` builds
the demo company through everyone's services and nothing imports it; `core` is the
ground floor and imports none of ours. Tests and migrations are not checked (tests may
build data through any app). The project package `ambassador` holds the settings and the
URLs, which name every app; apps may import from it only the settings helpers listed.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OURS = {
    "ambassador",
    "core",
    "people",
    "courses",
    "quizzes",
    "certificates",
    "assignments",
    "reports",
    "privacy",
    "identity",
    "demo",
}
ALLOWED = {
    "core": set(),
    "people": {"core"},
    "courses": {"core", "people"},
    "quizzes": {"core", "people", "courses"},
    "certificates": {"core", "people", "courses", "quizzes"},
    "assignments": {"core", "people", "courses"},
    "reports": {"core", "people", "courses", "quizzes", "certificates", "assignments"},
    "privacy": {"core", "people", "courses", "quizzes", "certificates", "assignments"},
    "identity": {"core", "people"},
    "demo": {
        "core",
        "people",
        "courses",
        "quizzes",
        "certificates",
        "assignments",
        "identity",
    },
    "ambassador": {"core", "people", "courses", "certificates", "quizzes", "assignments"},
}
# Settings-level helpers of the project package that apps may read.
PROJECT_HELPERS = {"ambassador.languages", "ambassador.sso_settings"}


def imports_of(path: Path):
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def violations():
    for app, allowed in ALLOWED.items():
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "migrations" in parts:
                continue
            for module in imports_of(path):
                top = module.split(".")[0]
                if top == app or top not in OURS or module in PROJECT_HELPERS:
                    continue
                if top not in allowed:
                    yield f"{path.relative_to(ROOT)} imports {module}"


def test_every_app_of_ours_is_placed_in_the_layers():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")} | {"ambassador"}
    assert apps == set(ALLOWED)


def test_dependencies_point_one_way():
    assert list(violations()) == []


def test_the_check_catches_an_import_against_the_rule(tmp_path, monkeypatch):
    (tmp_path / "courses").mkdir()
    (tmp_path / "courses" / "selectors.py").write_text("from reports.selectors import x\n")
    monkeypatch.setattr("ambassador.tests.test_layering.ROOT", tmp_path)
    monkeypatch.setattr("ambassador.tests.test_layering.ALLOWED", {"courses": {"people"}})
    assert list(violations()) == ["courses/selectors.py imports reports.selectors"]
