"""The SCIM 2.0 endpoints at /scim/v2/ (RFC 7644).

Outside the site's sign-in (`login_not_required`) and CSRF (no cookie is involved), but
every request needs a valid SCIM token (`Authorization: Bearer …`); a token opens
nothing else and signs nobody in. Each call is one audit event (kind SCIM, the token as
actor, {operation, resource, status}). Answers are `application/scim+json`; errors use
SCIM's format with `scimType`. Messages are in English whatever the request's language:
they are read by identity providers' logs and their administrators (docs/decisions.md).
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import Group
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt

from identity.models import AuditEvent
from identity.services import audit_record
from people.models import Employee

from . import discovery, groups, users
from .protocol import (
    CONTENT_TYPE,
    ScimError,
    filter_parse,
    list_document,
    page_params,
    patch_apply,
)
from .tokens import scim_token_authenticate


@dataclass
class Answer:
    status: int = 200
    document: dict | None = None
    user: object = None  # the person concerned, for the audit trail
    location: str = ""


def _response(status: int, document: dict | None, **headers) -> HttpResponse:
    if document is None:
        response = HttpResponse(status=status)
    else:
        response = JsonResponse(document, status=status, content_type=CONTENT_TYPE)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def scim_endpoint(methods: tuple[str, ...], resource: Callable[[dict], str]):
    """Token check, errors in SCIM's format, English messages and the audit event."""

    def decorator(view):
        @csrf_exempt
        @login_not_required
        @wraps(view)
        def wrapped(request, **kwargs):
            with translation.override("en"):
                token, problem = scim_token_authenticate(request.headers.get("Authorization"))
                answer = Answer()
                if problem:
                    answer.status = 401
                    response = _response(
                        401,
                        ScimError(401, problem).document(),
                        WWW_Authenticate='Bearer realm="scim", error="invalid_token"',
                    )
                elif request.method not in methods:
                    answer.status = 405
                    error = ScimError(405, f"{request.method} is not supported here.")
                    response = _response(405, error.document(), Allow=", ".join(methods))
                else:
                    try:
                        answer = view(request, **kwargs)
                    except ScimError as error:
                        answer.status = error.status
                        response = _response(error.status, error.document())
                    except IntegrityError:
                        # A concurrent call wrote the same email or number first (the
                        # database's unique constraints); this one changed nothing.
                        error = ScimError(
                            409, "A concurrent change conflicts with this one.", "uniqueness"
                        )
                        answer.status = error.status
                        response = _response(error.status, error.document())
                    else:
                        headers = {"Location": answer.location} if answer.location else {}
                        response = _response(answer.status, answer.document, **headers)
                audit_record(
                    kind=AuditEvent.Kind.SCIM,
                    request=request,
                    user=answer.user or getattr(request, "scim_subject", None),
                    success=answer.status < 400,
                    method="scim",
                    actor=token.actor if token is not None else "no valid SCIM token",
                    detail={
                        "operation": request.method[:10],
                        "resource": resource(kwargs)[:200],
                        "status": answer.status,
                    },
                )
            return response

        return wrapped

    return decorator


def _base(request) -> str:
    return request.build_absolute_uri(reverse("scim:user-list")).removesuffix("/Users")


def _body(request) -> dict:
    try:
        raw = request.body
    except RequestDataTooBig:
        raise ScimError(413, "The request body is too large.") from None
    try:
        document = json.loads(raw or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ScimError(400, f"The body is not valid JSON: {exc}", "invalidSyntax") from None
    if not isinstance(document, dict):
        raise ScimError(400, "The body must be a JSON object.", "invalidSyntax")
    return document


def _employee(pk: str) -> Employee:
    employee = users.employees_for_scim().filter(pk=int(pk)).first() if pk.isdigit() else None
    if employee is None:
        raise ScimError(404, f"There is no User with id {pk}.")
    return employee


def _group(pk: str, *, with_members: bool = True) -> Group:
    group = (
        groups.groups_for_scim(with_members=with_members).filter(pk=int(pk)).first()
        if pk.isdigit()
        else None
    )
    if group is None:
        raise ScimError(404, f"There is no Group with id {pk}.")
    return group


# --- Discovery -------------------------------------------------------------------------


@scim_endpoint(("GET",), lambda kwargs: "ServiceProviderConfig")
def service_provider_config(request) -> Answer:
    return Answer(document=discovery.service_provider_config(base=_base(request)))


@scim_endpoint(("GET",), lambda kwargs: "Schemas")
def schema_list(request) -> Answer:
    base = _base(request)
    documents = [discovery.schema_document(s, base=base) for s in discovery.SCHEMAS]
    return Answer(document=list_document(documents, total=len(documents), start=1))


@scim_endpoint(("GET",), lambda kwargs: f"Schemas/{kwargs['schema_id']}")
def schema_detail(request, schema_id: str) -> Answer:
    if schema_id not in discovery.SCHEMAS:
        raise ScimError(404, f"There is no schema {schema_id}.")
    return Answer(document=discovery.schema_document(schema_id, base=_base(request)))


@scim_endpoint(("GET",), lambda kwargs: "ResourceTypes")
def resource_type_list(request) -> Answer:
    base = _base(request)
    documents = [discovery.resource_type_document(n, base=base) for n in discovery.RESOURCE_TYPES]
    return Answer(document=list_document(documents, total=len(documents), start=1))


@scim_endpoint(("GET",), lambda kwargs: f"ResourceTypes/{kwargs['name']}")
def resource_type_detail(request, name: str) -> Answer:
    if name not in discovery.RESOURCE_TYPES:
        raise ScimError(404, f"There is no resource type {name}.")
    return Answer(document=discovery.resource_type_document(name, base=_base(request)))


# --- Users -----------------------------------------------------------------------------


@scim_endpoint(("GET", "POST"), lambda kwargs: "Users")
def user_list(request) -> Answer:
    location = _base(request) + "/Users"
    if request.method == "POST":
        employee = users.scim_user_create(document=_body(request))
        employee = _employee(str(employee.pk))
        document = users.user_document(employee, location=location)
        return Answer(
            status=201,
            document=document,
            user=employee.user,
            location=document["meta"]["location"],
        )
    start, count = page_params(request.GET)
    found = filter_parse(request.GET.get("filter"), users.USER_FILTERS)
    employees = users.employees_for_scim()
    if found is not None:
        employees = users.employees_filter(employees, found)
    total = employees.count()
    page = list(employees[start - 1 : start - 1 + count]) if count else []
    documents = [users.user_document(e, location=location) for e in page]
    return Answer(document=list_document(documents, total=total, start=start))


@scim_endpoint(("GET", "PUT", "PATCH", "DELETE"), lambda kwargs: f"Users/{kwargs['pk']}")
def user_detail(request, pk: str) -> Answer:
    location = _base(request) + "/Users"
    employee = _employee(pk)
    request.scim_subject = employee.user  # for the audit event, even if the call fails
    answer = Answer(user=employee.user)
    if request.method == "DELETE":
        users.scim_user_deactivate(employee=employee)
        answer.status = 204
        return answer
    if request.method == "PUT":
        users.scim_user_replace(employee=employee, document=_body(request))
    elif request.method == "PATCH":
        current = users.user_document(employee, location=location)
        patched = users.patched_document(current, _body(request))
        users.scim_user_replace(employee=employee, document=patched)
    if request.method != "GET":
        employee = _employee(pk)
    answer.document = users.user_document(employee, location=location)
    return answer


# --- Groups ----------------------------------------------------------------------------


@scim_endpoint(("GET", "POST"), lambda kwargs: "Groups")
def group_list(request) -> Answer:
    if request.method == "POST":
        groups.scim_group_create(document=_body(request))
    base = _base(request)
    start, count = page_params(request.GET)
    found = filter_parse(request.GET.get("filter"), groups.GROUP_FILTERS)
    with_members = "members" not in request.GET.get("excludedAttributes", "").lower()
    queryset = groups.groups_for_scim(with_members=with_members)
    if found is not None:
        queryset = groups.groups_filter(queryset, found)
    total = queryset.count()
    page = list(queryset[start - 1 : start - 1 + count]) if count else []
    documents = [
        groups.group_document(g, location=f"{base}/Groups", users_location=f"{base}/Users")
        for g in page
    ]
    return Answer(document=list_document(documents, total=total, start=start))


@scim_endpoint(("GET", "PUT", "PATCH", "DELETE"), lambda kwargs: f"Groups/{kwargs['pk']}")
def group_detail(request, pk: str) -> Answer:
    base = _base(request)
    with_members = "members" not in request.GET.get("excludedAttributes", "").lower()
    group = _group(pk, with_members=with_members or request.method in ("PUT", "PATCH"))
    if request.method == "DELETE":
        raise ScimError(400, f"The role group {group.name} cannot be deleted.", "mutability")

    def document():
        return groups.group_document(
            group, location=f"{base}/Groups", users_location=f"{base}/Users"
        )

    if request.method == "PUT":
        groups.scim_group_replace(group=group, document=_body(request))
    elif request.method == "PATCH":
        groups.scim_group_replace(group=group, document=patch_apply(document(), _body(request)))
    if request.method != "GET":
        group = _group(pk)
        if not with_members:
            group.members = None
    return Answer(document=document())
