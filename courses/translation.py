"""Reading translated content in queries: the reader's language, else English.

parler stores each language's text in its own row (`<Model>Translation`, related name
`translations`). Two needs the ORM does not cover alone:

- ordering by a translated field (a course list by title): `translated(...)` is a
  subquery giving the text in the active language, or English when that language has
  no row. Never put it in a grouped query's values: the database evaluates it once per
  input row (100,000 times for a report over 100,000 enrollments) and groups by it; group
  by the id and name the groups with `translated_texts(...)`, one small query;
- showing many objects without a query each: `translations_prefetch(model, path)`
  fetches the translation rows of every object on `path` in one query (parler reads
  them from the prefetch cache).
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Subquery,
    Value,
    When,
)
from django.utils import translation


def reading_languages() -> list[str]:
    """The active language, then the fallback (English)."""
    active = translation.get_language() or settings.LANGUAGE_CODE
    return list(dict.fromkeys([active, settings.LANGUAGE_CODE]))


def translated(model, field: str, *, outer: str = "pk", language: str | None = None) -> Subquery:
    """`field` of `model`'s translation row for the object whose id is `outer`, in the
    active language (or `language`) or else English. `model` is the translatable model
    (e.g. Course)."""
    languages = (
        list(dict.fromkeys([language, settings.LANGUAGE_CODE])) if language else reading_languages()
    )
    rows = (
        model._parler_meta.root_model.objects.filter(
            master_id=OuterRef(outer), language_code__in=languages
        )
        .annotate(
            _preference=Case(
                *(When(language_code=code, then=Value(i)) for i, code in enumerate(languages)),
                output_field=IntegerField(),
            )
        )
        .order_by("_preference")
        .values(field)[:1]
    )
    return Subquery(rows)


def translated_texts(model, field: str, ids) -> dict[int, str]:
    """`field` of each of these `model` objects, in the reader's language or else
    English, by id: one query over the objects themselves."""
    ids = set(ids)
    if not ids:
        return {}
    return dict(
        model.objects.filter(pk__in=ids)
        .annotate(_text=translated(model, field))
        .values_list("pk", "_text")
    )


def translations_prefetch(model, path: str = "") -> Prefetch:
    """A prefetch of the translation rows of the `model` objects at `path` ("" for the
    queryset's own objects, e.g. "course" or "module__course"). Every language is
    fetched (a few rows per object), so the objects read right in whatever language is
    active when they are shown — an email rendered for its recipient after the query —
    and parler reads them from the prefetch, falling back within it: a page's query
    count stays fixed."""
    lookup = f"{path}__translations" if path else "translations"
    return Prefetch(lookup, queryset=model._parler_meta.root_model.objects.all())


def order_by_title(queryset, model, *, path: str = ""):
    """`queryset` ordered by the title of the `model` objects at `path` in the reader's
    language (English when untranslated), with their translation rows prefetched."""
    outer = f"{path}_id" if path else "pk"
    return queryset.order_by(translated(model, "title", outer=outer), "pk").prefetch_related(
        translations_prefetch(model, path)
    )


# --- Translation completeness (the admin's course list) -------------------------------

# (translatable model, path from it to its course, filter on it): `courses` registers
# its own models, `quizzes` its own (apps.ready), so courses never imports quizzes.
_CONTENT: list[tuple[type, str, dict]] = []


def register_translated_content(model, *, course_path: str, only: dict | None = None):
    if not any(entry[0] is model for entry in _CONTENT):
        _CONTENT.append((model, course_path, only or {}))


@dataclass
class Completeness:
    translated: int
    total: int

    @property
    def percent(self) -> int:
        return 100 if not self.total else (100 * self.translated) // self.total

    @property
    def complete(self) -> bool:
        return self.translated >= self.total


def translation_completeness(course_ids, languages) -> dict[int, dict[str, Completeness]]:
    """For each course, each language: how many of its content items (the course, its
    modules, lessons, quizzes, questions in the pool, choices) have a row in that
    language, out of those with an English row. One grouped query per content model."""
    course_ids = list(course_ids)
    counts = {cid: {lang: [0, 0] for lang in languages} for cid in course_ids}
    for model, course_path, only in _CONTENT:
        course_field = "master_id" if not course_path else f"master__{course_path}_id"
        rows = (
            model._parler_meta.root_model.objects.filter(
                **{f"{course_field.removesuffix('_id')}__in": course_ids},
                language_code__in=[settings.LANGUAGE_CODE, *languages],
                **{f"master__{key}": value for key, value in only.items()},
            )
            .values_list(course_field, "language_code")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for course_id, language, n in rows:
            if language == settings.LANGUAGE_CODE:
                for lang in languages:
                    counts[course_id][lang][1] += n
            if language in counts[course_id]:
                counts[course_id][language][0] += n
    return {
        cid: {lang: Completeness(*pair) for lang, pair in langs.items()}
        for cid, langs in counts.items()
    }


def bulk_create_translated(model, objects: list, *, batch_size: int = 1000) -> list:
    """`bulk_create` for translatable content: the objects, then the translation rows
    their translated fields were given in (parler keeps them unsaved on each object)."""
    created = model.objects.bulk_create(objects, batch_size=batch_size)
    if getattr(model, "_parler_meta", None) is None:
        return created
    translation_model = model._parler_meta.root_model
    rows = []
    for obj in created:
        for row in obj._translations_cache.get(translation_model, {}).values():
            if isinstance(row, translation_model):
                row.master_id = obj.pk
                if hasattr(row, "render"):
                    row.render()
                rows.append(row)
    translation_model.objects.bulk_create(rows, batch_size=batch_size)
    return created
