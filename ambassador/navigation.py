"""The site's main navigation: one table of groups and entries for every role.

To add a page to the navigation, add one `Entry` line to the group it belongs to:

    Entry(_("Assignments"), "assignments:assignment-list", role="hr"),

`role` names a `people.roles.Roles` attribute (`manager`, `hr`, `author`, `sees_people`,
`staff`); `None` means everyone signed in. `also` lists other URL names that highlight
the entry (a course page belongs to "Catalog"). A group is shown when at least one of
its entries is; the first group (no label) is laid out as plain links, the others as
menus. `templates/_nav.html` renders it; `ambassador/tests/test_navigation.py` checks
that every entry resolves and what each role sees.
"""

from dataclasses import dataclass
from functools import lru_cache

from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _

from people.roles import roles_for_display


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    role: str | None = None
    also: tuple[str, ...] = ()


@dataclass(frozen=True)
class Group:
    label: str | None
    entries: tuple[Entry, ...]


NAVIGATION = (
    Group(
        None,  # every employee's own training, laid out as plain links
        (
            Entry(_("My training"), "home"),
            Entry(_("My certificates"), "certificates:certificate-list"),
            Entry(
                _("Catalog"),
                "courses:course-list",
                also=(
                    "courses:course-detail",
                    "courses:lesson-detail",
                    "quizzes:quiz-detail",
                    "quizzes:attempt-detail",
                    "quizzes:attempt-review",
                ),
            ),
        ),
    ),
    Group(
        _("Team"),  # managers (their departments) and HR (everyone)
        (
            Entry(_("People"), "people:employee-list", role="sees_people"),
            Entry(
                _("Completion report"),
                "reports:completion",
                role="sees_people",
                also=("reports:employee-detail",),
            ),
            Entry(_("Activity matrix"), "reports:matrix", role="sees_people"),
            Entry(_("Weakest topics"), "reports:weakest-topics", role="sees_people"),
        ),
    ),
    Group(
        _("HR"),
        (
            Entry(_("Import employees"), "people:employee-import", role="hr"),
            Entry(
                _("Assignments"),
                "assignments:assignment-list",
                role="hr",
                also=(
                    "assignments:assignment-create",
                    "assignments:assignment-detail",
                    "assignments:assignment-edit",
                    "assignments:assignment-cancel",
                ),
            ),
            Entry(
                _("Certificates"),
                "certificates:certificate-search",
                role="hr",
                also=("certificates:certificate-revoke",),
            ),
            Entry(
                _("HR dashboard"),
                "reports:hr-dashboard",
                role="hr",
                also=("reports:certificates-expiring",),
            ),
            Entry(_("Sign-in log"), "identity:audit-list", role="hr"),
            Entry(
                _("SCIM tokens"),
                "identity:scim-token-list",
                role="hr",
                also=("identity:scim-token-revoke",),
            ),
        ),
    ),
    Group(
        _("Content"),  # authors write in the Django admin
        (
            Entry(_("Courses"), "admin:courses_course_changelist", role="author"),
            Entry(_("Quizzes"), "admin:quizzes_quiz_changelist", role="author"),
        ),
    ),
)

# The menu under the signed-in person's name, at the end of the bar.
ACCOUNT = (
    Entry(_("My profile"), "people:profile"),
    # allauth.mfa's pages: authenticator app, passkeys and security keys, recovery codes.
    Entry(
        _("Two-factor authentication"),
        "mfa_index",
        also=(
            "mfa_activate_totp",
            "mfa_deactivate_totp",
            "mfa_add_webauthn",
            "mfa_list_webauthn",
            "mfa_edit_webauthn",
            "mfa_remove_webauthn",
            "mfa_view_recovery_codes",
            "mfa_generate_recovery_codes",
        ),
    ),
    Entry(_("Administration"), "admin:index", role="staff"),
)


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    active: bool


@dataclass(frozen=True)
class Menu:
    label: str | None
    links: tuple[Link, ...]

    @property
    def active(self):
        return any(link.active for link in self.links)


@lru_cache(maxsize=256)
def _url(url_name: str, script_prefix: str) -> str:
    """The entries' URLs take no argument: reverse each once per process (and prefix)."""
    return reverse(url_name)


def _links(entries, roles, view_name):
    prefix = get_script_prefix()
    return tuple(
        Link(
            label=entry.label,
            url=_url(entry.url_name, prefix),
            active=view_name == entry.url_name or view_name in entry.also,
        )
        for entry in entries
        if entry.role is None or getattr(roles, entry.role)
    )


def menus_for(user, view_name=None):
    """The groups this user sees, each with the entries their roles allow."""
    roles = roles_for_display(user)
    menus = (Menu(group.label, _links(group.entries, roles, view_name)) for group in NAVIGATION)
    return [menu for menu in menus if menu.links]


def navigation(request):
    """Context processor: `nav_menus` and `account_links` for the layout."""
    if not request.user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else None
    roles = roles_for_display(request.user)
    if getattr(request, "mfa_enrolment_pending", False):
        # Sent to enrolment (identity.mfa.middleware): offer nothing it would refuse.
        enrolment = tuple(entry for entry in ACCOUNT if entry.url_name == "mfa_index")
        return {"nav_menus": [], "account_links": _links(enrolment, roles, view_name)}
    return {
        "nav_menus": menus_for(request.user, view_name),
        "account_links": _links(ACCOUNT, roles, view_name),
    }
