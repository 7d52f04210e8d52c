"""The department roll-up: one grouped query plus the tree in memory."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet

from courses.models import Course, Enrollment
from courses.translation import translated_texts
from people.models import Department

from .base import (
    report_departments,
)
from .tallies import CourseRow, Tally, tally_annotations

# --- Department roll-up ------------------------------------------------------------------------


@dataclass
class DepartmentNode:
    pk: int
    code: str
    name: str
    path: str
    depth: int
    own: Tally = field(default_factory=Tally)  # the department's own employees
    subtree: Tally = field(default_factory=Tally)  # with every department below it
    children: list["DepartmentNode"] = field(default_factory=list)
    own_by_course: dict[int, Tally] = field(default_factory=dict)

    @property
    def has_children(self):
        return bool(self.children)


@dataclass
class Rollup:
    nodes: dict[int, DepartmentNode]
    tops: list[DepartmentNode]  # the highest departments of the scope, by name
    course_titles: dict[int, str] = field(default_factory=dict)

    def get(self, pk) -> DepartmentNode | None:
        return self.nodes.get(pk)

    def total(self, department: DepartmentNode | None = None) -> Tally:
        """The tally of one department's subtree, or of the whole scope."""
        if department is not None:
            return department.subtree
        total = Tally()
        for top in self.tops:
            total.add(top.subtree)
        return total

    def by_course(self, department: DepartmentNode | None = None) -> list["CourseRow"]:
        """Per course, for one department's subtree or the whole scope, from the same
        grouped rows (no query)."""
        prefix = department.path if department is not None else ""
        sums: dict[int, list[int]] = {}
        for node in self.nodes.values():
            if node.path.startswith(prefix):
                for course_id, tally in node.own_by_course.items():
                    target = sums.get(course_id)
                    if target is None:
                        sums[course_id] = [getattr(tally, name) for name in Tally.FIELDS]
                    else:
                        for i, name in enumerate(Tally.FIELDS):
                            target[i] += getattr(tally, name)
        tallies = {course_id: Tally(*values) for course_id, values in sums.items()}
        return sorted(
            (CourseRow(pk, self.course_titles[pk], tally) for pk, tally in tallies.items()),
            key=lambda row: (row.title, row.course_id),
        )


def department_rollup(user, enrollments: QuerySet[Enrollment], *, today: date) -> Rollup:
    """Every department in scope with its own and its subtree's tallies, per course too.
    Three queries: the departments, the enrollments grouped by department and course,
    and the courses' titles;
    the subtree sums are added up the tree in memory (a materialised path's prefixes are
    its ancestors), and per-course summaries come from the same rows (`by_course`)."""
    departments = report_departments(user).values_list("pk", "code", "name", "path", "depth")
    nodes = {}
    by_path = {}
    for pk, code, name, path, depth in departments:
        node = DepartmentNode(pk=pk, code=code, name=name, path=path, depth=depth)
        nodes[pk] = node
        by_path[path] = node
    grouped = (
        enrollments.order_by()
        .values("employee__department_id", "course_id")
        .annotate(**tally_annotations(today))
    )
    step = Department.steplen
    course_ids = set()
    fields = Tally.FIELDS
    own_sums: dict[int, list[int]] = {}
    for row in grouped:
        node = nodes.get(row["employee__department_id"])
        if node is None:  # not in scope (cannot happen through `enrollments_for`)
            continue
        values = [row[name] or 0 for name in fields]
        course_ids.add(row["course_id"])
        node.own_by_course[row["course_id"]] = Tally(*values)
        sums = own_sums.setdefault(node.pk, [0] * len(fields))
        for i, value in enumerate(values):
            sums[i] += value
    # Each department's own sums, added once to itself and each of its ancestors (not
    # once per grouped row: a tenth of the additions with ten courses).
    subtree_sums: dict[int, list[int]] = {}
    for pk, sums in own_sums.items():
        node = nodes[pk]
        node.own = Tally(*sums)
        for end in range(step, len(node.path) + 1, step):
            ancestor = by_path.get(node.path[:end])
            if ancestor is not None:
                target = subtree_sums.setdefault(ancestor.pk, [0] * len(fields))
                for i, value in enumerate(sums):
                    target[i] += value
    for pk, sums in subtree_sums.items():
        nodes[pk].subtree = Tally(*sums)
    tops = []
    for node in sorted(nodes.values(), key=lambda n: n.name.casefold()):
        parent = by_path.get(node.path[:-step])
        if parent is None:
            tops.append(node)
        else:
            parent.children.append(node)
    titles = translated_texts(Course, "title", course_ids)
    return Rollup(nodes=nodes, tops=tops, course_titles=titles)
