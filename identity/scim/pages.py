"""HR's pages for SCIM tokens (/identity/scim-tokens/): list, make (the secret shown
once, after a POST-redirect-GET), revoke (with a confirmation)."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from people.access import role_required

from . import tokens
from .models import ScimToken

# The secret of a token just made, kept in the maker's session until the list shows it.
NEW_SECRET_KEY = "identity:scim-new-token"  # noqa: S105 - a session key


class ScimTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=ScimToken._meta.get_field("name").max_length,
        help_text=_("Who will use it, e.g. “Okta” or “Entra ID (production)”."),
    )


def _list(request, form, status=200):
    new = request.session.pop(NEW_SECRET_KEY, None)
    tokens = ScimToken.objects.select_related("created_by", "revoked_by")
    return render(
        request,
        "identity/scimtoken_list.html",
        {
            "tokens": tokens,
            "form": form,
            "new_token": next((t for t in tokens if new and t.pk == new["id"]), None),
            "new_secret": new["secret"] if new else "",
            "scim_url": request.build_absolute_uri("/scim/v2"),
        },
        status=status,
    )


@role_required("hr")
@require_GET
def scim_token_list(request):
    return _list(request, ScimTokenForm())


@role_required("hr")
@require_POST
def scim_token_create(request):
    form = ScimTokenForm(request.POST)
    if not form.is_valid():
        return _list(request, form, status=400)
    token, secret = tokens.scim_token_create(
        name=form.cleaned_data["name"], created_by=request.user
    )
    request.session[NEW_SECRET_KEY] = {"id": token.pk, "secret": secret}
    return redirect("identity:scim-token-list")


@role_required("hr")
@require_http_methods(["GET", "POST"])
def scim_token_revoke(request, pk: int):
    token = get_object_or_404(ScimToken.objects.select_related("created_by"), pk=pk)
    if request.method == "POST":
        if tokens.scim_token_revoke(token_id=token.pk, by=request.user):
            messages.success(
                request,
                _("The token “%(name)s” was revoked: it no longer opens SCIM.")
                % {"name": token.name},
            )
        else:
            messages.info(request, _("This token was already revoked: nothing was changed."))
        return redirect("identity:scim-token-list")
    return render(request, "identity/scimtoken_revoke.html", {"token": token})
