"""Reads for the employee's pages, each in a fixed number of queries."""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from people.roles import roles_for

from .annotations import TrainingExtras, training_extras
from .caching import cached, content_key, progress_key
from .models import Course, Enrollment, Lesson, LessonCompletion, Module
from .outline import OutlineItem, module_items
from .translation import order_by_title, translations_prefetch


def courses_visible_to(user) -> QuerySet[Course]:
    """Published courses; authors also see unpublished ones (preview)."""
    if roles_for(user).author:
        return Course.objects.all()
    return Course.objects.filter(published=True)


@dataclass
class CourseContent:
    """A course's outline as authored, the same for everyone (cached, `courses.caching`):
    its modules in order, each with its lessons in order (bodies left out)."""

    course: Course
    modules: list[tuple[Module, list[Lesson]]]


def course_content(*, code: str) -> CourseContent | None:
    """The course with this code and its outline; None if there is none. Cached: three
    queries when the content has changed, none otherwise."""

    def build():
        course = (
            Course.objects.filter(code=code).prefetch_related(translations_prefetch(Course)).first()
        )
        if course is None:
            return False  # cached too: a mistyped code costs no query the second time
        modules = list(
            Module.objects.filter(course=course)
            .order_by("position", "pk")
            .prefetch_related(translations_prefetch(Module))
        )
        lessons: dict[int, list[Lesson]] = {module.pk: [] for module in modules}
        for lesson in (
            Lesson.objects.filter(module__course=course)
            .order_by("position", "pk")
            # Every language's rows (parler's translation rows cannot be deferred, so the
            # bodies come along: the outline entry is larger than the English-only one).
            .prefetch_related(translations_prefetch(Lesson))
        ):
            lessons[lesson.module_id].append(lesson)
        return CourseContent(course, [(module, lessons[module.pk]) for module in modules])

    return cached(content_key("course", code), build) or None


def course_get_for(*, user, code: str) -> Course:
    """The course page's course: 404 unless `courses_visible_to(user)` would hold it
    (published, or the user is an author). An unpublished course reaching an author is a
    preview (`not course.published`); the quiz pages use the same rule. From the cache."""
    content = course_content(code=code)
    if content is None or not (content.course.published or roles_for(user).author):
        raise Http404
    return content.course


def lesson_get_for(*, user, code: str, lesson_id: int) -> Lesson:
    """A lesson of a course the user may see (by `course_get_for`'s rule), with its module
    and course; else 404. From the cache (one query when the content has changed)."""
    course = course_get_for(user=user, code=code)

    def build():
        return (
            Lesson.objects.select_related("module__course")
            .prefetch_related(
                translations_prefetch(Lesson),
                translations_prefetch(Module, "module"),
                translations_prefetch(Course, "module__course"),
            )
            .filter(pk=lesson_id)
            .first()
        ) or False

    lesson = cached(content_key("lesson", lesson_id), build)
    if not lesson or lesson.module.course_id != course.pk:
        raise Http404
    return lesson


def catalog_for(*, user, employee) -> list[tuple[Course, Enrollment | None]]:
    """The catalogue: every course the user may see, by title, with the employee's current
    enrollment in it (None if not enrolled). Two queries (one without an employee)."""
    courses = order_by_title(courses_visible_to(user), Course)
    enrollments = {}
    if employee is not None:
        enrollments = {
            enrollment.course_id: enrollment
            for enrollment in Enrollment.objects.filter(employee=employee, is_current=True).only(
                "course_id", "status", "progress_percent", "due_on", "mandatory"
            )
        }
    return [(course, enrollments.get(course.pk)) for course in courses]


def enrollment_current(*, employee, course) -> Enrollment | None:
    if employee is None:
        return None
    return Enrollment.objects.filter(employee=employee, course=course, is_current=True).first()


@dataclass
class MyTraining:
    assigned: list[Enrollment]
    in_progress: list[Enrollment]
    completed: list[Enrollment]
    available: list[Course]
    today: object
    extras: TrainingExtras = field(default_factory=TrainingExtras)

    @property
    def overdue(self) -> list[Enrollment]:
        return [e for e in self.assigned if e.is_overdue(self.today)]


def published_courses() -> list[Course]:
    """Every published course, by title (cached with the content)."""
    return cached(
        content_key("published"),
        lambda: list(order_by_title(Course.objects.filter(published=True), Course)),
    )


def my_training(*, employee) -> MyTraining:
    """My training: mandatory/assigned (by due date), then in progress, then completed,
    then published courses not started yet. One query, plus one per registered provider
    (`courses.annotations`: who assigned what, the calendar link), plus one when the
    content has changed (the published courses)."""
    today = timezone.localdate()
    published = published_courses()
    courses = {course.pk: course for course in published}
    enrollments = list(
        Enrollment.objects.filter(employee=employee, is_current=True, course_id__in=courses)
    )
    for enrollment in enrollments:
        enrollment.course = courses[enrollment.course_id]  # the cached course, no join
    enrollments.sort(key=lambda e: (e.course.title, e.course_id))
    assigned, in_progress, completed = [], [], []
    for enrollment in enrollments:
        if enrollment.is_completed:
            completed.append(enrollment)
        elif enrollment.mandatory or enrollment.due_on:
            assigned.append(enrollment)
        else:
            in_progress.append(enrollment)
    far = today.replace(year=9999)
    assigned.sort(key=lambda e: (e.due_on or far, e.course.title))
    completed.sort(key=lambda e: e.completed_at, reverse=True)
    enrolled_ids = {e.course_id for e in enrollments}
    available = [course for course in published if course.pk not in enrolled_ids]
    extras = training_extras(employee, enrollments)
    for enrollment in enrollments:
        enrollment.note = extras.notes.get(enrollment.pk)
        enrollment.is_overdue_today = enrollment.is_overdue(today)
    return MyTraining(assigned, in_progress, completed, available, today, extras)


@dataclass
class OutlineLesson:
    lesson: Lesson
    done: bool


@dataclass
class OutlineModule:
    module: Module
    lessons: list[OutlineLesson]
    items: list[OutlineItem] = field(default_factory=list)
    # Rendered for the page showing it (`courses.fragments`).
    heading_html: str = ""
    lessons_html: str = ""

    @property
    def done(self):
        return all(entry.done for entry in self.lessons) and all(i.done for i in self.items)


@dataclass
class CourseOutline:
    course: Course
    enrollment: Enrollment | None
    modules: list[OutlineModule]
    completions: dict = field(default_factory=dict)  # lesson id -> CompletionMark

    @property
    def lessons(self):
        return [entry for module in self.modules for entry in module.lessons]

    @property
    def minutes_left(self):
        """The course's own estimate (the figure My training and the catalog show), in
        proportion to the minutes of the lessons and items not done yet: "165 minutes"
        before the start everywhere, never a second sum that disagrees by a minute."""
        total = left = 0
        for module in self.modules:
            for minutes, done in [(e.lesson.minutes, e.done) for e in module.lessons] + [
                (i.minutes, i.done) for i in module.items
            ]:
                total += minutes
                left += 0 if done else minutes
        if not total:
            return self.course.estimated_minutes
        return round(self.course.estimated_minutes * left / total)

    @property
    def next_step(self):
        """Where "continue" leads: the first lesson or module item not done yet."""
        for module in self.modules:
            for entry in module.lessons:
                if not entry.done:
                    return entry.lesson
            for item in module.items:
                if not item.done:
                    return item
        return None


@dataclass(frozen=True)
class CompletionMark:
    """When a lesson was completed, and the version of the text acknowledged (if any)."""

    completed_at: object
    acknowledged_version: str


@dataclass
class CourseProgress:
    """One enrollment's progress in its course (cached, keyed by its progress stamp)."""

    completions: dict[int, CompletionMark]  # lesson id -> mark
    items: dict[int, list[OutlineItem]]  # module id -> other apps' items


def course_progress(*, course: Course, enrollment: Enrollment | None) -> CourseProgress:
    """What is done: the lessons completed and other apps' items (a module's quiz and its
    status). Cached per enrollment and progress stamp; without an enrollment, per course."""

    def build():
        completions = {}
        if enrollment is not None:
            completions = {
                lesson_id: CompletionMark(completed_at, version)
                for lesson_id, completed_at, version in LessonCompletion.objects.filter(
                    enrollment=enrollment
                ).values_list("lesson_id", "completed_at", "acknowledged_version")
            }
        return CourseProgress(completions, module_items(course, enrollment))

    if enrollment is None:
        key = content_key("progress", course.pk, "none")
    else:
        key = progress_key("progress", enrollment, course.pk)
    return cached(key, build)


def course_outline(*, course: Course, employee) -> CourseOutline:
    """Modules, lessons, what is done, and other apps' items. One query (the enrollment)
    when the content and the progress are cached; a fixed number otherwise."""
    enrollment = enrollment_current(employee=employee, course=course)
    content = course_content(code=course.code)
    progress = course_progress(course=course, enrollment=enrollment)
    outline = [
        OutlineModule(
            module=module,
            lessons=[
                OutlineLesson(lesson=lesson, done=lesson.pk in progress.completions)
                for lesson in lessons
            ],
            items=progress.items.get(module.pk, []),
        )
        for module, lessons in content.modules
    ]
    return CourseOutline(
        course=course, enrollment=enrollment, modules=outline, completions=progress.completions
    )


def course_outline_for(*, user, employee, code: str) -> CourseOutline:
    """The course page: the course (404 unless `course_get_for` allows it) and its outline."""
    return course_outline(course=course_get_for(user=user, code=code), employee=employee)


def lesson_page(*, lesson: Lesson, employee) -> dict:
    """What the lesson page shows: the course outline beside it (which also gives the
    lesson's place among the course's lessons), the employee's enrollment and completion,
    and where "Next" leads (at the end of a module, the module's own items, e.g. its quiz,
    come first). A fixed number of queries."""
    course = lesson.module.course
    outline = course_outline(course=course, employee=employee)
    siblings = [
        (entry.lesson.pk, entry.lesson.title, module.module.pk)
        for module in outline.modules
        for entry in module.lessons
    ]
    ids = [pk for pk, _title, _module in siblings]
    index = ids.index(lesson.pk)
    next_lesson = siblings[index + 1] if index + 1 < len(siblings) else None
    next_item = None
    if next_lesson is None or next_lesson[2] != lesson.module_id:
        items = next(m.items for m in outline.modules if m.module.pk == lesson.module_id)
        next_item = next((item for item in items if not item.done), items[0] if items else None)
    return {
        "course": course,
        "lesson": lesson,
        "outline": outline,
        "enrollment": outline.enrollment,
        "completion": outline.completions.get(lesson.pk),
        "previous": siblings[index - 1] if index > 0 else None,
        "next": next_lesson,
        "next_item": next_item,
        "position": index + 1,
        "count": len(siblings),
        "preview": not course.published,
        "can_complete": course.published and employee is not None,
    }
