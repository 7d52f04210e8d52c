import gzip
import io
import json

import pytest
from django.core.management import CommandError, call_command

from courses.models import Enrollment, LessonCompletion
from quizzes.models import Attempt


def run(*args, **kwargs):
    out = io.StringIO()
    call_command("bench_reports", *args, stdout=out, stderr=io.StringIO(), **kwargs)
    return [json.loads(line) for line in out.getvalue().splitlines()]


@pytest.fixture(autouse=True)
def _debug(settings):
    settings.DEBUG = True


def test_bench_prints_one_json_object_per_measurement(db):
    records = run(employees=120, repeat=1)
    names = {r["name"] for r in records}
    assert {"report_hr_all", "report_manager", "hr_dashboard", "export_csv_all_rows"} <= names
    assert {"activity_matrix_page", "weakest_topics", "matrix_export_csv"} <= names
    for record in records:
        assert record["employees"] == 120
        assert record["median_ms"] > 0 and record["queries"] > 0
    pages = [
        r
        for r in records
        if r["name"].startswith("report_") or r["name"] in ("hr_dashboard", "weakest_topics")
    ]
    assert all("raw_sql_ms" in r for r in pages)
    csv_export = next(r for r in records if r["name"] == "export_csv_all_rows")
    assert csv_export["rows"] >= 1200  # 120 people × 10 courses, plus the title lines
    assert "peak_memory_mb" in csv_export
    assert Enrollment.objects.count() == 1200
    # A second run reuses the data.
    run(employees=120, repeat=1)
    assert Enrollment.objects.count() == 1200


def test_matrix_mode_loads_a_kolibri_class_as_one_department(db, tmp_path):
    path = tmp_path / "matrix.csv.gz"
    lines = ["learner,assignment_type,assignment,item,kind,status,progress_or_score,time_spent_s"]
    for learner in ("learner1", "learner2"):
        for lesson in range(1, 6):
            for n in range(1, 9):
                status = "Completed" if learner == "learner1" else "NotStarted"
                lines.append(
                    f"{learner},lesson,Lesson {lesson},Resource {lesson}.{n} (video),video,{status},1.0,5"
                )
        lines.append(f"{learner},quiz,Quiz 1,Quiz 1,quiz,Completed,0.8,60")
        lines.append(f"{learner},quiz,Quiz 2,Quiz 2,quiz,NotStarted,0.0,0")
    with gzip.open(path, "wt") as handle:
        handle.write("\n".join(lines) + "\n")
    records = run(matrix=path, repeat=1)
    export = next(r for r in records if r["name"] == "kolibri_matrix_export_csv")
    assert export["employees"] == 2
    assert export["rows"] >= 3  # header + 2 learners (+ title lines)
    assert LessonCompletion.objects.filter(enrollment__course__code="kolibri-2").count() == 40
    assert Attempt.objects.filter(quiz__module__course__code="kolibri-2").count() == 2


def test_pages_only_skips_the_exports(db):
    records = run(employees=120, repeat=1, pages_only=True)
    names = {r["name"] for r in records}
    assert {"report_hr_all", "weakest_topics", "activity_matrix_page"} <= names
    assert not any("export" in name for name in names)


def test_bench_refuses_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        run(employees=120)


def test_raw_sql_floors_compute_the_numbers_the_pages_show(db):
    """The floors are only fair if they aggregate the same rows into the same numbers as
    the pages: the roll-up (department × course tallies) and weakest topics."""
    from django.db import connection
    from django.utils import timezone

    from courses.models import Course
    from people.models import User
    from reports.bench import organisation, timing
    from reports.selectors import (
        ReportFilters,
        department_rollup,
        enrollments_for,
        weakest_topics,
    )

    organisation.bench_organisation_ensure(employees=150)
    hr = User.objects.get(email="hr@example.com")
    today = timezone.localdate()
    course = Course.objects.get(code="bench-01")
    for extra, params, filters in (
        ("", [], ReportFilters()),
        ("AND en.mandatory", [], ReportFilters(mandatory=True)),
        ("AND en.course_id = %s", [course.pk], ReportFilters(course=course)),
    ):
        rollup = department_rollup(hr, enrollments_for(hr, filters, today=today), today=today)
        expected = {
            (node.pk, course_id): [getattr(tally, name) for name in bench_fields()]
            for node in rollup.nodes.values()
            for course_id, tally in node.own_by_course.items()
        }
        with connection.cursor() as cursor:
            cursor.execute(timing.RAW_ROLLUP.format(extra=extra), [today, today, "%", *params])
            raw = {(row[0], row[1]): [int(v or 0) for v in row[3:]] for row in cursor.fetchall()}
        assert raw == expected and raw
    result = weakest_topics(hr, course=course, department=None)
    with connection.cursor() as cursor:
        cursor.execute(timing.RAW_WEAKEST, [course.pk, "%"])
        raw = {row[0]: tuple(int(v) for v in row[1:]) for row in cursor.fetchall()}
    assert result.questions
    for question in result.questions:
        assert raw[question.pk] == (question.answers, question.people, question.wrong)


def bench_fields():
    return (
        "total",
        "completed",
        "in_progress",
        "not_started",
        "overdue",
        "overdue_started",
        "score_sum",
        "scored",
    )
