import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core import ratelimit
from people.access import request_employee, role_required
from people.roles import roles_for

from . import selectors, services
from .forms import RevokeForm, SearchForm, VerifyForm
from .models import Certificate, format_code, normalise_code
from .pdf import certificate_pdf_bytes


@require_GET
def certificate_list(request):
    """My certificates: the signed-in employee's own certificates."""
    employee = request_employee(request)
    certificates = list(selectors.certificate_list_for(employee=employee))
    rows = [
        {
            "certificate": certificate,
            "state": certificate.current_state,
            "linkedin_url": selectors.linkedin_add_url(certificate),
        }
        for certificate in certificates
    ]
    return render(request, "certificates/certificate_list.html", {"rows": rows})


def _scoped_certificate(request, code: str) -> Certificate:
    normalised = normalise_code(code)
    return get_object_or_404(
        selectors.certificates_downloadable_by(request.user).select_related("employee"),
        code=normalised,
    )


@require_GET
def certificate_download(request, code: str):
    """The PDF, to its holder, their managers (in scope) and HR; 404 for anyone else.
    A revoked certificate is no longer offered, except to HR (for the record)."""
    certificate = _scoped_certificate(request, code)
    if certificate.is_revoked and not roles_for(request.user).hr:
        raise Http404
    language = request.GET.get("language")
    if language is not None:
        # A version in another language, on request: rendered now, not stored.
        if language not in dict(settings.LANGUAGES):
            raise Http404
        return FileResponse(
            io.BytesIO(certificate_pdf_bytes(certificate, language=language)),
            as_attachment=True,
            filename=services.pdf_filename(certificate, language=language),
            content_type="application/pdf",
        )
    if not certificate.pdf:
        # The render task has not run (or failed): render now; the task will find it done.
        certificate = services.certificate_render_pdf(certificate_id=certificate.pk)
    try:
        handle = certificate.pdf.open("rb")
    except FileNotFoundError:  # the file went missing from storage: render it again
        certificate = services.certificate_render_pdf(certificate_id=certificate.pk, force=True)
        handle = certificate.pdf.open("rb")
    return FileResponse(
        handle,
        as_attachment=True,
        filename=services.pdf_filename(certificate),
        content_type="application/pdf",
    )


@permission_required("certificates.revoke_certificate", raise_exception=True)
@require_http_methods(["GET", "POST"])
def certificate_revoke(request, code: str):
    certificate = get_object_or_404(
        Certificate.objects.select_related("revoked_by"), code=normalise_code(code)
    )
    form = RevokeForm(request.POST or None)
    confirming = False
    if request.method == "POST" and "edit" in request.POST:
        # "Change the reason" on the confirmation step: back to the form, reason kept.
        form = RevokeForm(initial={"reason": request.POST.get("reason", "")})
    elif request.method == "POST" and form.is_valid() and not form.cleaned_data["confirmed"]:
        confirming = not certificate.revoked_at  # first step: show what will happen
    elif request.method == "POST" and form.is_valid():
        revoked = services.certificate_revoke(
            certificate=certificate, reason=form.cleaned_data["reason"], by=request.user
        )
        if revoked:
            messages.success(request, _("The certificate was revoked."))
        else:
            messages.info(request, _("This certificate was already revoked: nothing was changed."))
        return redirect("certificates:certificate-revoke", code=certificate.display_code)
    return render(
        request,
        "certificates/certificate_revoke.html",
        {
            "certificate": certificate,
            "form": form,
            "state": certificate.current_state,
            "confirming": confirming,
        },
    )


@role_required("hr")
@require_GET
def certificate_search(request):
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    certificates = list(selectors.certificate_search(query=query)) if query else []
    return render(
        request,
        "certificates/certificate_search.html",
        {"form": form, "query": query, "certificates": certificates},
    )


def _rate_limited(request) -> bool:
    return not ratelimit.hit(
        scope="certificate-verify",
        key=ratelimit.client_address(request),
        limit=settings.CERTIFICATES_VERIFY_RATE_LIMIT,  # a minute, per address
    )


def _too_many(request):
    response = render(request, "certificates/verify_rate_limited.html", status=429)
    response["Retry-After"] = "60"
    return response


@login_not_required
@require_GET
def verify_lookup(request):
    """The public form to type a code; a known code redirects to its stable URL, an
    unknown one is answered here, with the code shown exactly as the person typed it."""
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        if _rate_limited(request):
            return _too_many(request)
        code = form.cleaned_data["code"]
        if selectors.certificate_get_by_code(code=code) is None:
            return render(
                request,
                "certificates/verify_not_found.html",
                {"form": VerifyForm(initial={"code": request.GET["code"][:64]})},
                status=404,
            )
        return redirect("certificate-verify", code=_display(code))
    return render(request, "certificates/verify_lookup.html", {"form": form})


def _display(code: str) -> str:
    return format_code(code[:32])


@login_not_required
@require_GET
def verify(request, code: str):
    """Public verification: valid, expired or revoked; the holder's name, course, dates."""
    if _rate_limited(request):
        return _too_many(request)
    certificate = selectors.certificate_get_by_code(code=code)
    if certificate is None:
        return render(
            request,
            "certificates/verify_not_found.html",
            {"form": VerifyForm(initial={"code": code[:64]})},
            status=404,
        )
    return render(
        request,
        "certificates/verify_detail.html",
        {"certificate": certificate, "state": certificate.current_state},
    )
