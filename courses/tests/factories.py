import factory

from courses.models import Course, Lesson, Module


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    code = factory.Sequence(lambda n: f"course-{n}")
    title = factory.Sequence(lambda n: f"Course {n}")
    summary = "A short course."
    published = True
    estimated_minutes = 20


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    course = factory.SubFactory(CourseFactory)
    code = factory.Sequence(lambda n: f"module-{n}")
    title = factory.Sequence(lambda n: f"Module {n}")
    position = factory.Sequence(lambda n: n)


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    module = factory.SubFactory(ModuleFactory)
    code = factory.Sequence(lambda n: f"lesson-{n}")
    title = factory.Sequence(lambda n: f"Lesson {n}")
    position = factory.Sequence(lambda n: n)
    minutes = 5
    body = "## Why it matters\n\nRead this **carefully**."


def course_with_lessons(*, modules=2, lessons=2, **course_kwargs):
    """A published course with `modules` modules of `lessons` reading lessons each."""
    course = CourseFactory(**course_kwargs)
    for m in range(modules):
        module = ModuleFactory(course=course, position=m + 1)
        for position in range(lessons):
            LessonFactory(module=module, position=position + 1)
    return course
