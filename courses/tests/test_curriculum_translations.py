"""`load_curriculum` with `translations/<lang>/` folders (FORMAT.md, "Translations").

A small course written here (English and French) so each rule can be broken on its own:
the load must fail naming the file and the field, and change nothing.
"""

from pathlib import Path

import pytest
from django.utils import translation

from courses.curriculum import CurriculumError, curriculum_load
from courses.models import Course, CourseTranslation, Lesson, Module
from quizzes.models import Choice, ChoiceTranslation, Question, Quiz

ENGLISH = {
    "course.toml": """
[course]
code = "TR1"
title = "Posting with care"
summary = "How to post about work."
description = '''What you learn here.'''
estimated_minutes = 20
published = true
""",
    "modules/01-basics.toml": """
[module]
code = "TR1-M1"
title = "The basics"
summary = "What to post."

[[lessons]]
code = "TR1-M1-L1"
title = "Why it matters"
kind = "reading"
minutes = 5
body = '''
## Ask first

Ask {{social_team}} before you post.
'''

[[lessons]]
code = "TR1-M1-L2"
title = "Our guidelines"
kind = "acknowledgement"
body = '''Read the guidelines.'''
acknowledgement = "I have read the guidelines."
""",
    "quizzes/01-check.toml": """
[quiz]
code = "TR1-CHECK"
module = "TR1-M1"
title = "Check: the basics"
intro = "Three scenarios."
pass_mark_percent = 60

[[questions]]
code = "TR1-Q1"
topic = "Confidentiality"
kind = "single"
scenario = '''A draft lands in your inbox.'''
post = { platform = "linkedin", author = "Sam Rivera", text = "Big news soon!" }
prompt = "What do you do?"
explanation = '''Drafts stay inside.'''

[[questions.choices]]
text = "Keep it inside"
correct = true
feedback = "Right: it is not public yet."

[[questions.choices]]
text = "Post a teaser"
correct = false
feedback = "No: that discloses it."

[[questions.choices]]
text = "Ask a friend"
correct = false
feedback = "No: the friend is outside too."

[[questions]]
code = "TR1-Q2"
topic = "Tone"
kind = "true_false"
prompt = "You may answer an angry customer in your own name."
explanation = '''Pass it to the team.'''

[[questions.choices]]
text = "True"
correct = false
feedback = "No: the team answers."

[[questions.choices]]
text = "False"
correct = true
feedback = "Right: the team answers."

[[questions]]
code = "TR1-Q3"
topic = "Privacy"
kind = "spot_risk"
post = { platform = "instagram", author = "Sam Rivera" }
prompt = "Which parts are risky?"
explanation = '''Badges and screens give things away.'''

[[questions.segments]]
kind = "sentence"
text = "Great day at the office!"
risky = false
feedback = "Harmless."

[[questions.segments]]
kind = "photo"
text = "A photo of my badge."
risky = true
feedback = "A badge can be copied."

[[questions.segments]]
kind = "hashtag"
text = "#teamwork"
risky = false
feedback = "Harmless."
""",
}

FRENCH = {
    "course.toml": """
[course]
code = "TR1"
title = "Publier avec soin"
summary = "Comment publier sur son travail."
description = '''Ce que vous apprendrez ici.'''
""",
    "modules/01-basics.toml": """
[module]
code = "TR1-M1"
title = "Les bases"
summary = "Quoi publier."

[[lessons]]
code = "TR1-M1-L1"
title = "Pourquoi c'est important"
kind = "reading"
body = '''
## Demandez d'abord

Demandez à {{social_team}} avant de publier.
'''

[[lessons]]
code = "TR1-M1-L2"
title = "Nos règles"
kind = "acknowledgement"
body = '''Lisez les règles.'''
acknowledgement = "J'ai lu les règles."
""",
    "quizzes/01-check.toml": """
[quiz]
code = "TR1-CHECK"
module = "TR1-M1"
title = "Vérification : les bases"
intro = "Trois situations."

[[questions]]
code = "TR1-Q1"
topic = "Confidentialité"
kind = "single"
scenario = '''Un brouillon arrive dans votre boîte.'''
post = { platform = "linkedin", author = "Sam Rivera", text = "Grande nouvelle bientôt !" }
prompt = "Que faites-vous ?"
explanation = '''Les brouillons restent internes.'''

[[questions.choices]]
text = "Le garder en interne"
correct = true
feedback = "Exact : ce n'est pas encore public."

[[questions.choices]]
text = "Publier un teaser"
correct = false
feedback = "Non : c'est une divulgation."

[[questions.choices]]
text = "Demander à un ami"
correct = false
feedback = "Non : l'ami est extérieur lui aussi."

[[questions]]
code = "TR1-Q2"
topic = "Ton"
kind = "true_false"
prompt = "Vous pouvez répondre à un client en colère en votre nom."
explanation = '''Transmettez à l'équipe.'''

[[questions.choices]]
text = "Vrai"
correct = false
feedback = "Non : l'équipe répond."

[[questions.choices]]
text = "Faux"
correct = true
feedback = "Exact : l'équipe répond."

[[questions]]
code = "TR1-Q3"
topic = "Vie privée"
kind = "spot_risk"
post = { platform = "instagram", author = "Sam Rivera" }
prompt = "Quelles parties sont risquées ?"
explanation = '''Les badges et les écrans en disent trop.'''

[[questions.segments]]
kind = "sentence"
text = "Belle journée au bureau !"
risky = false
feedback = "Sans danger."

[[questions.segments]]
kind = "photo"
text = "Une photo de mon badge."
risky = true
feedback = "Un badge peut être copié."

[[questions.segments]]
kind = "hashtag"
text = "#travaildequipe"
risky = false
feedback = "Sans danger."
""",
}


def write_course(root: Path, *, french=FRENCH, language="fr") -> Path:
    folder = root / "tr1"
    for name, text in ENGLISH.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    for name, text in (french or {}).items():
        path = folder / "translations" / language / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def test_french_files_load_beside_the_english_and_read_in_the_active_language(db, tmp_path):
    write_course(tmp_path)
    curriculum_load(root=tmp_path)
    course = Course.objects.get(code="TR1")
    lesson = Lesson.objects.get(code="TR1-M1-L1")
    question = Question.objects.get(code="TR1-Q1")
    with translation.override("fr"):
        assert course.title == "Publier avec soin"
        assert "Demandez à {{social_team}}" in lesson.body_html
        assert lesson.acknowledgement == "" and not course.is_untranslated
        assert question.post_text == "Grande nouvelle bientôt !"
        assert question.post_platform == "linkedin"  # shared, not translated
        assert [c.text for c in question.choices.order_by("position")][0] == "Le garder en interne"
        assert Lesson.objects.get(code="TR1-M1-L2").acknowledgement == "J'ai lu les règles."
        assert Quiz.objects.get().title == "Vérification : les bases"
    with translation.override("en"):
        assert course.title == "Posting with care"
        assert question.topic == "Confidentiality"
    # One English and one French row for each of the 14 items.
    assert CourseTranslation.objects.filter(language_code="fr").count() == 1
    assert ChoiceTranslation.objects.filter(language_code="fr").count() == 8
    assert Choice.objects.count() == 8 and Module.objects.count() == 1
    # French versions differ from the English (their own fingerprint per language).
    en, fr = (lesson.get_translation(code).body_version for code in ("en", "fr"))
    assert en and fr and en != fr


def test_loading_translations_twice_changes_nothing(db, tmp_path):
    write_course(tmp_path)
    first = curriculum_load(root=tmp_path)
    second = curriculum_load(root=tmp_path)
    assert "TR1 [fr]" in first.updated and "TR1-Q3#2 [fr]" in first.updated
    assert not second.created and not second.updated


def test_an_edited_translation_updates_only_that_language(db, tmp_path):
    folder = write_course(tmp_path)
    curriculum_load(root=tmp_path)
    path = folder / "translations/fr/modules/01-basics.toml"
    path.write_text(path.read_text().replace("Les bases", "Les fondamentaux"))
    summary = curriculum_load(root=tmp_path)
    assert summary.updated == ["TR1-M1 [fr]"]
    module = Module.objects.get()
    with translation.override("fr"):
        assert module.title == "Les fondamentaux"
    with translation.override("en"):
        assert module.title == "The basics"


def test_a_course_without_a_language_folder_falls_back_to_english(db, tmp_path):
    write_course(tmp_path, french=None)
    curriculum_load(root=tmp_path)
    course = Course.objects.get()
    with translation.override("fr"):
        assert course.title == "Posting with care"
        assert course.is_untranslated and course.served_language() == "en"


BROKEN = [
    # (file, text replaced, replacement, words the message must contain)
    ("course.toml", 'code = "TR1"', 'code = "TR2"', ["course.toml", "[course]", "'code'"]),
    ("course.toml", 'summary = "Comment publier sur son travail."\n', "", ["'summary'"]),
    (
        "modules/01-basics.toml",
        'code = "TR1-M1-L2"',
        'code = "TR1-M1-L9"',
        ["01-basics.toml", "lesson 2 (TR1-M1-L2)", "'code'"],
    ),
    (
        "modules/01-basics.toml",
        'acknowledgement = "J\'ai lu les règles."\n',
        "",
        ["lesson 2 (TR1-M1-L2)", "'acknowledgement'"],
    ),
    ("modules/01-basics.toml", 'kind = "reading"', 'kind = "video"', ["lesson 1", "'kind'"]),
    (
        "modules/01-basics.toml",
        "Demandez à {{social_team}}",
        "Demandez à l'équipe",
        ["lesson 1", "'body'", "{{social_team}}"],
    ),
    ("quizzes/01-check.toml", 'module = "TR1-M1"', 'module = "TR1-M2"', ["[quiz]", "'module'"]),
    (
        "quizzes/01-check.toml",
        'text = "Publier un teaser"\ncorrect = false',
        'text = "Publier un teaser"\ncorrect = true',
        ["01-check.toml", "question 1 (TR1-Q1) choice 2", "'correct'"],
    ),
    (
        "quizzes/01-check.toml",
        'text = "Une photo de mon badge."\nrisky = true',
        'text = "Une photo de mon badge."\nrisky = false',
        ["question 3 (TR1-Q3) segment 2", "'risky'"],
    ),
    (
        "quizzes/01-check.toml",
        '\n[[questions.choices]]\ntext = "Demander à un ami"',
        '\n[[questions.xchoices]]\ntext = "Demander à un ami"',
        ["question 1 (TR1-Q1)", "3 [[questions.choices]] in English, 2 here"],
    ),
    (
        "quizzes/01-check.toml",
        'feedback = "Non : l\'équipe répond."\n',
        "",
        ["question 2 (TR1-Q2) choice 1", "'feedback'"],
    ),
    (
        "quizzes/01-check.toml",
        'text = "Grande nouvelle bientôt !"',
        'texte = "Grande nouvelle bientôt !"',
        ["question 1 (TR1-Q1) post", "'text'"],
    ),
    ("quizzes/01-check.toml", 'kind = "true_false"', 'kind = "single"', ["TR1-Q2", "'kind'"]),
    (
        "quizzes/01-check.toml",
        "explanation = '''Transmettez à l'équipe.'''\n",
        "",
        ["question 2 (TR1-Q2)", "'explanation'"],
    ),
]


@pytest.mark.parametrize(("name", "old", "new", "words"), BROKEN)
def test_a_misaligned_or_incomplete_translation_is_refused_naming_file_and_field(
    db, tmp_path, name, old, new, words
):
    french = dict(FRENCH)
    assert old in french[name]
    french[name] = french[name].replace(old, new)
    write_course(tmp_path, french=french)
    with pytest.raises(CurriculumError) as error:
        curriculum_load(root=tmp_path)
    message = str(error.value)
    assert message.startswith("tr1/translations/fr/")
    for word in words:
        assert word in message, message
    # The whole load rolled back: not even the English was written.
    assert not Course.objects.exists() and not ChoiceTranslation.objects.exists()


def test_a_missing_translation_file_is_named(db, tmp_path):
    french = {k: v for k, v in FRENCH.items() if k != "quizzes/01-check.toml"}
    write_course(tmp_path, french=french)
    with pytest.raises(CurriculumError, match=r"translations/fr/quizzes/01-check\.toml: missing"):
        curriculum_load(root=tmp_path)


def test_a_translation_file_without_english_is_named(db, tmp_path):
    write_course(tmp_path, french={**FRENCH, "modules/02-extra.toml": FRENCH["course.toml"]})
    with pytest.raises(CurriculumError, match=r"modules/02-extra\.toml: no English file"):
        curriculum_load(root=tmp_path)


def test_a_language_the_site_does_not_have_is_refused(db, tmp_path):
    write_course(tmp_path, language="xx")
    with pytest.raises(CurriculumError, match=r"translations/xx: 'xx' is not one of"):
        curriculum_load(root=tmp_path)


def test_an_unreadable_translation_names_the_file(db, tmp_path):
    write_course(tmp_path, french={**FRENCH, "course.toml": "[course\n"})
    with pytest.raises(CurriculumError, match=r"translations/fr/course\.toml"):
        curriculum_load(root=tmp_path)
