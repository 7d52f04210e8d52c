"""Cached course content and progress, for the learner's pages.

Two kinds of entries, both in the default cache (Redis in production, shared by every
web process):

- **content** (a course's outline, a lesson, the published courses): the same for
  everyone, keyed by the *content version* and the language. Any save or delete of a
  content model (a course, module, lesson, quiz, question, choice, or one of their
  translations) and every curriculum load bump the version, so every content entry is
  replaced at once; nothing has to know which entries exist.
- **progress** (what one employee has done in a course): keyed by the content version,
  the language, the enrollment and its *progress stamp* (`Enrollment.progress_stamp`:
  the last activity, status and progress the progress services write in the same
  transaction as the detail rows). A completion or an attempt changes the stamp, so the
  next page reads a fresh entry; an entry of one enrollment never serves another.

Every entry also expires after `ENTRY_SECONDS`, which bounds what a per-process cache
(development with several processes) can show of another process's edit.

In front of the shared cache, each process keeps the entries it last used (at most
`LOCAL_ENTRIES`), since unpickling a course's outline on every request costs about as
much as reading it from the database. That is safe because every key names the content
version and the progress stamp: a local entry is never stale, only unused. The content
version itself is read from the shared cache once per request (`request_started`) and
again after this process bumps it. The entries are shared objects: read them, never
change them.
"""

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable

from django.core.cache import cache
from django.core.signals import request_started
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import translation

VERSION_KEY = "courses:content-version"
ENTRY_SECONDS = 10 * 60
LOCAL_ENTRIES = 512


class _Local(threading.local):
    def __init__(self):
        self.version: str | None = None
        self.entries: OrderedDict[str, object] = OrderedDict()


_local = _Local()

# Models whose rows are course content (app_label.ModelName), declared by their apps.
_content_models: set[str] = set()


def register_content_models(*labels: str) -> None:
    """Declare models as course content: saving or deleting one bumps the version. A
    translation model of one of them (django-parler's `<Model>Translation`) counts too."""
    _content_models.update(labels)


def is_content_model(model) -> bool:
    if model._meta.label in _content_models:
        return True
    shared = getattr(model._meta, "shared_model", None)  # a parler translations model
    return shared is not None and shared._meta.label in _content_models


def content_version() -> str:
    """The current content version (read once per request)."""
    if _local.version is None:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
            version = cache.get(VERSION_KEY)
        _local.version = version
    return _local.version


def forget_version(**kwargs) -> None:
    """Read the version again at the next use (each request starts so)."""
    _local.version = None


def forget_local() -> None:
    """Drop this process's copies (the version and the entries)."""
    _local.version = None
    _local.entries.clear()


def _bump():
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    forget_local()


def content_version_bump() -> None:
    """Make every content and progress entry stale: at once (this process, inside the
    transaction, sees the change) and again after the commit, since a request running
    meanwhile in another process may have cached the old rows under the first new version."""
    _bump()
    transaction.on_commit(_bump)


def _key(kind: str, version: str, *parts) -> str:
    language = translation.get_language() or "-"
    return ":".join(["courses", kind, version, language, *(str(part) for part in parts)])


def content_key(kind: str, *parts) -> str:
    return _key(kind, content_version(), *parts)


def cached(key: str, build: Callable[[], object]):
    """The entry at `key`: from this process's entries, else the shared cache, else
    built and stored in both."""
    entries = _local.entries
    value = entries.get(key)
    if value is not None:
        entries.move_to_end(key)
        return value
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, ENTRY_SECONDS)
    entries[key] = value
    if len(entries) > LOCAL_ENTRIES:
        entries.popitem(last=False)
    return value


def progress_key(kind: str, enrollment, *parts) -> str:
    """The key of one enrollment's progress entry: changes whenever its progress does."""
    return content_key(kind, enrollment.pk, enrollment.progress_stamp, *parts)


def _content_changed(sender, **kwargs):
    if is_content_model(sender):
        content_version_bump()


def _content_m2m_changed(sender, action, instance, **kwargs):
    if action.startswith("post_") and is_content_model(type(instance)):
        content_version_bump()


def _curriculum_loaded(sender, **kwargs):
    # The loader writes some rows in bulk (no per-row signal); it runs in a transaction,
    # so the bump happens once the whole course, quizzes included, is committed.
    content_version_bump()


def connect_signals() -> None:
    from .signals import curriculum_course_loaded

    curriculum_course_loaded.connect(_curriculum_loaded, dispatch_uid="courses_content_loaded")
    request_started.connect(forget_version, dispatch_uid="courses_content_version_per_request")
    post_save.connect(_content_changed, dispatch_uid="courses_content_saved")
    post_delete.connect(_content_changed, dispatch_uid="courses_content_deleted")
    m2m_changed.connect(_content_m2m_changed, dispatch_uid="courses_content_m2m")
