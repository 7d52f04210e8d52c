"""Reads for the completion reports, each in a fixed number of queries.

Every read starts from `people.selectors` (`departments_visible_to`, and its condition
form `department_scope_q` that `report_scope_q` joins on): a report can never count,
list or export anyone outside the user's scope. Reports read the denormalised *current* `Enrollment` rows of active
employees and aggregate in SQL (`Count(..., filter=Q(...))`); department roll-ups come
from one query grouped by department plus the tree (materialised paths) in memory.

Statuses: every enrollment is completed, in progress or not started; *overdue* is a
subset of the last two (not completed and due before today), counted apart.

A package: `base` (scope and filters), `tallies`, `rollup`, `drilldown`, `dashboard`,
`matrix`, `weakest`; everything public is re-exported here."""

from .base import (
    COMPLETED,
    IN_PROGRESS,
    NOT_STARTED,
    ReportFilters,
    enrollments_for,
    overdue_q,
    report_courses,
    report_departments,
    report_employees,
    report_scope_q,
)
from .dashboard import (
    EXPIRY_WINDOWS,
    AssignmentRow,
    WeekBar,
    completions_per_week,
    departments_behind,
    expiring_certificates,
    expiring_list,
    expiry_counts,
    mandatory_assignments_summary,
)
from .drilldown import (
    SORTS,
    EmployeeRecord,
    drilldown_rows,
    employee_get_for,
    employee_record,
    ordering_for,
)
from .matrix import (
    MATRIX_ROW_FIELDS,
    MatrixItem,
    MatrixRow,
    matrix_enrollments,
    matrix_fill,
    matrix_items,
    matrix_stream,
)
from .rollup import DepartmentNode, Rollup, department_rollup
from .tallies import CourseRow, Tally, course_summary, tally_annotations
from .weakest import MIN_GROUP, WeakestTopics, WeakQuestion, WeakTopic, WrongChoice, weakest_topics

__all__ = [
    "AssignmentRow",
    "mandatory_assignments_summary",
    "COMPLETED",
    "IN_PROGRESS",
    "NOT_STARTED",
    "overdue_q",
    "ReportFilters",
    "report_employees",
    "report_scope_q",
    "report_departments",
    "report_courses",
    "enrollments_for",
    "Tally",
    "tally_annotations",
    "CourseRow",
    "course_summary",
    "DepartmentNode",
    "Rollup",
    "department_rollup",
    "SORTS",
    "ordering_for",
    "drilldown_rows",
    "EmployeeRecord",
    "employee_get_for",
    "employee_record",
    "WeekBar",
    "completions_per_week",
    "departments_behind",
    "EXPIRY_WINDOWS",
    "expiring_certificates",
    "expiry_counts",
    "expiring_list",
    "MatrixItem",
    "matrix_items",
    "MATRIX_ROW_FIELDS",
    "MatrixRow",
    "matrix_enrollments",
    "matrix_fill",
    "matrix_stream",
    "MIN_GROUP",
    "WrongChoice",
    "WeakQuestion",
    "WeakTopic",
    "WeakestTopics",
    "weakest_topics",
]
