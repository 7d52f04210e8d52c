"""SCIM Groups: the site's role groups, HR admins and content authors.

A SCIM Group is one of `people.services.ROLE_GROUPS`, by its name (docs/decisions.md):
identity providers assign people to them, and membership is the role. Departments are
not groups: a person is in exactly one, given by the enterprise `department` attribute.
The groups exist already (created by migrations); a provider finds them by
`displayName eq "..."`, changes their members, and can neither create, rename nor delete
them. Members are Users (employees), by their SCIM id.
"""

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Prefetch, QuerySet

from people.models import Employee, User
from people.services import ROLE_GROUPS, role_group_members_change

from .protocol import GROUP_SCHEMA, Filter, ScimError, as_text

GROUP_FILTERS = {"displayname": "displayName", "id": "id", "externalid": "externalId"}


def groups_for_scim(*, with_members: bool = True) -> QuerySet[Group]:
    """The role groups, with their members' employees in one more query."""
    groups = Group.objects.filter(name__in=ROLE_GROUPS).order_by("pk")
    if with_members:
        groups = groups.prefetch_related(
            Prefetch(
                "user_set",
                queryset=User.objects.filter(employee__isnull=False)
                .select_related("employee")
                .order_by("pk"),
                to_attr="members",
            )
        )
    return groups


def groups_filter(groups: QuerySet[Group], found: Filter) -> QuerySet[Group]:
    if found.attribute == "displayName":
        return groups.filter(name__iexact=found.value)
    if found.attribute == "id" and found.value.isdigit():
        return groups.filter(pk=int(found.value))
    return groups.none()  # role groups have no externalId


def group_document(group: Group, *, location: str, users_location: str) -> dict:
    document = {
        "schemas": [GROUP_SCHEMA],
        "id": str(group.pk),
        "displayName": group.name,
        "meta": {"resourceType": "Group", "location": f"{location}/{group.pk}"},
    }
    members = getattr(group, "members", None)
    if members is not None:
        document["members"] = [
            {
                "value": str(user.employee.pk),
                "display": user.get_full_name() or user.email,
                "$ref": f"{users_location}/{user.employee.pk}",
            }
            for user in members
        ]
    return document


def _member_ids(document: dict) -> set[int]:
    members = next((v for k, v in document.items() if k.lower() == "members"), None) or []
    if not isinstance(members, list):
        raise ScimError(400, "members must be a list.", "invalidValue")
    ids = set()
    for member in members:
        value = as_text(member.get("value") if isinstance(member, dict) else member, "members")
        if not value.isdigit():
            raise ScimError(400, f"members: there is no User with id {value}.", "invalidValue")
        ids.add(int(value))
    return ids


@transaction.atomic
def scim_group_replace(*, group: Group, document: dict) -> None:
    """PUT, or PATCH once applied: the members become exactly those listed."""
    name = next((v for k, v in document.items() if k.lower() == "displayname"), group.name)
    if name != group.name:
        raise ScimError(400, f"The role group {group.name} cannot be renamed.", "mutability")
    wanted = _member_ids(document)
    users = dict(Employee.objects.filter(pk__in=wanted).values_list("pk", "user_id"))
    unknown = sorted(wanted - set(users))
    if unknown:
        raise ScimError(
            400,
            "members: there is no User with id " + ", ".join(map(str, unknown)) + ".",
            "invalidValue",
        )
    wanted_users = set(users.values())
    # Members who are employees (the only ones SCIM shows, and so the only ones it removes).
    current = set(
        User.objects.filter(groups=group, employee__isnull=False).values_list("pk", flat=True)
    )
    role_group_members_change(
        group_name=group.name, add=wanted_users - current, remove=current - wanted_users
    )


def scim_group_create(*, document: dict) -> None:
    """POST /Groups: the role groups already exist; anything else is refused."""
    name = as_text(
        next((v for k, v in document.items() if k.lower() == "displayname"), ""), "displayName"
    )
    if name in ROLE_GROUPS:
        raise ScimError(
            409,
            f'The group {name} already exists: find it with filter=displayName eq "{name}".',
            "uniqueness",
        )
    raise ScimError(
        400,
        "Only the role groups can be provisioned: " + ", ".join(ROLE_GROUPS) + ".",
        "invalidValue",
    )
