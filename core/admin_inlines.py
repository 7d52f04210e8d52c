"""Admin helpers every app may use (no model, nothing registered)."""

from django.contrib import admin
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


class LabelledTabularInline(admin.TabularInline):
    """A tabular inline whose inputs carry their column's name as `aria-label`.

    Django's tabular inline shows each field's name once, in the table header, and
    renders the inputs without a label: a screen reader announces "edit text" for each
    (axe `label`, critical). The header stays for sighted authors.
    """

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None:
            field.widget.attrs.setdefault("aria-label", capfirst(field.label or db_field.name))
        return field

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        class LabelledFormSet(formset):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                if "DELETE" in form.fields:  # the row's "Delete?" box, under its header
                    form.fields["DELETE"].widget.attrs.setdefault("aria-label", _("Delete"))

        return LabelledFormSet
