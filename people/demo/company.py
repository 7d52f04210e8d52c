"""Example Corp as data and as a plan: who works where, built in memory from a seed.

The divisions, countries and name pools are data files under `fixtures/demo/`; the plan
(`_plan`) is pure Python, deterministic for a seed and a size, and writes nothing.
"""

from __future__ import annotations

import math
import random
import tomllib
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings

from ..roles import AUTHORS_GROUP, HR_GROUP

DATA_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"

# The demo password exists here only: it is given to the four demo logins and nobody else.
DEMO_PASSWORD = "ambassador-demo"  # noqa: S105 -- public demo credential, by design
# The authenticator app secret of the demo logins whose roles must use a second factor
# (MFA_REQUIRED_ROLES: by default HR and the author), printed beside the password.
DEMO_TOTP_SECRET = "AMBASSADORDEMO2FAAMBASSADORDEMO2"  # noqa: S105 -- public, like the password

ROOT_CODE = "EXC"
ROOT_NAME = "Example Corp"
EMAIL_DOMAIN = "example.com"
EMPLOYEE_NUMBER_PREFIX = "D"  # "D000001": distinct from the HR system's numbers

DEFAULT_EMPLOYEES = 200
TEAM_SIZE = 60  # one team per ~60 employees ...
MAX_TEAMS = 640  # ... at most: 50,000 employees -> teams of ~77
TEAMS_PER_COUNTRY = 4  # a division opens another country every ~4 teams
MAX_EMPLOYEES = 999_999  # employee numbers have six digits
HIRED_WITHIN_DAYS = 3650  # hire dates in the past ten years


class DemoSeedError(ValueError):
    """The demo organisation cannot be built or repaired as asked."""


# --- The company: data files -----------------------------------------------------------------


@dataclass(frozen=True)
class _Country:
    code: str
    name: str  # as used in department names: "Sales UK", "Sales France"
    long_name: str  # as used in job titles: "Head of Sales, United Kingdom"
    locale: str
    cultures: tuple[tuple[str, int], ...]  # name pools and their weights


@dataclass(frozen=True)
class _Team:
    name: str
    titles: tuple[str, ...]  # members' job titles, the first ones more common


@dataclass(frozen=True)
class _Division:
    code: str
    name: str
    weight: int  # share of the teams
    minimum_teams: int
    head_title: str
    country_head: str  # "Head of {}" for the country departments
    countries: tuple[str, ...]  # the first one (always "UK", headquarters) opens first
    teams: tuple[_Team, ...]


def _data(name: str) -> dict:
    with (DATA_DIR / name).open("rb") as handle:
        return tomllib.load(handle)


@cache
def _company() -> tuple[dict[str, _Country], tuple[_Division, ...], dict]:
    """(countries by code, divisions in order, name pools by culture), read once."""
    countries = {
        code: _Country(
            code,
            c["name"],
            c["long_name"],
            c["locale"],
            tuple(c["cultures"].items()),
        )
        for code, c in _data("countries.toml").items()
    }
    divisions = tuple(
        _Division(
            code=d["code"],
            name=d["name"],
            weight=d["weight"],
            minimum_teams=d.get("minimum_teams", 1),
            head_title=d["head_title"],
            country_head=d["country_head"],
            countries=tuple(d["countries"]),
            teams=tuple(_Team(t["name"], tuple(t["titles"])) for t in d["teams"]),
        )
        for d in _data("divisions.toml")["division"]
    )
    pools = {
        culture: (tuple(names["given"]), tuple(names["family"]))
        for culture, names in _data("names.toml").items()
    }
    return countries, divisions, pools


_HR_DIVISION = "HR"
_AUTHOR_DIVISION = "MKT"  # the generated authors write the social-media course
_GENERATED_AUTHORS = 2


# --- The demo logins -------------------------------------------------------------------------


@dataclass(frozen=True)
class _DemoLoginSpec:
    key: str
    email: str
    first_name: str
    last_name: str
    job_title: str
    department_code: str  # where their Employee profile lives
    groups: tuple[str, ...] = ()
    manages: tuple[str, ...] = ()  # codes of the departments they manage

    @property
    def is_staff(self):  # HR admins and authors work in the Django admin
        return bool(self.groups)


_MANAGER_DEPARTMENT = "EXC-SAL-UK"  # a country department with teams below it
DEMO_LOGINS = (
    _DemoLoginSpec(
        "employee",
        "employee@example.com",
        "Élodie",
        "Martin",
        "Account Executive",
        "EXC-SAL-UK-01",
    ),
    _DemoLoginSpec(
        "manager",
        "manager@example.com",
        "Sarah",
        "Mitchell",
        "Head of Sales, United Kingdom",
        _MANAGER_DEPARTMENT,
        manages=(_MANAGER_DEPARTMENT,),
    ),
    _DemoLoginSpec(
        "hr",
        "hr@example.com",
        "Priya",
        "Sharma",
        "HR Business Partner",
        "EXC-HR-UK-01",
        groups=(HR_GROUP,),
    ),
    _DemoLoginSpec(
        "author",
        "author@example.com",
        "Tom",
        "Fletcher",
        "Social Media Manager",
        "EXC-MKT-UK-01",
        groups=(AUTHORS_GROUP,),
    ),
)
_ROLE_GROUPS = (HR_GROUP, AUTHORS_GROUP)


# --- The plan: pure Python, deterministic ----------------------------------------------------


@dataclass(slots=True)
class _DeptPlan:
    code: str
    name: str
    level: int  # 1 root, 2 division, 3 country, 4 team
    parent: _DeptPlan | None
    locale: str = "en"
    head_title: str = ""
    titles: tuple[str, ...] = ()  # members' job titles (teams)
    culture_mix: tuple[tuple[str, int], ...] = (("en", 1),)
    children: list[_DeptPlan] = field(default_factory=list)
    head: _PersonPlan | None = None


@dataclass(slots=True)
class _PersonPlan:
    number: int
    first_name: str
    last_name: str
    job_title: str
    department: _DeptPlan
    tier: int  # 0 CEO, 1 division heads, 2 country heads, 3 team leads, 4 members
    hired_days_ago: int
    line_manager: _PersonPlan | None = None
    demo: _DemoLoginSpec | None = None
    groups: tuple[str, ...] = ()

    @property
    def employee_number(self):
        return f"{EMPLOYEE_NUMBER_PREFIX}{self.number:06d}"

    @property
    def email(self):
        if self.demo is not None:
            return self.demo.email
        return f"{_ascii(self.first_name)}.{_ascii(self.last_name)}.{self.number}@{EMAIL_DOMAIN}"


@dataclass(slots=True)
class _Plan:
    root: _DeptPlan
    departments: list[_DeptPlan]  # root first, then level by level
    people: list[_PersonPlan]  # by employee number, tiers in order


_ASCII_FOLD = str.maketrans({"ß": "ss", "Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Æ": "AE"})
_ASCII_FOLD.update(str.maketrans({"æ": "ae", "Œ": "OE", "œ": "oe", "Đ": "D", "đ": "d"}))


def _ascii(name: str) -> str:
    """'Élodie' -> 'elodie', "O'Brien" -> 'obrien', 'Weiß' -> 'weiss'."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_ASCII_FOLD))
    return "".join(c for c in decomposed.lower() if c.isascii() and (c.isalnum() or c == "-"))


def _apportion(total: int, weights, minimums) -> list[int]:
    """Split `total` into parts proportional to `weights`, each at least its minimum
    (largest remainder; ties to the first)."""
    rest = total - sum(minimums)
    if rest < 0:
        raise DemoSeedError("Not enough to go round.")
    weight_sum = sum(weights)
    quotas = [rest * w / weight_sum for w in weights]
    parts = [math.floor(q) for q in quotas]
    by_remainder = sorted(range(len(weights)), key=lambda i: (parts[i] - quotas[i], i))
    for i in by_remainder[: rest - sum(parts)]:
        parts[i] += 1
    return [m + p for m, p in zip(minimums, parts, strict=True)]


def _team_count(employees: int) -> int:
    minimum = sum(d.minimum_teams for d in _company()[1])
    return min(MAX_TEAMS, max(minimum, round(employees / TEAM_SIZE)))


def _plan_departments(employees: int, rng: random.Random) -> list[_DeptPlan]:
    countries, divisions, _pools = _company()
    headquarters = countries[divisions[0].countries[0]].cultures  # the executives are in the UK
    root = _DeptPlan(
        ROOT_CODE,
        ROOT_NAME,
        1,
        None,
        head_title="Chief Executive Officer",
        culture_mix=headquarters,
    )
    divisions_teams = _apportion(
        _team_count(employees),
        [d.weight for d in divisions],
        [d.minimum_teams for d in divisions],
    )
    levels: list[list[_DeptPlan]] = [[root], [], [], []]
    for division, teams in zip(divisions, divisions_teams, strict=True):
        div = _DeptPlan(
            f"{ROOT_CODE}-{division.code}",
            division.name,
            2,
            root,
            head_title=division.head_title,
            culture_mix=headquarters,
        )
        root.children.append(div)
        levels[1].append(div)
        # A division opens another country every few teams (a second one from 3 teams).
        wanted = max(math.ceil(teams / TEAMS_PER_COUNTRY), 2 if teams >= 3 else 1)
        opened = min(len(division.countries), wanted)
        # Headquarters first, then smaller and smaller countries.
        country_teams = _apportion(teams, [1 / (i + 1) for i in range(opened)], [1] * opened)
        for country_code, count in zip(division.countries, country_teams, strict=False):
            country = countries[country_code]
            dept = _DeptPlan(
                f"{div.code}-{country.code}",
                f"{division.name} {country.name}",
                3,
                div,
                locale=country.locale,
                head_title=f"Head of {division.country_head}, {country.long_name}",
                culture_mix=country.cultures,
            )
            div.children.append(dept)
            levels[2].append(dept)
            team_kinds = list(division.teams)
            if country_code != division.countries[0]:
                rng.shuffle(team_kinds)  # headquarters keep the canonical order
            for i in range(count):
                kind = team_kinds[i % len(team_kinds)]
                repeat = i // len(team_kinds)
                team = _DeptPlan(
                    f"{dept.code}-{i + 1:02d}",
                    kind.name if not repeat else f"{kind.name} {repeat + 1}",
                    4,
                    dept,
                    locale=country.locale,
                    head_title=f"{kind.name} Lead",
                    titles=kind.titles,
                    culture_mix=country.cultures,
                )
                dept.children.append(team)
                levels[3].append(team)
    return [dept for level in levels for dept in level]


def _plan(*, employees: int, seed: int) -> _Plan:
    rng = random.Random(seed)
    departments = _plan_departments(employees, rng)
    root = departments[0]
    teams = [d for d in departments if d.level == 4]
    members = employees - len(departments)
    if members < len(teams):
        raise DemoSeedError(
            f"The demo organisation has {len(departments)} departments and needs at least "
            f"{len(departments) + len(teams)} employees (one manager per department and one "
            f"member per team)."
        )
    # Team sizes follow the division weights (at small sizes Legal is one small team and
    # Sales several big ones; at large sizes teams even out), give or take 25%.
    _countries, divisions, pools = _company()
    division_weight = {f"{ROOT_CODE}-{d.code}": d.weight for d in divisions}
    division_teams = Counter(team.parent.parent.code for team in teams)
    team_weights = [
        division_weight[code] / division_teams[code] * rng.uniform(0.75, 1.25)
        for code in (team.parent.parent.code for team in teams)
    ]
    team_sizes = _apportion(members, team_weights, [1] * len(teams))

    people: list[_PersonPlan] = []

    def person(dept, tier, job_title, line_manager, hired_days_ago):
        cultures, weights = zip(*dept.culture_mix, strict=True)
        first_names, last_names = pools[rng.choices(cultures, weights)[0]]
        p = _PersonPlan(
            number=len(people) + 1,
            first_name=rng.choice(first_names),
            last_name=rng.choice(last_names),
            job_title=job_title,
            department=dept,
            tier=tier,
            hired_days_ago=hired_days_ago,
            line_manager=line_manager,
        )
        people.append(p)
        return p

    # Managers first, tier by tier, so that every line manager exists before their reports.
    for dept in departments:
        parent_head = dept.parent.head if dept.parent else None
        dept.head = person(
            dept,
            dept.level - 1,
            dept.head_title,
            parent_head,
            rng.randint(365, HIRED_WITHIN_DAYS),
        )
    for team, size in zip(teams, team_sizes, strict=True):
        for _ in range(size):
            person(team, 4, rng.choice(team.titles), team.head, rng.randint(7, HIRED_WITHIN_DAYS))

    # Roles: the whole People & HR division is HR; a couple of marketers write content.
    hr_prefix = f"{ROOT_CODE}-{_HR_DIVISION}"
    for p in people:
        if p.department.code.startswith(hr_prefix):
            p.groups = (HR_GROUP,)
    # The demo logins take the place of four generated people (same numbers, same tiers).
    by_code = {d.code: d for d in departments}
    for spec in DEMO_LOGINS:
        dept = by_code[spec.department_code]
        if spec.manages:
            slot = dept.head
        else:
            slot = next(p for p in people if p.department is dept and p.tier == 4 and not p.demo)
        slot.demo = spec
        slot.first_name, slot.last_name = spec.first_name, spec.last_name
        slot.job_title = spec.job_title
        slot.groups = spec.groups
    marketers = [
        p
        for p in people
        if p.tier == 4
        and p.demo is None
        and p.department.code.startswith(f"{ROOT_CODE}-{_AUTHOR_DIVISION}")
    ]
    for p in rng.sample(marketers, min(_GENERATED_AUTHORS, len(marketers))):
        p.groups = (AUTHORS_GROUP,)
    return _Plan(root=root, departments=departments, people=people)
