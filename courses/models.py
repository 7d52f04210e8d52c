"""Courses and the training record.

Content: `Course` → `Module` (ordered) → `Lesson` (ordered; reading, video or
acknowledgement). Lesson Markdown is rendered and sanitised into `body_html` when the
lesson is saved (a derived field, never rendered per request); `body_version`
fingerprints the text so an acknowledgement records which version was accepted.

Progress has two grains (Kolibri's idea): append-only `LessonCompletion` detail rows,
and one denormalised `Enrollment` per employee × course × cycle carrying what reports
read (status, progress, due date, mandatory, timestamps, best score). A partial unique
constraint keeps one *current* cycle; recertification opens a new cycle and the old
one stays as history. Both grains are written together by `courses.services`.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from parler.fields import TranslationsForeignKey
from parler.models import TranslatableModel, TranslatedFieldsModel
from parler.utils.i18n import normalize_language_code

from people.models import Employee

from .rendering import content_version, fill_contacts, render_markdown, video_embed_url


class TranslatableContent(TranslatableModel):
    """Content whose learner-facing text is stored per language (django-parler rows).

    Reading a translated field gives the text in the language *active when it is read*
    (the request's, or the one an email or PDF is rendered in), falling back to English
    when that language has no row; parler alone would keep the language active when the
    object was loaded. `set_current_language()` (the admin's language tabs, the
    curriculum loader) pins one language explicitly."""

    class Meta:
        abstract = True

    @property
    def _current_language(self):
        pinned = self.__dict__.get("_pinned_language")
        if pinned:
            return pinned
        return normalize_language_code(translation.get_language() or settings.LANGUAGE_CODE)

    @_current_language.setter
    def _current_language(self, value):
        # parler's __init__ stores the language active at load time: not pinned.
        pass

    def set_current_language(self, language_code, initialize=False):
        self.__dict__["_pinned_language"] = normalize_language_code(
            language_code or translation.get_language() or settings.LANGUAGE_CODE
        )
        super().set_current_language(language_code, initialize=initialize)

    def served_language(self) -> str:
        """The language the text is read in now: the active one when this object has
        a row in it, else the fallback's (English). Uses prefetched rows when there are."""
        try:
            return self._get_translated_model(use_fallback=True).language_code
        except self._parler_meta.root_model.DoesNotExist:
            return self._current_language

    def text_in(self, name: str, language: str) -> str:
        """One translated field in `language` (or its fallback), without changing the
        language this object reads in."""
        try:
            return getattr(self._get_translated_model(language, use_fallback=True), name)
        except self._parler_meta.root_model.DoesNotExist:
            return ""

    @property
    def is_untranslated(self) -> bool:
        """True when the active language has no translation of this item and English is
        shown instead (the templates mark it "not yet translated")."""
        return self.served_language() != self._current_language


class ContentTranslation(TranslatedFieldsModel):
    """Base of the per-language rows; `render()` fills the derived HTML fields."""

    class Meta:
        abstract = True

    def render(self):
        """Derived fields of this language's row (Markdown → sanitised HTML)."""

    def save(self, *args, **kwargs):
        self.render()
        kwargs.pop("update_fields", None)  # derived fields change with their sources
        super().save(*args, **kwargs)


class Course(TranslatableContent):
    code = models.SlugField(_("code"), max_length=40, unique=True, allow_unicode=False)
    estimated_minutes = models.PositiveIntegerField(_("estimated time (minutes)"), default=30)
    published = models.BooleanField(_("published"), default=False)
    certificate_valid_months = models.PositiveIntegerField(
        _("certificate valid for (months)"),
        null=True,
        blank=True,
        help_text=_("Leave empty for a certificate that never expires."),
    )
    created_at = models.DateTimeField(verbose_name=_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        # Titles live in the translation rows; lists order by title in the reader's
        # language where it matters (`courses.translation.order_by_translated`).
        ordering = ["code"]

    def __str__(self):
        return self.safe_translation_getter("title", any_language=True) or self.code

    def get_absolute_url(self):
        return reverse("courses:course-detail", kwargs={"code": self.code})


class CourseTranslation(ContentTranslation):
    master = TranslationsForeignKey(
        Course, on_delete=models.CASCADE, related_name="translations", null=True, editable=False
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=400, blank=True)
    description = models.TextField(_("description (Markdown)"), blank=True)
    description_html = models.TextField(
        verbose_name=_("description (HTML)"), editable=False, blank=True
    )

    class Meta:
        verbose_name = _("course translation")
        db_table = "courses_course_translation"
        unique_together = [("language_code", "master")]

    def render(self):
        self.description_html = render_markdown(self.description)


class Module(TranslatableContent):
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="modules", verbose_name=_("course")
    )
    code = models.SlugField(_("code"), max_length=60, unique=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["course", "position", "pk"]

    def __str__(self):
        return self.safe_translation_getter("title", any_language=True) or self.code


class ModuleTranslation(ContentTranslation):
    master = TranslationsForeignKey(
        Module, on_delete=models.CASCADE, related_name="translations", null=True, editable=False
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=400, blank=True)

    class Meta:
        verbose_name = _("module translation")
        db_table = "courses_module_translation"
        unique_together = [("language_code", "master")]


class Lesson(TranslatableContent):
    class Kind(models.TextChoices):
        READING = "reading", _("Reading")
        VIDEO = "video", _("Video")
        ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")

    module = models.ForeignKey(
        Module, on_delete=models.CASCADE, related_name="lessons", verbose_name=_("module")
    )
    code = models.SlugField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.READING)
    position = models.PositiveIntegerField(_("position"), default=0)
    minutes = models.PositiveIntegerField(
        _("estimated time (minutes)"), default=5, validators=[MaxValueValidator(600)]
    )
    video_file = models.FileField(
        _("video file"),
        upload_to="lessons/videos/",
        blank=True,
        validators=[FileExtensionValidator(["mp4", "webm"])],
    )
    captions_file = models.FileField(
        _("captions (WebVTT)"),
        upload_to="lessons/captions/",
        blank=True,
        validators=[FileExtensionValidator(["vtt"])],
    )

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["module__position", "position", "pk"]

    def __str__(self):
        return self.safe_translation_getter("title", any_language=True) or self.code

    @property
    def body_display_html(self) -> str:
        """The rendered body with the company's contacts filled in (settings)."""
        return fill_contacts(self.body_html)

    def clean(self):
        if self.video_url and video_embed_url(self.video_url) is None:
            raise ValidationError(
                {"video_url": _("Only YouTube and Vimeo video pages (https) can be embedded.")}
            )
        if self.kind == self.Kind.VIDEO and not (self.video_url or self.video_file):
            raise ValidationError(_("A video lesson needs a video URL or a video file."))
        if self.kind == self.Kind.ACKNOWLEDGEMENT and not self.acknowledgement:
            raise ValidationError(
                {"acknowledgement": _("An acknowledgement lesson needs the statement to confirm.")}
            )

    @property
    def video_embed(self):
        return video_embed_url(self.video_url) if self.video_url else None


class LessonTranslation(ContentTranslation):
    master = TranslationsForeignKey(
        Lesson, on_delete=models.CASCADE, related_name="translations", null=True, editable=False
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body (Markdown)"), blank=True)
    body_html = models.TextField(verbose_name=_("body (HTML)"), editable=False, blank=True)
    body_version = models.CharField(
        verbose_name=_("body version"), editable=False, max_length=16, blank=True
    )
    video_url = models.URLField(
        _("video URL"),
        blank=True,
        help_text=_(
            "A YouTube or Vimeo page (other hosts are refused), or upload a file. "
            "A translation may name a video in its own language."
        ),
    )
    acknowledgement = models.CharField(
        _("acknowledgement statement"),
        max_length=300,
        blank=True,
        help_text=_(
            "What the employee confirms, e.g. “I have read these guidelines and I will follow them.”"
        ),
    )

    class Meta:
        verbose_name = _("lesson translation")
        db_table = "courses_lesson_translation"
        unique_together = [("language_code", "master")]

    def render(self):
        self.body_html = render_markdown(self.body)
        # Which text (in this language) an acknowledgement accepted.
        self.body_version = content_version(self.body, self.acknowledgement)


class Enrollment(models.Model):
    """The training record of one employee for one course, one cycle."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")

    employee = models.ForeignKey(
        Employee, on_delete=models.PROTECT, related_name="enrollments", verbose_name=_("employee")
    )
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="enrollments", verbose_name=_("course")
    )
    cycle = models.PositiveIntegerField(_("cycle"), default=1)
    is_current = models.BooleanField(_("current cycle"), default=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    progress_percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    mandatory = models.BooleanField(_("mandatory"), default=False)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    # The id of the `assignments.Assignment` that owns this row (null: self-enrolled or
    # released). A plain column, not a foreign key: a foreign key would make `courses`'
    # schema depend on `assignments`, which sits above it (decision record 11).
    # Assignments are cancelled, never deleted, so the id always names a row.
    assignment_id = models.PositiveBigIntegerField(_("assignment"), null=True, blank=True)
    best_score = models.PositiveSmallIntegerField(_("best quiz score (%)"), null=True, blank=True)
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "course"],
                condition=Q(is_current=True),
                name="courses_enrollment_one_current_cycle",
            ),
            models.UniqueConstraint(
                fields=["employee", "course", "cycle"], name="courses_enrollment_unique_cycle"
            ),
            models.CheckConstraint(
                condition=Q(progress_percent__lte=100), name="courses_enrollment_progress_0_100"
            ),
            models.CheckConstraint(
                condition=Q(best_score__isnull=True) | Q(best_score__lte=100),
                name="courses_enrollment_best_score_0_100",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_at__isnull=False),
                name="courses_enrollment_completed_has_date",
            ),
        ]
        indexes = [
            # Reports: current enrollments of a course by status (completion rates).
            models.Index(
                fields=["course", "status"],
                condition=Q(is_current=True),
                name="courses_enr_course_status",
            ),
            # Reminders and overdue lists: open enrollments by due date.
            models.Index(
                fields=["due_on"],
                condition=Q(is_current=True) & ~Q(status="completed"),
                name="courses_enr_open_due",
            ),
            # Assignment list (reach and completion per assignment) and re-application:
            # the current rows an assignment owns, by status.
            models.Index(
                fields=["assignment_id", "status"],
                condition=Q(is_current=True, assignment_id__isnull=False),
                name="courses_enr_assignment_status",
            ),
            # Reports filtered on mandatory training, by status.
            models.Index(
                fields=["mandatory", "status"],
                condition=Q(is_current=True),
                name="courses_enr_mandatory_status",
            ),
        ]

    def __str__(self):
        return f"{self.employee} · {self.course} (cycle {self.cycle})"

    @property
    def is_completed(self):
        return self.status == self.Status.COMPLETED

    def is_overdue(self, today):
        return bool(self.due_on and not self.is_completed and self.due_on < today)

    @property
    def progress_stamp(self) -> str:
        """Changes whenever the cycle's progress does: every progress service writes
        `last_activity_at` (and status, progress, score) in the transaction that adds a
        completion or an attempt. Keys the cached progress (`courses.caching`)."""
        activity = self.last_activity_at.timestamp() if self.last_activity_at else ""
        return f"{activity}-{self.status}-{self.progress_percent}-{self.best_score}"


class LessonCompletion(models.Model):
    """Append-only: this enrollment's employee completed this lesson (once per cycle)."""

    enrollment = models.ForeignKey(
        Enrollment,
        verbose_name=_("enrollment"),
        on_delete=models.CASCADE,
        related_name="completions",
    )
    lesson = models.ForeignKey(
        Lesson, verbose_name=_("lesson"), on_delete=models.PROTECT, related_name="completions"
    )
    completed_at = models.DateTimeField(_("completed at"))
    acknowledged_version = models.CharField(
        _("acknowledged text version"),
        max_length=16,
        blank=True,
        help_text=_("Fingerprint of the text that was acknowledged (acknowledgement lessons)."),
    )
    acknowledged_statement = models.CharField(
        verbose_name=_("acknowledged statement"), max_length=300, blank=True
    )

    class Meta:
        verbose_name = _("lesson completion")
        verbose_name_plural = _("lesson completions")
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "lesson"], name="courses_completion_once_per_cycle"
            )
        ]

    def __str__(self):
        return f"{self.enrollment} · {self.lesson}"
