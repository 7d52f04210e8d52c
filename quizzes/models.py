"""Quizzes: module checks and final exams, and the attempts employees make.

Content (edited by authors in the admin or loaded from the curriculum files):
`Quiz` (belongs to a module) → `Question` (a scenario, optionally a mock social-media
post, a prompt, a kind) → `Choice` (text, correct or not, feedback). Markdown is
rendered and sanitised into `*_html` when a question is saved.

History (append-only, written by `quizzes.services`):

- `Attempt` is one try of an employee at a quiz, in one enrollment cycle. `served` is a
  versioned JSON snapshot of exactly what was served — the questions drawn, the order
  of their choices, their texts, correctness and feedback *as they were* — so editing
  or deleting content later never rewrites history. Grading reads the snapshot only.
- `AttemptAnswer` is one row per served question of a submitted attempt: the choices
  chosen, whether the answer was right and the first wrong choice picked. Per-question
  statistics aggregate these rows in SQL.

The enrollment's `best_score` and completion are updated in the same transaction as
the grading (see `services.attempt_submit`).
"""

from datetime import timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from parler.fields import TranslationsForeignKey

from courses.models import ContentTranslation, Enrollment, Module, TranslatableContent
from courses.rendering import render_markdown
from people.models import Employee

# 2: choices carry `segment_kind` (spot-the-risk items); the quiz carries `review_policy`.
# 3: the snapshot names the `language` its texts are in (also `Attempt.language`).
SERVED_SCHEMA_VERSION = 3
# A submission arriving up to this long after the deadline is still accepted (network,
# a slow click); after it, the answers are refused and the attempt scores 0.
DEADLINE_GRACE = timedelta(seconds=30)


class Quiz(TranslatableContent):
    class Kind(models.TextChoices):
        CHECK = "check", _("Module check")
        EXAM = "exam", _("Final exam")

    module = models.ForeignKey(
        Module, on_delete=models.CASCADE, related_name="quizzes", verbose_name=_("module")
    )
    code = models.SlugField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CHECK)
    position = models.PositiveIntegerField(_("position"), default=0)
    pass_mark_percent = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=80, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    max_attempts = models.PositiveIntegerField(
        _("maximum attempts"),
        null=True,
        blank=True,
        default=0,
        help_text=_("0 or empty: unlimited."),
    )
    questions_per_attempt = models.PositiveIntegerField(
        _("questions per attempt"),
        null=True,
        blank=True,
        help_text=_("Drawn at random from the questions. Empty: every question."),
    )

    class ReviewPolicy(models.TextChoices):
        FULL = "full", _("Show the answer key and explanations after every attempt")
        WITHHOLD_KEY = (
            "withhold_key",
            _(
                "After a failed attempt show only which answers were wrong and the feedback on "
                "the chosen ones; show the key once passed or out of attempts"
            ),
        )

    shuffle_choices = models.BooleanField(
        _("shuffle choices"),
        default=True,
        help_text=_("Every kind's choices; the segments of a spot-the-risk post keep their order."),
    )
    review_policy = models.CharField(
        _("review after an attempt"),
        max_length=20,
        choices=ReviewPolicy.choices,
        default=ReviewPolicy.FULL,
    )
    time_limit_minutes = models.PositiveIntegerField(
        _("time limit (minutes)"),
        null=True,
        blank=True,
        help_text=_("0 or empty: no time limit. Enforced on the server."),
    )
    created_at = models.DateTimeField(verbose_name=_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        ordering = ["module__position", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_mark_percent__gte=1, pass_mark_percent__lte=100),
                name="quizzes_quiz_pass_mark_1_100",
            )
        ]

    def __str__(self):
        return self.safe_translation_getter("title", any_language=True) or self.code

    def get_absolute_url(self):
        return reverse("quizzes:quiz-detail", kwargs={"code": self.code})

    @property
    def is_exam(self):
        return self.kind == self.Kind.EXAM

    @property
    def attempt_limit(self) -> int | None:
        """The number of attempts allowed per enrollment cycle, None when unlimited."""
        return self.max_attempts or None

    @property
    def time_limit(self) -> timedelta | None:
        return timedelta(minutes=self.time_limit_minutes) if self.time_limit_minutes else None


class QuizTranslation(ContentTranslation):
    master = TranslationsForeignKey(
        Quiz, on_delete=models.CASCADE, related_name="translations", null=True, editable=False
    )
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)

    class Meta:
        verbose_name = _("quiz translation")
        db_table = "quizzes_quiz_translation"
        unique_together = [("language_code", "master")]


class Question(TranslatableContent):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice (all-or-nothing)")
        TRUE_FALSE = "true_false", _("True or false")
        SPOT_RISK = "spot_risk", _("Spot the risk (select every risky part of a post)")

    class Platform(models.TextChoices):
        LINKEDIN = "linkedin", "LinkedIn"
        X = "x", "X"
        FACEBOOK = "facebook", "Facebook"
        INSTAGRAM = "instagram", "Instagram"
        TIKTOK = "tiktok", "TikTok"
        INTERNAL = "internal", _("Internal network")

    quiz = models.ForeignKey(
        Quiz, on_delete=models.CASCADE, related_name="questions", verbose_name=_("quiz")
    )
    code = models.SlugField(_("code"), max_length=60, unique=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(
        _("in the pool"),
        default=True,
        help_text=_("Untick to retire a question without losing the history of past attempts."),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.SINGLE)
    post_platform = models.CharField(
        _("mock post: platform"), max_length=12, choices=Platform.choices, blank=True
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["quiz", "position", "pk"]

    def __str__(self):
        prompt = self.safe_translation_getter("prompt", any_language=True)
        return f"{self.code}: {prompt}" if prompt else self.code

    @property
    def has_post(self):
        return bool(self.post_text) or self.kind == self.Kind.SPOT_RISK


class QuestionTranslation(ContentTranslation):
    master = TranslationsForeignKey(
        Question, on_delete=models.CASCADE, related_name="translations", null=True, editable=False
    )
    # The topic is shown in the reader's language; drawing and statistics group by the
    # English topic (the source language's row), so they do not depend on the language.
    topic = models.CharField(
        _("topic"),
        max_length=120,
        blank=True,
        help_text=_("Every attempt draws at least one question of each topic when it can."),
    )
    scenario = models.TextField(_("scenario (Markdown)"), blank=True)
    scenario_html = models.TextField(verbose_name=_("scenario (HTML)"), editable=False, blank=True)
    post_author = models.CharField(_("mock post: author"), max_length=120, blank=True)
    post_text = models.TextField(_("mock post: text"), blank=True)
    prompt = models.CharField(_("prompt"), max_length=400)
    explanation = models.TextField(_("explanation (Markdown)"), blank=True)
    explanation_html = models.TextField(
        verbose_name=_("explanation (HTML)"), editable=False, blank=True
    )

    class Meta:
        verbose_name = _("question translation")
        db_table = "quizzes_question_translation"
        unique_together = [("language_code", "master")]

    def render(self):
        self.scenario_html = render_markdown(self.scenario)
        self.explanation_html = render_markdown(self.explanation)


class Choice(TranslatableContent):
    """An answer choice, or for a spot-the-risk item one segment of the mock post
    (`segment_kind` set; `is_correct` means the segment is risky)."""

    class SegmentKind(models.TextChoices):
        SENTENCE = "sentence", _("Sentence")
        HASHTAG = "hashtag", _("Hashtag")
        MENTION = "mention", _("Mention")
        CAPTION = "caption", _("Photo caption")
        PHOTO = "photo", _("Photo description")
        LOCATION = "location", _("Location tag")
        LINK = "link", _("Link")

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="choices", verbose_name=_("question")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    is_correct = models.BooleanField(
        _("correct"), default=False, help_text=_("For a spot-the-risk segment: it is risky.")
    )
    segment_kind = models.CharField(
        _("segment kind"),
        max_length=10,
        choices=SegmentKind.choices,
        blank=True,
        help_text=_("Spot-the-risk items only: which part of the post this segment is."),
    )

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["question", "position", "pk"]

    def __str__(self):
        return self.safe_translation_getter("text", any_language=True) or f"#{self.position}"


class ChoiceTranslation(ContentTranslation):
    master = TranslationsForeignKey(
        Choice, on_delete=models.CASCADE, related_name="translations", null=True, editable=False
    )
    text = models.CharField(_("text"), max_length=500)
    feedback = models.TextField(_("feedback"), blank=True)

    class Meta:
        verbose_name = _("choice translation")
        db_table = "quizzes_choice_translation"
        unique_together = [("language_code", "master")]


class Attempt(models.Model):
    """One try of an employee at a quiz. Append-only once submitted."""

    employee = models.ForeignKey(
        Employee, on_delete=models.PROTECT, related_name="quiz_attempts", verbose_name=_("employee")
    )
    quiz = models.ForeignKey(
        Quiz, on_delete=models.PROTECT, related_name="attempts", verbose_name=_("quiz")
    )
    enrollment = models.ForeignKey(
        Enrollment,
        on_delete=models.PROTECT,
        related_name="quiz_attempts",
        verbose_name=_("enrollment"),
    )
    number = models.PositiveIntegerField(_("attempt number"))
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    late = models.BooleanField(
        _("submitted after the time limit"),
        default=False,
        help_text=_("The answers arrived after the deadline and were not accepted."),
    )
    score_percent = models.PositiveSmallIntegerField(_("score (%)"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), default=False)
    served = models.JSONField(_("questions served"), default=dict)
    # The language the questions were served in (the texts in `served` are in it).
    # Grading and statistics read choice ids and correctness only, never this.
    language = models.CharField(_("language"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "quiz", "number"], name="quizzes_attempt_unique_number"
            ),
            models.UniqueConstraint(
                fields=["employee", "quiz"],
                condition=Q(submitted_at__isnull=True),
                name="quizzes_attempt_one_open",
            ),
            models.CheckConstraint(
                condition=Q(score_percent__isnull=True) | Q(score_percent__lte=100),
                name="quizzes_attempt_score_0_100",
            ),
            models.CheckConstraint(
                condition=Q(passed=False) | Q(submitted_at__isnull=False),
                name="quizzes_attempt_passed_is_submitted",
            ),
        ]
        indexes = [
            # Quiz page, outline and completion: an enrollment's attempts per quiz.
            models.Index(fields=["enrollment", "quiz"], name="quizzes_att_enrollment_quiz"),
            # Statistics: the submitted attempts of a quiz.
            models.Index(
                fields=["quiz"],
                condition=Q(submitted_at__isnull=False),
                name="quizzes_att_quiz_submitted",
            ),
        ]

    def __str__(self):
        return f"{self.employee} · {self.quiz} #{self.number}"

    def get_absolute_url(self):
        name = "quizzes:attempt-review" if self.is_submitted else "quizzes:attempt-detail"
        return reverse(name, kwargs={"pk": self.pk})

    @property
    def is_submitted(self):
        return self.submitted_at is not None

    def is_past_deadline(self, now=None) -> bool:
        """True once the deadline and its grace period have passed."""
        if self.deadline is None:
            return False
        return (now or timezone.now()) > self.deadline + DEADLINE_GRACE

    @property
    def served_questions(self) -> list[dict]:
        return self.served.get("questions", [])


class AttemptAnswer(models.Model):
    """The answer to one served question of a submitted attempt (statistics grain)."""

    attempt = models.ForeignKey(
        Attempt, verbose_name=_("attempt"), on_delete=models.CASCADE, related_name="answers"
    )
    # PROTECT: a question that someone answered is retired (`is_active`), not deleted.
    # Null only if it was deleted between serving and submitting (the snapshot keeps it).
    question = models.ForeignKey(
        Question,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="answers",
        verbose_name=_("question"),
    )
    position = models.PositiveSmallIntegerField(verbose_name=_("position"), default=0)
    chosen = models.JSONField(
        verbose_name=_("chosen"), default=list, help_text=_("Ids of the served choices chosen.")
    )
    is_correct = models.BooleanField(verbose_name=_("correct"), default=False)
    # Spot-the-risk items: how many segments were judged right (None for other kinds).
    segments_right = models.PositiveSmallIntegerField(
        verbose_name=_("segments right"), null=True, blank=True
    )
    # The first wrong choice picked (in served order) — for a spot-the-risk item the
    # first safe segment selected, else the first risky one missed; SET_NULL: the
    # snapshot keeps history.
    wrong_choice = models.ForeignKey(
        Choice,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("wrong choice"),
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question"], name="quizzes_answer_once_per_attempt"
            )
        ]
        indexes = [
            # Statistics: the answers to one question, grouped by wrong choice.
            models.Index(fields=["question", "wrong_choice"], name="quizzes_ans_question_wrong"),
        ]

    def __str__(self):
        return f"{self.attempt} · {self.question_id}"
