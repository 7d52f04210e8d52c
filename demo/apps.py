from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo company and its training history. It may import every app; nothing
    imports it."""

    name = "demo"
    verbose_name = _("Demo data")
