from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .forms import RevokeForm
from .models import Certificate, normalise_code


class StateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return Certificate.State.choices

    def queryset(self, request, queryset):
        from django.db.models import Q
        from django.utils import timezone

        now = timezone.now()
        if self.value() == Certificate.State.REVOKED:
            return queryset.filter(revoked_at__isnull=False)
        if self.value() == Certificate.State.EXPIRED:
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        if self.value() == Certificate.State.VALID:
            return queryset.filter(
                Q(expires_at__isnull=True) | Q(expires_at__gt=now), revoked_at__isnull=True
            )
        return queryset


@admin.action(description=_("Revoke the selected certificates…"), permissions=["revoke"])
def revoke_certificates(modeladmin, request, queryset):
    """An intermediate page asks for the reason, then each certificate is revoked."""
    if "apply" in request.POST:
        form = RevokeForm(request.POST)
        if form.is_valid():
            revoked = sum(
                services.certificate_revoke(
                    certificate=certificate, reason=form.cleaned_data["reason"], by=request.user
                )
                for certificate in queryset
            )
            skipped = queryset.count() - revoked
            modeladmin.message_user(
                request,
                ngettext(
                    "%(count)d certificate revoked.", "%(count)d certificates revoked.", revoked
                )
                % {"count": revoked},
                messages.SUCCESS,
            )
            if skipped:
                modeladmin.message_user(
                    request,
                    ngettext(
                        "%(count)d was already revoked and was left unchanged.",
                        "%(count)d were already revoked and were left unchanged.",
                        skipped,
                    )
                    % {"count": skipped},
                    messages.INFO,
                )
            return None
    else:
        form = RevokeForm()
    return TemplateResponse(
        request,
        "certificates/admin_revoke.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": _("Revoke certificates"),
            "opts": modeladmin.model._meta,
            "certificates": queryset,
            "form": form,
            "selected_ids": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            "checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "action_name": "revoke_certificates",
        },
    )


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = [
        "display_code",
        "holder_name",
        "course_title",
        "issued_at",
        "expires_at",
        "state_display",
    ]
    list_filter = [StateFilter, "course"]
    search_fields = [
        "code",
        "holder_name",
        "course_title",
        "employee__user__email",
        "employee__employee_number",
    ]
    list_select_related = []
    date_hierarchy = "issued_at"
    actions = [revoke_certificates]
    readonly_fields = [
        "display_code",
        "enrollment",
        "employee",
        "course",
        "holder_name",
        "course_title",
        "issued_at",
        "expires_at",
        "revoked_at",
        "revoked_reason",
        "revoked_by",
        "pdf",
        "expiry_warning_sent_at",
    ]
    exclude = ["code"]

    @admin.display(description=_("code"), ordering="code")
    def display_code(self, obj):
        return obj.display_code

    @admin.display(description=_("state"))
    def state_display(self, obj):
        return obj.current_state.label

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        code = normalise_code(search_term)
        if code:
            queryset |= self.model.objects.filter(code=code)
        return queryset, may_have_duplicates

    def has_revoke_permission(self, request):
        return request.user.has_perm("certificates.revoke_certificate")

    def has_add_permission(self, request):
        return False  # certificates are issued on completion, never by hand

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: a certificate is a record
