"""The issue's "done means", end to end in a real browser, on the REAL Social Media 101.

The demo employee signs in, works through every lesson (reading and acknowledgement),
every module check (failing the first one once, on purpose) and the final exam, only by
following the course page's "Start the course" / "Continue where you left off" button
and its quiz links; then the course is completed, a certificate is issued, its PDF
downloads, and the public verification page (signed out) says it is valid.

axe-core runs on the first page of each kind, not on every one of the ~30 steps.
"""

import re

import pytest
from django.core.management import call_command

from ambassador.tests.browser import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "employee@example.com"
PASSWORD = "ambassador-demo"
COURSE = "Social Media 101"
SCREENSHOTS = "/tmp/e2e-{}.png"


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", employees=40, allow_without_debug=True, verbosity=0)
    call_command("load_curriculum", verbosity=0)


class Checked:
    """The kinds of page already checked with axe-core (and screenshotted)."""

    def __init__(self, page):
        self.page = page
        self.kinds = set()

    def first(self, kind, *, screenshot=False):
        if kind in self.kinds:
            return
        self.kinds.add(kind)
        if screenshot:
            self.page.screenshot(path=SCREENSHOTS.format(kind), full_page=True)
        assert_accessible(self.page)


def _breadcrumb_to_course(page):
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=COURSE).click()
    page.get_by_role("heading", name=COURSE, level=1).wait_for()


def _complete_lesson(page, lesson, checked):
    from courses.models import Lesson

    page.get_by_role("heading", name=lesson.title, level=1).wait_for()
    if lesson.kind == Lesson.Kind.ACKNOWLEDGEMENT:
        checked.first("lesson-acknowledgement", screenshot=True)
        page.get_by_label(lesson.acknowledgement).check()
        page.get_by_role("button", name="I accept").click()  # htmx, no page load
        page.get_by_text("You accepted this text on").wait_for()
    else:
        checked.first("lesson-reading", screenshot=True)
        page.get_by_role("button", name="Mark as complete").click()  # htmx, no page load
        page.get_by_text("You have completed this lesson.").wait_for()
    _breadcrumb_to_course(page)


def _open_attempt(page, employee, quiz):
    """The attempt the page now shows, read from the database (served snapshot)."""
    from quizzes.models import Attempt

    page.get_by_role("button", name="Submit my answers").wait_for()
    match = re.search(r"/attempts/(\d+)/$", page.url)
    assert match, f"not on an attempt page: {page.url}"
    attempt = Attempt.objects.get(pk=int(match.group(1)))
    assert attempt.employee_id == employee.pk and attempt.quiz_id == quiz.pk
    assert not attempt.is_submitted
    return attempt


def _tick(page, attempt, *, right):
    """Tick every right choice of each served question, or one wrong one (with feedback
    if there is one). Returns the wrong choices ticked."""
    ticked_wrong = []
    for question in attempt.served_questions:
        correct = [c for c in question["choices"] if c["is_correct"]]
        wrong = sorted(
            (c for c in question["choices"] if not c["is_correct"]),
            key=lambda c: not c["feedback"],
        )
        chosen = correct if right else wrong[:1]
        ticked_wrong += [] if right else wrong[:1]
        for choice in chosen:
            box = page.locator(f"#q{question['id']}-c{choice['id']}")
            box.check()
            assert box.is_checked()
            # The choice's visible label is the served text (after the part of the post
            # it is, for a spot-the-risk segment).
            label = page.locator(f"label[for='q{question['id']}-c{choice['id']}']")
            assert label.inner_text().strip().endswith(choice["text"].strip())
    return ticked_wrong


def _take_quiz(page, employee, quiz, checked, *, fail_first):
    """From the quiz page: start, (fail, read the feedback, try again,) pass."""
    page.get_by_role("heading", name=quiz.title, level=1).wait_for()
    checked.first("quiz")
    page.get_by_role("button", name="Start the quiz").click()
    attempt = _open_attempt(page, employee, quiz)
    checked.first("attempt", screenshot=True)

    if fail_first:
        wrong = _tick(page, attempt, right=False)
        page.get_by_role("button", name="Submit my answers").click()
        page.get_by_role("heading", name=re.compile(r"^Not passed: you scored \d+%$")).wait_for()
        attempt.refresh_from_db()
        assert attempt.is_submitted and not attempt.passed
        assert page.get_by_text(f"Not passed: you scored {attempt.score_percent}%").is_visible()
        assert page.get_by_text("Incorrect", exact=True).first.is_visible()
        with_feedback = [c for c in wrong if c["feedback"]]
        assert with_feedback, "no wrong choice served has feedback to show"
        for choice in with_feedback:
            assert page.get_by_text(choice["feedback"], exact=True).first.is_visible(), (
                f"the review page does not show the feedback of {choice['text']!r}"
            )
        checked.first("review-failed", screenshot=True)
        page.get_by_role("button", name="Try again").click()
        attempt = _open_attempt(page, employee, quiz)
        assert attempt.number == 2

    _tick(page, attempt, right=True)
    page.get_by_role("button", name="Submit my answers").click()
    page.get_by_role("heading", name="Passed: you scored 100%").wait_for()
    attempt.refresh_from_db()
    assert attempt.passed and attempt.score_percent == 100
    checked.first("review-passed")
    if quiz.is_exam:
        page.screenshot(path=SCREENSHOTS.format("exam-passed"), full_page=True)
    page.get_by_role("link", name="Back to the course").click()
    page.get_by_role("heading", name=COURSE, level=1).wait_for()
    item = page.locator("li.list-group-item").filter(
        has=page.get_by_role("link", name=quiz.title, exact=True)
    )
    assert item.get_by_text("Passed · best 100%").is_visible(), f"{quiz.title} not shown passed"


def test_demo_employee_completes_social_media_101_and_gets_a_verifiable_certificate(
    demo, page, browser, live_server, tmp_path
):
    from certificates.models import Certificate
    from courses.models import Course, Enrollment, Lesson
    from people.models import Employee
    from quizzes.models import Quiz

    employee = Employee.objects.select_related("user").get(user__email=EMAIL)
    course = Course.objects.get(code="SM101")
    lessons = {
        lesson.pk: lesson
        for lesson in Lesson.objects.filter(module__course=course).select_related("module")
    }
    quizzes = {quiz.get_absolute_url(): quiz for quiz in Quiz.objects.filter(module__course=course)}
    assert len(lessons) >= 20 and len(quizzes) == 9, "the real curriculum is not loaded"
    assert not Certificate.objects.filter(employee=employee, course=course).exists()
    checked = Checked(page)

    sign_in(page, EMAIL, PASSWORD)
    page.get_by_role("heading", name="My training", level=1).wait_for()
    page.get_by_role("link", name=COURSE).first.click()
    page.get_by_role("heading", name=COURSE, level=1).wait_for()
    assert page.get_by_text("0% complete").is_visible()
    checked.first("course", screenshot=True)

    done_lessons, done_quizzes = [], []
    button = page.get_by_role("link", name="Start the course")
    for _step in range(len(lessons) + len(quizzes)):
        href = button.get_attribute("href")
        quiz = quizzes.get(href)
        if quiz is not None:
            # Start the quiz from its link in the course contents (it is also the next step).
            page.get_by_role("link", name=quiz.title, exact=True).click()
            _take_quiz(page, employee, quiz, checked, fail_first=not done_quizzes)
            done_quizzes.append(quiz.code)
        else:
            match = re.search(r"/lessons/(\d+)/$", href or "")
            assert match, f"the course page's next step is neither a lesson nor a quiz: {href}"
            lesson = lessons[int(match.group(1))]
            assert lesson.pk not in done_lessons, f"the course page sends back to {lesson.code}"
            button.click()
            _complete_lesson(page, lesson, checked)
            done_lessons.append(lesson.pk)
        button = page.get_by_role("link", name="Continue where you left off")
        if len(done_lessons) == len(lessons) and len(done_quizzes) == len(quizzes):
            break
        button.wait_for()

    assert sorted(done_lessons) == sorted(lessons)
    assert sorted(done_quizzes) == sorted(q.code for q in quizzes.values())
    assert [c for c in done_quizzes if c == "SM101-FINAL"] == done_quizzes[-1:], done_quizzes

    # The course page: completed, 100%, no "continue" button any more.
    enrollment = Enrollment.objects.get(employee=employee, course=course, is_current=True)
    assert enrollment.status == Enrollment.Status.COMPLETED
    page.get_by_text("Completed on").wait_for()
    assert page.get_by_text("100% complete").is_visible()
    assert page.get_by_role("link", name="Continue where you left off").count() == 0
    page.screenshot(path=SCREENSHOTS.format("course-completed"), full_page=True)

    # My training: the course is under Completed.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My training").click()
    page.get_by_role("heading", name="My training", level=1).wait_for()
    completed = page.get_by_role("region", name="Completed", exact=True)
    card = completed.get_by_role("article").filter(has=page.get_by_role("link", name=COURSE))
    assert card.get_by_text("Completed on").is_visible()
    in_progress = page.get_by_role("region", name="In progress", exact=True)
    assert in_progress.get_by_role("link", name=COURSE).count() == 0
    checked.first("my-training", screenshot=True)

    # My certificates: the certificate, and its PDF.
    certificate = Certificate.objects.get(employee=employee, course=course)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My certificates").click()
    page.get_by_role("heading", name="My certificates", level=1).wait_for()
    card = page.get_by_role("article", name=COURSE)
    assert card.get_by_text(certificate.display_code).is_visible()
    checked.first("my-certificates", screenshot=True)
    with page.expect_download() as download_info:
        card.get_by_role("link", name=f"Download PDF of {COURSE}").click()
    download = download_info.value
    assert download.suggested_filename.endswith(f"{certificate.display_code}.pdf")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")

    # The public verification page, signed out, in a fresh browser context.
    verification = card.get_by_role("link", name=f"Verification page of {COURSE}")
    verify_path = verification.get_attribute("href")
    public = browser.new_context(base_url=live_server.url, locale="en-GB")
    try:
        visitor = public.new_page()
        visitor.set_default_timeout(10_000)
        visitor.goto(verify_path)  # a stranger follows the link or the PDF's QR code
        visitor.get_by_role("heading", name="This certificate is valid").wait_for()
        assert visitor.get_by_role("button", name="Sign out").count() == 0, "not signed out"
        name = employee.user.get_full_name()
        assert name and visitor.locator("#main").get_by_text(name, exact=True).is_visible()
        assert visitor.locator("#main").get_by_text(COURSE, exact=True).is_visible()
        visitor.screenshot(path=SCREENSHOTS.format("verify"), full_page=True)
        assert_accessible(visitor)
    finally:
        public.close()

    expected = {
        "course",
        "lesson-reading",
        "lesson-acknowledgement",
        "quiz",
        "attempt",
        "review-failed",
        "review-passed",
        "my-training",
        "my-certificates",
    }
    assert checked.kinds == expected
