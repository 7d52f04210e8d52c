"""The traps checker (`python -m ambassador.traps`, run by `make test`) catches each trap
and leaves the right way alone."""

import textwrap

import pytest
from django.conf import settings

from ambassador import traps


def codes(source, path="app/services.py"):
    return [trap.code for trap in traps.traps_in_source(textwrap.dedent(source), path)]


@pytest.mark.parametrize(
    "source",
    [
        "Course.objects.select_related()",
        "qs.filter(a=1).select_related().first()",
    ],
)
def test_a_bare_select_related_is_caught(source):
    assert codes(source) == ["AMB001"]


def test_a_named_select_related_is_fine():
    assert codes('qs.select_related("module__course")') == []


@pytest.mark.parametrize(
    "source",
    [
        "if qs.count() > 0: pass",
        "found = qs.filter(x=1).count() != 0",
        "found = qs.count() >= 1",
        "found = 0 < qs.count()",
        "found = 1 <= user.groups.count()",
    ],
)
def test_counting_to_test_existence_is_caught(source):
    assert codes(source) == ["AMB002"]


@pytest.mark.parametrize(
    "source",
    [
        "found = qs.exists()",
        "many = qs.count() > 1",
        "total = qs.count()",
        "empty = qs.count() == 0",
        "n = text.count('a', 0) > 0",
    ],
)
def test_real_counts_are_fine(source):
    assert codes(source) == []


@pytest.mark.parametrize(
    "source",
    [
        "now = datetime.now()",
        "now = datetime.datetime.now()",
        "now = datetime.utcnow()",
        "today = datetime.date.today() if False else datetime.today()",
    ],
)
def test_naive_datetimes_are_caught(source):
    assert codes(source) == ["AMB003"]


@pytest.mark.parametrize(
    "source",
    [
        "now = timezone.now()",
        "now = datetime.now(tz=UTC)",
        "now = datetime.datetime.now(datetime.UTC)",
        "today = timezone.localdate()",
    ],
)
def test_aware_datetimes_are_fine(source):
    assert codes(source) == []


@pytest.mark.parametrize(
    "source",
    [
        "from people.models import Employee",
        "import people.models",
        "from people import models",
        "from django.contrib.auth.models import Group",
        "from ..models import Course",
    ],
)
def test_a_model_import_in_a_migration_is_caught(source):
    assert codes(source, path="people/migrations/0004_backfill.py") == ["AMB004"]


def test_migrations_may_import_the_field_library_and_the_same_import_elsewhere_is_fine():
    fields = """
    import django.db.models.deletion
    from django.db import migrations, models
    from django.db.models import Q
    from django.db.models.functions import Lower
    """
    assert codes(fields, path="people/migrations/0004_x.py") == []
    assert codes("from people.models import Employee", path="people/services.py") == []


def test_a_line_may_opt_out_of_one_rule_with_a_reason():
    source = "import people.models  # traps: ok AMB004 the manager, written by makemigrations"
    assert codes(source, path="people/migrations/0001_initial.py") == []
    other = "qs.select_related()  # traps: ok AMB004 wrong rule"
    assert codes(other) == ["AMB001"]


def test_the_command_reports_file_line_and_rule_and_fails(tmp_path, capsys):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "selectors.py").write_text("x = 1\nqs.select_related()\n")
    (tmp_path / "app" / "clean.py").write_text("qs.exists()\n")
    assert traps.main([str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"{tmp_path / 'app' / 'selectors.py'}:2:1: AMB001 bare select_related()" in out
    assert "1 trap(s) found" in out
    (tmp_path / "app" / "selectors.py").write_text('qs.select_related("a")\n')
    assert traps.main([str(tmp_path)]) == 0


def test_the_project_has_no_traps(capsys):
    assert traps.main([str(settings.BASE_DIR)]) == 0, capsys.readouterr().out
