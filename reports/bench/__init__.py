"""Benchmark data and measurements for `manage.py bench_reports` (see bench/README.md).

- `organisation.bench_organisation_ensure(employees=N)` builds, or reuses, the demo
  organisation of N people (`people.demo`) with 10 generated courses (4 modules × 4
  lessons and a module check each), every employee enrolled in all ten (three of them
  mandatory, with due dates around today), a realistic spread of progress, and for the
  first course the detail rows too: lesson completions, quiz attempts with answers,
  certificates. Everything is bulk-inserted and deterministic (`random.Random(seed)`).
- `kolibri.kolibri_matrix_load(path)` loads the peer's learner × item matrix
  (`/work/shared/bench/kolibri-matrix/`) as one department and one course.
- `timing.measure_*` time a page or an export in-process through Django's test client
  (the whole request: middleware, view, template) and count its queries;
  `timing.measure_raw_sql` times one hand-written `GROUP BY` over the same rows
  (`RAW_ROLLUP`, `RAW_WEAKEST`), the floor to compare against.
"""
