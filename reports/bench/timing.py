"""Timing a page, an export or the raw SQL floor, with its queries and peak memory."""

import io
import statistics
import time
import tracemalloc

from django.db import connection
from django.test import Client
from openpyxl import load_workbook


class QueryCounter:
    """Counts the queries run inside `with connection.execute_wrapper(counter):` (the
    test client's request_started signal resets `connection.queries`, so
    CaptureQueriesContext cannot count across a request)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _count_queries(fn):
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        result = fn()
    return counter.count, result


def _median_ms(fn, repeat):
    """Median wall-clock and process CPU milliseconds of `repeat` runs after a warm-up.
    CPU time is reported too: on a shared, loaded machine it is the steadier figure."""
    fn()  # warm up (caches, the first connection)
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return round(statistics.median(wall), 1), round(statistics.median(cpu), 1)


def measure_page(client: Client, url: str, *, repeat: int) -> dict:
    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    queries, _ = _count_queries(get)
    median, cpu = _median_ms(get, repeat)
    return {"median_ms": median, "cpu_ms": cpu, "queries": queries}


def measure_xlsx(client: Client, url: str, *, repeat: int) -> dict:
    """An XLSX download: the workbook is written before the response is sent."""

    def download():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return b"".join(response.streaming_content)

    queries, body = _count_queries(download)
    tracemalloc.start()
    download()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    median, cpu = _median_ms(download, repeat)
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    return {
        "median_ms": median,
        "cpu_ms": cpu,
        "queries": queries,
        "rows": sum(1 for _ in sheet.iter_rows(values_only=True)),
        "peak_memory_mb": round(peak / 1024 / 1024, 1),
    }


def measure_export(client: Client, url: str, *, repeat: int) -> dict:
    """A CSV download, streamed: rows counted as lines."""

    def download():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        lines = 0
        for chunk in response.streaming_content:
            lines += chunk.count(b"\n")
        return lines

    queries, lines = _count_queries(download)
    tracemalloc.start()
    download()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    median, cpu = _median_ms(download, repeat)
    return {
        "median_ms": median,
        "cpu_ms": cpu,
        "queries": queries,
        "rows": lines,
        "peak_memory_mb": round(peak / 1024 / 1024, 1),
    }


def measure_raw_sql(sql: str, params, *, repeat: int) -> float:
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    return _median_ms(run, repeat)[0]


# The floors. Each computes exactly the numbers its page aggregates, over the same rows:
# the page's tallies (`reports.selectors.tally_annotations`: total, the three statuses,
# overdue, overdue and in progress, score sum and count) per department and course — the
# roll-up that the completion report and the HR dashboard read, from which their
# per-course and per-department tables are added up — and, for weakest topics, the
# per-question counts (answers, distinct people, wrong). The scope is written as the
# pages write it: the department's materialised path and the user's `is_active`.

RAW_ROLLUP = """
SELECT e.department_id, en.course_id, c.title, COUNT(*),
       SUM(CASE WHEN en.status = 'completed' THEN 1 ELSE 0 END),
       SUM(CASE WHEN en.status = 'in_progress' THEN 1 ELSE 0 END),
       SUM(CASE WHEN en.status = 'not_started' THEN 1 ELSE 0 END),
       SUM(CASE WHEN en.status <> 'completed' AND en.due_on < %s THEN 1 ELSE 0 END),
       SUM(CASE WHEN en.status = 'in_progress' AND en.due_on < %s THEN 1 ELSE 0 END),
       SUM(en.best_score), COUNT(en.best_score)
FROM courses_enrollment en
JOIN people_employee e ON e.id = en.employee_id
JOIN people_user u ON u.id = e.user_id
JOIN people_department d ON d.id = e.department_id
JOIN courses_course_translation c ON c.master_id = en.course_id AND c.language_code = 'en'
WHERE en.is_current AND u.is_active AND d.path LIKE %s {extra}
GROUP BY e.department_id, en.course_id, c.title
"""

RAW_WEAKEST = """
SELECT a.question_id, COUNT(*), COUNT(DISTINCT at.employee_id),
       SUM(CASE WHEN a.is_correct THEN 0 ELSE 1 END)
FROM quizzes_attemptanswer a
JOIN quizzes_attempt at ON at.id = a.attempt_id
JOIN quizzes_quiz q ON q.id = at.quiz_id
JOIN courses_module m ON m.id = q.module_id
JOIN people_employee e ON e.id = at.employee_id
JOIN people_user u ON u.id = e.user_id
JOIN people_department d ON d.id = e.department_id
WHERE m.course_id = %s AND at.submitted_at IS NOT NULL AND a.question_id IS NOT NULL
  AND u.is_active AND d.path LIKE %s
GROUP BY a.question_id
"""


def database_analyze() -> None:
    """Refresh the planner's statistics (PostgreSQL), as autovacuum does on a normal
    server after a bulk load: the data was just written, and the shared server this
    runs on has autovacuum off. Without it PostgreSQL plans for near-empty tables."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
