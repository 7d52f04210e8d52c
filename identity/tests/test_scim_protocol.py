"""The SCIM protocol without the database: filters, paging, PATCH as providers send it."""

import pytest

from identity.scim.protocol import (
    ENTERPRISE_SCHEMA,
    ScimError,
    filter_parse,
    page_params,
    patch_apply,
    path_parse,
)
from identity.scim.users import USER_FILTERS

USER = {
    "userName": "ann@example.com",
    "name": {"givenName": "Ann", "familyName": "A"},
    "title": "Rep",
    "emails": [{"value": "ann@example.com", "type": "work", "primary": True}],
    ENTERPRISE_SCHEMA: {"employeeNumber": "1", "department": "SALES"},
}


@pytest.mark.parametrize(
    ("text", "attribute", "value"),
    [
        ('userName eq "ann@example.com"', "userName", "ann@example.com"),
        ('USERNAME EQ "Ann@Example.com"', "userName", "Ann@Example.com"),
        ('externalId eq "a\\"b"', "externalId", 'a"b'),
        (
            f'{ENTERPRISE_SCHEMA}:employeeNumber eq "42"',
            "employeeNumber",
            "42",
        ),
        ('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x"', "userName", "x"),
    ],
)
def test_filters_that_providers_send(text, attribute, value):
    found = filter_parse(text, USER_FILTERS)
    assert (found.attribute, found.value) == (attribute, value)


@pytest.mark.parametrize(
    "text", ['userName sw "a"', 'userName eq "a" and active eq true', 'title eq "x"', "junk"]
)
def test_other_filters_are_refused(text):
    with pytest.raises(ScimError) as error:
        filter_parse(text, USER_FILTERS)
    assert (error.value.status, error.value.scim_type) == (400, "invalidFilter")


def test_paging_parameters():
    assert page_params({}) == (1, 100)
    assert page_params({"startIndex": "0", "count": "500"}) == (1, 100)
    assert page_params({"startIndex": "11", "count": "-3"}) == (11, 0)
    with pytest.raises(ScimError):
        page_params({"count": "ten"})


def test_paths():
    assert path_parse("name.givenName").sub == "givenName"
    assert path_parse(f"{ENTERPRISE_SCHEMA}:department").container == (ENTERPRISE_SCHEMA,)
    filtered = path_parse('emails[type eq "work"].value')
    assert (filtered.attribute, filtered.filter_attribute, filtered.filter_value) == (
        "emails",
        "type",
        "work",
    )
    assert filtered.filter_sub == "value"
    assert path_parse("USERNAME").attribute == "userName"


def test_patch_leaves_the_original_alone_and_applies_in_order():
    result = patch_apply(
        USER,
        {
            "Operations": [
                {"op": "Replace", "path": "title", "value": "Lead"},
                {"op": "remove", "path": "title"},
                {"op": "add", "path": "title", "value": "Boss"},
                {"op": "replace", "value": {"name": {"givenName": "Anna"}, "ACTIVE": "False"}},
            ]
        },
    )
    assert USER["title"] == "Rep"
    assert result["title"] == "Boss"
    assert result["name"] == {"givenName": "Anna", "familyName": "A"}
    assert result["active"] == "False"


def test_patch_errors():
    for body, scim_type in [
        ({}, "invalidSyntax"),
        ({"Operations": [{"op": "copy", "path": "title"}]}, "invalidSyntax"),
        ({"Operations": [{"op": "remove"}]}, "noTarget"),
        ({"Operations": [{"op": "replace", "value": "x"}]}, "invalidValue"),
        ({"Operations": [{"op": "replace", "path": "a.b.c", "value": 1}]}, "invalidPath"),
        (
            {"Operations": [{"op": "replace", "path": 'emails[type eq "home"]', "value": {}}]},
            "noTarget",
        ),
    ]:
        with pytest.raises(ScimError) as error:
            patch_apply(USER, body)
        assert error.value.scim_type == scim_type, body


def test_members_added_once_and_removed_by_filter_or_list():
    group = {"displayName": "HR admins", "members": [{"value": "1"}]}
    added = patch_apply(
        group,
        {
            "Operations": [
                {"op": "add", "path": "members", "value": [{"value": "1"}, {"value": "2"}]}
            ]
        },
    )
    assert added["members"] == [{"value": "1"}, {"value": "2"}]
    by_filter = patch_apply(
        added, {"Operations": [{"op": "remove", "path": 'members[value eq "1"]'}]}
    )
    assert by_filter["members"] == [{"value": "2"}]
    by_list = patch_apply(
        added,
        {"Operations": [{"op": "Remove", "path": "members", "value": [{"value": "2"}]}]},
    )
    assert by_list["members"] == [{"value": "1"}]
