import factory

from courses.tests.factories import CourseFactory, ModuleFactory
from quizzes.models import Choice, Question, Quiz


class QuizFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quiz

    module = factory.SubFactory(ModuleFactory)
    code = factory.Sequence(lambda n: f"quiz-{n}")
    title = factory.Sequence(lambda n: f"Module check {n}")
    kind = Quiz.Kind.CHECK
    intro = "Answer these scenarios."
    pass_mark_percent = 75
    max_attempts = 0
    questions_per_attempt = None
    shuffle_choices = True
    time_limit_minutes = None


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    quiz = factory.SubFactory(QuizFactory)
    code = factory.Sequence(lambda n: f"question-{n}")
    position = factory.Sequence(lambda n: n)
    topic = "Confidentiality"
    kind = Question.Kind.SINGLE
    scenario = "A colleague asks you to **share** a draft."
    prompt = factory.Sequence(lambda n: f"What should you do (question {n})?")
    explanation = "Drafts stay internal until they are published."


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice

    question = factory.SubFactory(QuestionFactory)
    position = factory.Sequence(lambda n: n)
    text = factory.Sequence(lambda n: f"Choice {n}")
    is_correct = False
    feedback = factory.Sequence(lambda n: f"Feedback text {n}.")


def question_with_choices(*, quiz, kind=Question.Kind.SINGLE, correct=(0,), count=3, **kwargs):
    """A question with `count` choices, those at the indexes in `correct` being right.
    Feedback texts are unique ("Feedback <code> #<i>") so tests can look for them."""
    if kind == Question.Kind.TRUE_FALSE:
        count = 2
    question = QuestionFactory(quiz=quiz, kind=kind, **kwargs)
    texts = ["True", "False"] if kind == Question.Kind.TRUE_FALSE else None
    for index in range(count):
        ChoiceFactory(
            question=question,
            position=index + 1,
            text=texts[index] if texts else f"Answer {index + 1} of {question.code}",
            is_correct=index in correct,
            feedback=f"Feedback {question.code} #{index + 1}",
        )
    return question


def quiz_with_questions(*, questions=4, course=None, module=None, **quiz_kwargs):
    """A quiz of `questions` single-choice questions (first choice right) in a module
    of a published course."""
    if module is None:
        module = ModuleFactory(course=course or CourseFactory())
    quiz = QuizFactory(module=module, **quiz_kwargs)
    for _ in range(questions):
        question_with_choices(quiz=quiz)
    return quiz


def answers_for(attempt, *, right: int | None = None) -> dict[int, list[int]]:
    """Answers to the attempt's served questions: the first `right` ones right (all if
    None), the others wrong — read from the snapshot, as a well-informed tester would."""
    answers = {}
    for index, question in enumerate(attempt.served_questions):
        correct = [c["id"] for c in question["choices"] if c["is_correct"]]
        wrong = [c["id"] for c in question["choices"] if not c["is_correct"]]
        good = right is None or index < right
        answers[question["id"]] = correct if good else wrong[:1]
    return answers


def post_data(answers: dict[int, list[int]]) -> dict[str, list[str]]:
    return {f"q-{qid}": [str(c) for c in chosen] for qid, chosen in answers.items()}


def spot_risk_item(*, quiz, risky=(1, 3), count=4, **kwargs):
    """A spot-the-risk item: a mock post of `count` segments, those at the indexes in
    `risky` breaking the guidelines. Feedback texts are unique, as above."""
    kinds = ["sentence", "hashtag", "location", "caption", "mention"]
    question = QuestionFactory(
        quiz=quiz,
        kind=Question.Kind.SPOT_RISK,
        post_platform=Question.Platform.INSTAGRAM,
        post_author="Sam Rivera",
        prompt="Which parts of this post break the guidelines?",
        **kwargs,
    )
    for index in range(count):
        ChoiceFactory(
            question=question,
            position=index + 1,
            segment_kind=kinds[index % len(kinds)],
            text=f"Segment {index + 1} of {question.code}",
            is_correct=index in risky,
            feedback=f"Feedback {question.code} #{index + 1}",
        )
    return question
