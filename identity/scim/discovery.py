"""SCIM discovery documents (RFC 7644, 4): what this service provider supports.

Only the attributes that the site keeps are declared; a client that sends others (phone
numbers, addresses) has them ignored.
"""

from .protocol import ENTERPRISE_SCHEMA, GROUP_SCHEMA, MAX_RESULTS, USER_SCHEMA

_SPC_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
_RT_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
_SCHEMA_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema"


def _attribute(
    name,
    description,
    *,
    kind="string",
    required=False,
    mutability="readWrite",
    uniqueness="none",
    multi=False,
    sub=None,
    case_exact=False,
    returned="default",
):
    attribute = {
        "name": name,
        "type": kind,
        "multiValued": multi,
        "description": description,
        "required": required,
        "caseExact": case_exact,
        "mutability": mutability,
        "returned": returned,
        "uniqueness": uniqueness,
    }
    if sub is not None:
        attribute["subAttributes"] = sub
    if kind == "reference":
        attribute["referenceTypes"] = ["User"]
    return attribute


USER_ATTRIBUTES = [
    _attribute(
        "userName",
        "The person's email address: how they sign in.",
        required=True,
        uniqueness="server",
    ),
    _attribute(
        "name",
        "The person's name.",
        kind="complex",
        sub=[
            _attribute("givenName", "First name (required)."),
            _attribute("familyName", "Last name (required)."),
            _attribute("formatted", "Full name.", mutability="readOnly"),
        ],
    ),
    _attribute("displayName", "Full name.", mutability="readOnly"),
    _attribute("title", "Job title."),
    _attribute("preferredLanguage", "The site's language for this person (e.g. en, fr)."),
    _attribute("active", "False deactivates the person (their history is kept).", kind="boolean"),
    _attribute(
        "emails",
        "The email address (the same as userName).",
        kind="complex",
        multi=True,
        mutability="readOnly",
        sub=[
            _attribute("value", "Email address."),
            _attribute("type", "work."),
            _attribute("primary", "Always true.", kind="boolean"),
        ],
    ),
]

ENTERPRISE_ATTRIBUTES = [
    _attribute(
        "employeeNumber",
        "The HR system's key; required; cannot change.",
        required=True,
        uniqueness="server",
        mutability="immutable",
    ),
    _attribute(
        "department", "The code of an existing department (the HR system's key).", required=True
    ),
    _attribute(
        "manager",
        "The line manager, by their SCIM id.",
        kind="complex",
        sub=[
            _attribute("value", "The manager's id."),
            _attribute("$ref", "The manager's URI.", kind="reference", mutability="readOnly"),
        ],
    ),
]

GROUP_ATTRIBUTES = [
    _attribute(
        "displayName",
        "The role group's name (it cannot change).",
        required=True,
        mutability="immutable",
        uniqueness="server",
    ),
    _attribute(
        "members",
        "The people who have this role.",
        kind="complex",
        multi=True,
        sub=[
            _attribute("value", "A User's id.", mutability="immutable"),
            _attribute("display", "The person's name.", mutability="readOnly"),
            _attribute("$ref", "The User's URI.", kind="reference", mutability="immutable"),
        ],
    ),
]

SCHEMAS = {
    USER_SCHEMA: ("User", "An employee.", USER_ATTRIBUTES),
    ENTERPRISE_SCHEMA: ("EnterpriseUser", "HR attributes of an employee.", ENTERPRISE_ATTRIBUTES),
    GROUP_SCHEMA: ("Group", "A role group (HR admins, content authors).", GROUP_ATTRIBUTES),
}


def schema_document(schema_id: str, *, base: str) -> dict:
    name, description, attributes = SCHEMAS[schema_id]
    return {
        "schemas": [_SCHEMA_SCHEMA],
        "id": schema_id,
        "name": name,
        "description": description,
        "attributes": attributes,
        "meta": {"resourceType": "Schema", "location": f"{base}/Schemas/{schema_id}"},
    }


RESOURCE_TYPES = {
    "User": {
        "name": "User",
        "endpoint": "/Users",
        "description": "Employees",
        "schema": USER_SCHEMA,
        "schemaExtensions": [{"schema": ENTERPRISE_SCHEMA, "required": True}],
    },
    "Group": {
        "name": "Group",
        "endpoint": "/Groups",
        "description": "Role groups",
        "schema": GROUP_SCHEMA,
        "schemaExtensions": [],
    },
}


def resource_type_document(name: str, *, base: str) -> dict:
    return {
        "schemas": [_RT_SCHEMA],
        "id": name,
        **RESOURCE_TYPES[name],
        "meta": {"resourceType": "ResourceType", "location": f"{base}/ResourceTypes/{name}"},
    }


def service_provider_config(*, base: str) -> dict:
    return {
        "schemas": [_SPC_SCHEMA],
        "patch": {"supported": True},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": MAX_RESULTS},
        "changePassword": {"supported": False},
        "sort": {"supported": False},
        "etag": {"supported": False},
        "authenticationSchemes": [
            {
                "type": "oauthbearertoken",
                "name": "Bearer token",
                "description": "A token made by HR on the site (Identity → SCIM tokens).",
                "primary": True,
            }
        ],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": f"{base}/ServiceProviderConfig",
        },
    }
