"""Every permission named in the code exists: a typo in a `has_perm` would otherwise
fail closed in silence (everybody refused), as `certificates.revoke_certificate` did."""

import ast
import re
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Permission

from people.roles import check_grants

SKIP_DIRS = {".venv", "node_modules", "staticfiles", "media", ".git"}
# has_perm("a.b"), has_perms(["a.b"]), permission_required("a.b") / permission_required = ...
CALLS = {"has_perm", "has_perms", "permission_required"}
TEMPLATE_PERMS = re.compile(r"\bperms\.(\w+)\.(\w+)")


def _sources(pattern):
    root = Path(settings.BASE_DIR)
    for path in sorted(root.rglob(pattern)):
        if not SKIP_DIRS.intersection(path.relative_to(root).parts):
            yield path


def _strings(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.List | ast.Tuple | ast.Set):
        for element in node.elts:
            yield from _strings(element)


def permission_names_in_python(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in CALLS and node.args:
                names.update(_strings(node.args[0]))
            for keyword in node.keywords:
                if keyword.arg == "permission_required":
                    names.update(_strings(keyword.value))
        elif isinstance(node, ast.Assign) and any(
            getattr(target, "id", "") == "permission_required" for target in node.targets
        ):
            names.update(_strings(node.value))
    return names


def _named_in_code() -> dict[str, str]:
    named = {}
    for path in _sources("*.py"):
        for name in permission_names_in_python(path.read_text()):
            named.setdefault(name, str(path))
    for path in _sources("*.html"):
        for app_label, codename in TEMPLATE_PERMS.findall(path.read_text()):
            named.setdefault(f"{app_label}.{codename}", str(path))
    return named


def test_the_scanner_finds_every_way_of_naming_a_permission():
    source = """
user.has_perm("a.one")
request.user.has_perms(["a.two", "a.three"])
@permission_required("a.four", raise_exception=True)
def view(request): ...
class View:
    permission_required = ("a.five",)
path("x", view, permission_required="a.six")
"""
    assert permission_names_in_python(source) == {
        f"a.{n}" for n in ["one", "two", "three", "four", "five", "six"]
    }


def test_every_permission_named_in_code_exists(db):
    named = _named_in_code()
    assert "certificates.revoke_certificate" in named  # the scan does find the real uses
    existing = {
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.values_list(
            "content_type__app_label", "codename"
        )
    }
    missing = {name: where for name, where in named.items() if name not in existing}
    assert missing == {}


def test_every_declared_grant_exists():
    assert check_grants() == []
