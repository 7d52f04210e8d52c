"""The SCIM 2.0 protocol, without the database: errors, filters, PATCH operations.

RFC 7644 as identity providers speak it. Attribute names are case-insensitive; Entra ID
sends capitalised operations (`"op": "Replace"`), booleans as strings (`"False"`) and
paths with value filters (`emails[type eq "work"].value`); Okta sends `replace` without
a path and a whole object as the value. Both end as the same resource document, which
`identity.scim.users`/`groups` then read as a whole (POST, PUT and PATCH alike).
"""

import copy
import re
from dataclasses import dataclass
from typing import Any

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
CORE_SCHEMAS = (USER_SCHEMA, GROUP_SCHEMA)

CONTENT_TYPE = "application/scim+json"
MAX_RESULTS = 100  # a page of a list (ServiceProviderConfig filter.maxResults)

# Canonical spellings, so that a document patched by any client reads the same.
_NAMES = {
    name.lower(): name
    for name in (
        "schemas",
        "id",
        "externalId",
        "meta",
        "userName",
        "name",
        "givenName",
        "familyName",
        "formatted",
        "displayName",
        "title",
        "preferredLanguage",
        "locale",
        "active",
        "emails",
        "value",
        "type",
        "primary",
        "display",
        "employeeNumber",
        "department",
        "manager",
        "members",
        ENTERPRISE_SCHEMA,
    )
}


class ScimError(Exception):
    """An answer in SCIM's error format (RFC 7644, 3.12)."""

    def __init__(self, status: int, detail: str, scim_type: str = ""):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.scim_type = scim_type

    def document(self) -> dict:
        body: dict[str, Any] = {
            "schemas": [ERROR_SCHEMA],
            "status": str(self.status),
            "detail": self.detail,
        }
        if self.scim_type:
            body["scimType"] = self.scim_type
        return body


def canonical(name: str) -> str:
    return _NAMES.get(name.lower(), name)


def as_bool(value: Any, attribute: str) -> bool:
    """A SCIM boolean; Entra ID sends "True"/"False" strings."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise ScimError(400, f"{attribute} must be true or false.", "invalidValue")


def as_text(value: Any, attribute: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ScimError(400, f"{attribute} must be a string.", "invalidValue")
    return str(value).strip()


# --- Filters ---------------------------------------------------------------------------

_FILTER = re.compile(r'^\s*([\w.:\-]+)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', re.IGNORECASE)


@dataclass(frozen=True)
class Filter:
    attribute: str  # canonical path, e.g. "userName", "externalId", "enterprise:employeeNumber"
    value: str


def filter_parse(text: str | None, allowed: dict[str, str]) -> Filter | None:
    """`attribute eq "value"` for the attributes `allowed` (lower-case path -> name);
    anything else is refused with `invalidFilter` (never silently ignored: a client
    that looks a user up must not get every user back)."""
    if text is None or not text.strip():
        return None
    match = _FILTER.match(text)
    if match is None:
        raise ScimError(
            400,
            'Unsupported filter: only `attribute eq "value"` is supported, on '
            + ", ".join(sorted(set(allowed.values())))
            + ".",
            "invalidFilter",
        )
    path = match.group(1).lower()
    for schema in (USER_SCHEMA, GROUP_SCHEMA):
        path = path.removeprefix(schema.lower() + ":")
    attribute = allowed.get(path)
    if attribute is None:
        raise ScimError(
            400,
            f"Filtering on {match.group(1)} is not supported: use "
            + ", ".join(sorted(set(allowed.values())))
            + ".",
            "invalidFilter",
        )
    value = re.sub(r"\\(.)", r"\1", match.group(2))
    return Filter(attribute, value)


def page_params(query) -> tuple[int, int]:
    """(startIndex, count) from the query string: 1-based, count capped."""

    def number(name, default):
        raw = query.get(name)
        if raw in (None, ""):
            return default
        try:
            return int(raw)
        except ValueError:
            raise ScimError(400, f"{name} must be a whole number.", "invalidValue") from None

    start = max(number("startIndex", 1), 1)
    count = min(max(number("count", MAX_RESULTS), 0), MAX_RESULTS)
    return start, count


def list_document(resources: list[dict], *, total: int, start: int) -> dict:
    return {
        "schemas": [LIST_SCHEMA],
        "totalResults": total,
        "startIndex": start,
        "itemsPerPage": len(resources),
        "Resources": resources,
    }


# --- PATCH -----------------------------------------------------------------------------

_VALUE_FILTER = re.compile(
    r'^(?P<attr>\w+)\[\s*(?P<sub>\w+)\s+eq\s+"(?P<value>[^"]*)"\s*\](?:\.(?P<rest>\w+))?$',
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PatchPath:
    container: tuple[str, ...]  # e.g. () for core, (ENTERPRISE_SCHEMA,) for the extension
    attribute: str  # canonical name
    sub: str | None = None  # name.givenName -> "givenName"
    filter_attribute: str | None = None  # emails[type eq "work"] -> "type"
    filter_value: str | None = None
    filter_sub: str | None = None  # emails[type eq "work"].value -> "value"


def path_parse(path: str) -> PatchPath:
    text = path.strip()
    container: tuple[str, ...] = ()
    lowered = text.lower()
    for schema in CORE_SCHEMAS:
        if lowered.startswith(schema.lower() + ":"):
            text = text[len(schema) + 1 :]
            break
    else:
        if lowered.startswith(ENTERPRISE_SCHEMA.lower() + ":"):
            container = (ENTERPRISE_SCHEMA,)
            text = text[len(ENTERPRISE_SCHEMA) + 1 :]
        elif lowered == ENTERPRISE_SCHEMA.lower():
            return PatchPath((), ENTERPRISE_SCHEMA)
    match = _VALUE_FILTER.match(text)
    if match:
        return PatchPath(
            container,
            canonical(match["attr"]),
            filter_attribute=canonical(match["sub"]),
            filter_value=match["value"],
            filter_sub=canonical(match["rest"]) if match["rest"] else None,
        )
    if not re.fullmatch(r"\w+(\.\w+)?", text):
        raise ScimError(400, f"Unsupported PATCH path: {path}", "invalidPath")
    attribute, _dot, sub = text.partition(".")
    return PatchPath(container, canonical(attribute), sub=canonical(sub) if sub else None)


def patch_apply(document: dict, body: Any) -> dict:
    """A copy of `document` with the PatchOp `body` applied (RFC 7644, 3.5.2)."""
    if not isinstance(body, dict) or not isinstance(body.get("Operations"), list):
        raise ScimError(400, "A PATCH body needs an Operations list.", "invalidSyntax")
    result = copy.deepcopy(document)
    for operation in body["Operations"]:
        if not isinstance(operation, dict):
            raise ScimError(400, "Each operation must be an object.", "invalidSyntax")
        op = str(operation.get("op", "")).lower()
        if op not in ("add", "replace", "remove"):
            raise ScimError(
                400, f"Unknown PATCH operation: {operation.get('op')!r}.", "invalidSyntax"
            )
        path = operation.get("path")
        value = operation.get("value")
        if path in (None, ""):
            if op == "remove":
                raise ScimError(400, "A remove operation needs a path.", "noTarget")
            if not isinstance(value, dict):
                raise ScimError(400, "Without a path, the value must be an object.", "invalidValue")
            for key, item in value.items():
                _apply_one(result, op, path_parse(key), item)
        else:
            if not isinstance(path, str):
                raise ScimError(400, "path must be a string.", "invalidPath")
            _apply_one(result, op, path_parse(path), value)
    return result


def _key(mapping: dict, name: str) -> str:
    """The key of `mapping` that spells `name` (case-insensitively), or `name`."""
    for key in mapping:
        if key.lower() == name.lower():
            return key
    return name


def _apply_one(document: dict, op: str, path: PatchPath, value: Any) -> None:
    target = document
    for container in path.container:
        key = _key(target, container)
        if not isinstance(target.get(key), dict):
            target[key] = {}
        target = target[key]
    key = _key(target, path.attribute)
    if path.filter_attribute is not None:
        _apply_filtered(target, key, op, path, value)
        return
    if path.sub is not None:
        if not isinstance(target.get(key), dict):
            target[key] = {}
        target = target[key]
        key = _key(target, path.sub)
    if op == "remove":
        if key == "members" and isinstance(value, list) and isinstance(target.get(key), list):
            gone = {str(item.get("value")) for item in value if isinstance(item, dict)}
            target[key] = [m for m in target[key] if str(m.get("value")) not in gone]
        else:
            target.pop(key, None)
        return
    current = target.get(key)
    if isinstance(value, dict) and key != "manager":
        if not isinstance(current, dict):
            current = target[key] = {}
        for sub_key, sub_value in value.items():
            whole = isinstance(sub_value, dict) and path.attribute == ENTERPRISE_SCHEMA
            if whole or not re.fullmatch(r"\w+", sub_key):  # e.g. manager, "$ref"
                current[_key(current, canonical(sub_key))] = sub_value
            else:
                _apply_one(current, op, path_parse(sub_key), sub_value)
    elif op == "add" and isinstance(value, list) and isinstance(current, list):
        known = {str(item.get("value")) for item in current if isinstance(item, dict)}
        current.extend(
            item
            for item in value
            if not (isinstance(item, dict) and str(item.get("value")) in known)
        )
    else:
        target[key] = value


def _apply_filtered(target: dict, key: str, op: str, path: PatchPath, value: Any) -> None:
    items = target.get(key)
    if not isinstance(items, list):
        items = target[key] = []

    def matches(item):
        if not isinstance(item, dict):
            return False
        found = item.get(_key(item, path.filter_attribute))
        return str(found).lower() == str(path.filter_value).lower()

    if op == "remove":
        if path.filter_sub is None:
            target[key] = [item for item in items if not matches(item)]
        else:
            for item in filter(matches, items):
                item.pop(_key(item, path.filter_sub), None)
        return
    matched = [item for item in items if matches(item)]
    if not matched:
        if op == "replace" and path.filter_sub is None:
            raise ScimError(400, f"No {key} value matches the path's filter.", "noTarget")
        matched = [{path.filter_attribute: path.filter_value}]
        items.append(matched[0])
    for item in matched:
        if path.filter_sub is not None:
            item[_key(item, path.filter_sub)] = value
        elif isinstance(value, dict):
            item.update(value)
