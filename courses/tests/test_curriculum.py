from django.core.management import call_command

from courses.curriculum import CURRICULUM_DIR, curriculum_load
from courses.models import Course, Enrollment, Lesson, LessonCompletion
from courses.services import lesson_complete


def test_the_real_curriculum_loads_with_social_media_101(db):
    curriculum_load()
    course = Course.objects.get(code="SM101")
    assert course.published
    modules = list(course.modules.order_by("position"))
    assert len(modules) >= 7
    for module in modules[:7]:
        lessons = list(module.lessons.all())
        assert 2 <= len(lessons) <= 4, module
        for lesson in lessons:
            words = len(lesson.body.split())
            assert 250 <= words <= 650, (lesson.code, words)
            assert "<script" not in lesson.body_html
    assert Lesson.objects.filter(module__course=course, kind=Lesson.Kind.ACKNOWLEDGEMENT).exists()
    assert Course.objects.filter(published=True).count() >= 2


def test_loading_twice_changes_nothing(db):
    first = curriculum_load()
    second = curriculum_load()
    assert first.created and not second.created and not second.updated


def test_reloading_after_an_edit_updates_text_and_keeps_progress(db, employee, tmp_path):
    import shutil

    shutil.copytree(  # the English files (an edit there alone would not match the French)
        CURRICULUM_DIR / "social-media-101",
        tmp_path / "social-media-101",
        ignore=shutil.ignore_patterns("translations"),
    )
    curriculum_load(root=tmp_path)
    lesson = Lesson.objects.get(code="SM101-M1-L1")
    lesson_complete(employee=employee, lesson=lesson)
    module_file = tmp_path / "social-media-101" / "modules" / "01-why-advocacy.toml"
    module_file.write_text(module_file.read_text().replace("## ", "## Edited: ", 1))
    summary = curriculum_load(root=tmp_path)
    assert summary.updated == ["SM101-M1-L1"]
    lesson.refresh_from_db()
    assert "Edited: " in lesson.body_html
    assert LessonCompletion.objects.filter(lesson=lesson).count() == 1
    assert Enrollment.objects.get().progress_percent > 0


def test_command_reports_and_is_idempotent(db, capsys):
    call_command("load_curriculum")
    call_command("load_curriculum")
    assert "0 created, 0 updated" in capsys.readouterr().out
