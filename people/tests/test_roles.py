"""Role groups hold exactly the permissions the apps declare (`people.roles`)."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission

from people import roles
from people.roles import AUTHORS_GROUP, HR_GROUP


def _held(group_name):
    group = Group.objects.get(name=group_name)
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_a_migrated_database_gives_each_group_exactly_the_declared_permissions(db):
    declared = roles.role_permissions()
    assert set(declared) == {HR_GROUP, AUTHORS_GROUP}
    for name, permissions in declared.items():
        assert _held(name) == permissions, name


def test_each_app_declares_its_own_part(db):
    hr = roles.role_permissions()[HR_GROUP]
    assert {"people.view_all_employees", "courses.view_enrollment"} <= hr
    assert {"quizzes.view_attemptanswer", "certificates.revoke_certificate"} <= hr
    authors = roles.role_permissions()[AUTHORS_GROUP]
    assert {"people.author_content", "courses.add_lesson", "quizzes.delete_choice"} <= authors
    assert not any(name.startswith("certificates.") for name in authors)


def test_a_grant_removed_from_the_declaration_disappears_from_the_group(db, monkeypatch):
    monkeypatch.setitem(roles._grants, "certificates", {HR_GROUP: frozenset({"view_certificate"})})
    roles.role_groups_sync()
    hr = _held(HR_GROUP)
    assert "certificates.view_certificate" in hr
    assert "certificates.revoke_certificate" not in hr
    assert "certificates.change_certificate" not in hr


def test_a_permission_added_by_hand_is_taken_away_and_a_lost_one_restored(db):
    group = Group.objects.get(name=AUTHORS_GROUP)
    group.permissions.add(Permission.objects.get(codename="delete_employee"))
    group.permissions.remove(Permission.objects.get(codename="author_content"))
    roles.role_groups_sync()
    assert _held(AUTHORS_GROUP) == roles.role_permissions()[AUTHORS_GROUP]


def test_a_deleted_group_is_recreated(db):
    Group.objects.filter(name=HR_GROUP).delete()
    roles.role_groups_sync()
    assert _held(HR_GROUP) == roles.role_permissions()[HR_GROUP]


def test_sync_waits_for_the_last_apps_post_migrate(db, monkeypatch):
    """post_migrate runs once per app; before the last one, later apps' permissions may
    not exist yet, so the earlier signals change nothing."""
    Group.objects.filter(name=HR_GROUP).delete()
    roles.role_groups_sync(sender=apps.get_app_config("people"))
    assert not Group.objects.filter(name=HR_GROUP).exists()
    last = [config for config in apps.get_app_configs() if config.models_module][-1]
    roles.role_groups_sync(sender=last)
    assert _held(HR_GROUP) == roles.role_permissions()[HR_GROUP]


def test_a_declared_permission_that_no_model_defines_fails_the_system_check(monkeypatch):
    assert roles.check_grants() == []
    monkeypatch.setitem(roles._grants, "certificates", {HR_GROUP: frozenset({"revoke_cert"})})
    errors = roles.check_grants()
    assert [error.id for error in errors] == ["people.E001"]
    assert "certificates.revoke_cert" in errors[0].msg


@pytest.mark.parametrize("action", ["add", "change", "view", "delete"])
def test_model_permissions_names_the_default_codenames(action):
    assert f"{action}_quiz" in roles.model_permissions("quiz", "question")
