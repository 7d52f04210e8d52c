"""Time every report page and export on a generated organisation (see bench/README.md).

    manage.py bench_reports --employees 10000
    manage.py bench_reports --matrix /work/shared/bench/kolibri-matrix/matrix_1000.csv.gz

Prints one JSON object per measurement: name, employees, median_ms, queries, and
`raw_sql_ms` beside aggregate pages, `rows` and `peak_memory_mb` for exports.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses.models import Course
from people.demo import demo_organisation_seed
from people.models import Department, Employee, User
from reports.bench import kolibri, organisation, timing


class Command(BaseCommand):
    help = "Benchmark the report pages and exports on a generated organisation."

    def add_arguments(self, parser):
        parser.add_argument("--employees", type=int, default=10_000)
        parser.add_argument("--repeat", type=int, default=5, help="timed runs per measurement")
        parser.add_argument(
            "--matrix",
            type=Path,
            help="a Kolibri class matrix (.csv.gz): time the full activity matrix of it",
        )
        parser.add_argument(
            "--pages-only",
            action="store_true",
            help="time the pages only, not the exports (minutes each at 50,000 employees)",
        )
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="run with DEBUG off (the generated data includes the demo logins)",
        )

    def handle(self, *args, employees, repeat, matrix, pages_only, allow_without_debug, **options):
        if not settings.DEBUG and not allow_without_debug:
            raise CommandError(
                "bench_reports generates demo data with published logins: run it with "
                "DEBUG=1 on a throwaway database, or pass --allow-without-debug."
            )
        if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        self.repeat = repeat
        self.pages_only = pages_only
        self.database = connection.vendor
        if matrix is not None:
            if not matrix.exists():
                raise CommandError(f"No such file: {matrix}")
            self._matrix(matrix)
            return
        if employees < 100:
            raise CommandError("--employees must be at least 100.")
        built = organisation.bench_organisation_ensure(employees=employees)
        self.stderr.write(
            f"organisation: {built['employees']} employees"
            + (f", built in {built['seconds']:.1f} s" if built["built"] else " (reused)")
        )
        self.employees = built["employees"]
        timing.database_analyze()
        self._pages()

    def _emit(self, name, **figures):
        record = {"name": name, "employees": self.employees, "database": self.database}
        record.update(figures)
        self.stdout.write(json.dumps(record))

    def _client(self, email) -> Client:
        client = Client()
        client.force_login(User.objects.get(email=email))
        return client

    def _pages(self):
        hr = self._client("hr@example.com")
        manager = self._client("manager@example.com")
        manager_dept = Department.objects.filter(managers__email="manager@example.com").first()
        course = Course.objects.get(code="bench-01")
        team = (
            Department.objects.filter(path__startswith=manager_dept.path, numchild=0)
            .order_by("path")
            .first()
        )
        person = Employee.objects.filter(department=team).order_by("pk").first()
        today = timezone.localdate()
        completion = reverse("reports:completion")
        everyone = [today, today, "%"]
        mine = [today, today, manager_dept.path + "%"]

        def raw(template, params, extra_sql="", extra_params=()):
            sql = template.format(extra=extra_sql)
            return timing.measure_raw_sql(sql, [*params, *extra_params], repeat=self.repeat)

        pages = [
            ("report_hr_all", hr, completion, lambda: raw(timing.RAW_ROLLUP, everyone)),
            (
                "report_hr_one_course",
                hr,
                f"{completion}?course={course.pk}",
                lambda: raw(timing.RAW_ROLLUP, everyone, "AND en.course_id = %s", [course.pk]),
            ),
            ("report_manager", manager, completion, lambda: raw(timing.RAW_ROLLUP, mine)),
            (
                "report_drilldown_team_overdue",
                manager,
                f"{completion}?department={team.pk}&overdue=on",
                lambda: raw(timing.RAW_ROLLUP, mine),
            ),
            ("employee_page", manager, reverse("reports:employee-detail", args=[person.pk]), None),
            (
                "hr_dashboard",
                hr,
                reverse("reports:hr-dashboard"),
                lambda: raw(timing.RAW_ROLLUP, everyone, "AND en.mandatory"),
            ),
            ("activity_matrix_page", hr, f"{reverse('reports:matrix')}?course={course.pk}", None),
            (
                "weakest_topics",
                hr,
                f"{reverse('reports:weakest-topics')}?course={course.pk}",
                lambda: timing.measure_raw_sql(
                    timing.RAW_WEAKEST, [course.pk, "%"], repeat=self.repeat
                ),
            ),
        ]
        for name, client, url, raw_sql in pages:
            figures = timing.measure_page(client, url, repeat=self.repeat)
            if raw_sql is not None:
                figures["raw_sql_ms"] = raw_sql()
            self._emit(name, url=url, **figures)
        if self.pages_only:
            return
        exports = [
            ("export_csv_all_rows", hr, reverse("reports:completion-export", args=["csv"])),
            (
                "export_xlsx_one_course",
                hr,
                reverse("reports:completion-export", args=["xlsx"]) + f"?course={course.pk}",
            ),
            (
                "matrix_export_csv",
                hr,
                reverse("reports:matrix-export", args=["csv"]) + f"?course={course.pk}",
            ),
        ]
        for name, client, url in exports:
            measure = timing.measure_xlsx if "xlsx" in name else timing.measure_export
            figures = measure(client, url, repeat=self.repeat)
            self._emit(name, url=url, **figures)

    def _matrix(self, path):
        department, course, learners = kolibri.kolibri_matrix_load(path)
        timing.database_analyze()
        self.employees = learners
        if not User.objects.filter(email="hr@example.com").exists():
            demo_organisation_seed(employees=100)
        hr = User.objects.get(email="hr@example.com")
        client = Client()
        client.force_login(hr)
        query = f"?course={course.pk}&department={department.pk}"
        url = reverse("reports:matrix-export", args=["csv"]) + query
        figures = timing.measure_export(client, url, repeat=self.repeat)
        self._emit("kolibri_matrix_export_csv", url=url, items=42, **figures)
        page = timing.measure_page(client, reverse("reports:matrix") + query, repeat=self.repeat)
        self._emit("kolibri_matrix_page", items=42, **page)
