"""The demo organisation: "Example Corp", built deterministically from a seed.

`demo_organisation_seed(employees=N, seed=...)` builds a realistic company for demos and
benchmarks (`manage.py seed_demo`, `make run`, `bench/`):

    Example Corp (EXC)                          level 1  the CEO
    ├── Sales (EXC-SAL)                         level 2  8 divisions, each with a head
    │   ├── Sales UK (EXC-SAL-UK)               level 3  countries, each with a head
    │   │   ├── Enterprise Accounts (EXC-SAL-UK-01)   level 4  teams: a lead + members
    │   │   └── ...
    │   └── Sales France (EXC-SAL-FR) ...
    ├── People & HR (EXC-HR) ...               everyone here is in the HR group
    └── ...

The number of teams scales with N (one team per ~60 employees, at most 640 teams, so
50,000 employees make ~700 departments with teams of ~77); countries are opened as a
division grows. Every department has exactly one generated manager, who is also an
employee of it; everyone's line manager is their department's manager (a manager's own
line manager is the parent department's manager). Names, titles, team sizes and hire
dates come from one `random.Random(seed)` and fixed name lists (no Faker data), so the
same seed and N give the same organisation on any machine. Hire dates are offsets from
today, so the dates move with the calendar but the offsets do not.

Four of the N people are the demo logins (`DEMO_LOGINS`), the only users given the demo
password, hashed once. Everyone else gets an unusable password and is marked as already
invited, so the invitation job never emails a demo address.

Speed: the departments below the root are inserted in one `bulk_create` with paths built
by treebeard's own path helpers (children ordered by name, as `node_order_by` wants);
users and employees are bulk-created, employees tier by tier (CEO, division heads,
country heads, team leads, members) so each tier's line managers already have ids; the
manager and group memberships are bulk-inserted into the through tables. The number of
queries grows only with the number of insert batches.

Idempotency: if the root code "EXC" exists nothing is generated again; the demo logins
are checked and repaired (exist, active, demo password, roles, department) either way.
"""

from __future__ import annotations

import math
import random
import time
import unicodedata
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from .models import Department, Employee, User
from .roles import AUTHORS_GROUP, HR_GROUP

# The demo password exists here only: it is given to the four demo logins and nobody else.
DEMO_PASSWORD = "ambassador-demo"  # noqa: S105 -- public demo credential, by design

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


# --- The company -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Country:
    code: str
    name: str  # as used in department names: "Sales UK", "Sales France"
    long_name: str  # as used in job titles: "Head of Sales, United Kingdom"
    locale: str
    cultures: tuple[tuple[str, int], ...]  # name pools and their weights


COUNTRIES = {
    c.code: c
    for c in (
        _Country(
            "UK",
            "UK",
            "United Kingdom",
            "en",
            (("en", 72), ("in", 10), ("pl", 6), ("fr", 4), ("it", 4), ("es", 4)),
        ),
        _Country(
            "FR", "France", "France", "fr", (("fr", 85), ("es", 4), ("it", 4), ("pt", 4), ("en", 3))
        ),
        _Country(
            "DE",
            "Germany",
            "Germany",
            "en",
            (("de", 85), ("pl", 6), ("it", 4), ("nl", 3), ("en", 2)),
        ),
        _Country("US", "US", "United States", "en", (("en", 80), ("es", 10), ("in", 7), ("it", 3))),
        _Country("ES", "Spain", "Spain", "en", (("es", 90), ("pt", 4), ("fr", 3), ("en", 3))),
        _Country("IT", "Italy", "Italy", "en", (("it", 92), ("es", 3), ("fr", 3), ("de", 2))),
        _Country(
            "NL",
            "Netherlands",
            "the Netherlands",
            "en",
            (("nl", 85), ("de", 6), ("en", 5), ("pl", 4)),
        ),
        _Country("PL", "Poland", "Poland", "en", (("pl", 94), ("de", 3), ("en", 3))),
        _Country("IE", "Ireland", "Ireland", "en", (("en", 90), ("pl", 5), ("fr", 5))),
        _Country("CA", "Canada", "Canada", "en", (("en", 75), ("fr", 20), ("in", 5))),
        _Country("IN", "India", "India", "en", (("in", 96), ("en", 4))),
        _Country("PT", "Portugal", "Portugal", "en", (("pt", 92), ("es", 4), ("fr", 4))),
    )
}


@dataclass(frozen=True)
class _Team:
    name: str
    titles: tuple[str, ...]  # members' job titles, the first ones more common


@dataclass(frozen=True)
class _Division:
    code: str
    name: str
    weight: int  # share of the teams
    head_title: str
    country_head: str  # "Head of {}" for the country departments
    countries: tuple[str, ...]  # the first one (always "UK", headquarters) opens first
    teams: tuple[_Team, ...]


def _t(name, *titles):
    return _Team(name, titles)


DIVISIONS = (
    _Division(
        "SAL",
        "Sales",
        24,
        "Chief Revenue Officer",
        "Sales",
        ("UK", "FR", "DE", "US", "ES", "IT", "NL", "IE", "PL", "CA"),
        (
            _t(
                "Enterprise Accounts",
                "Account Executive",
                "Senior Account Executive",
                "Enterprise Account Manager",
            ),
            _t("Mid-Market", "Account Executive", "Account Manager"),
            _t(
                "Inside Sales",
                "Sales Development Representative",
                "Business Development Representative",
            ),
            _t("Partnerships", "Partner Manager", "Channel Account Manager"),
            _t("Public Sector", "Account Executive", "Bid Manager"),
            _t("Solutions Consulting", "Solutions Consultant", "Pre-Sales Engineer"),
            _t("Key Accounts", "Key Account Manager", "Account Executive"),
            _t("Sales Operations", "Sales Operations Analyst", "CRM Administrator"),
            _t("Renewals", "Renewals Specialist", "Account Manager"),
            _t("Retail Accounts", "Account Manager", "Field Sales Representative"),
        ),
    ),
    _Division(
        "MKT",
        "Marketing",
        8,
        "Chief Marketing Officer",
        "Marketing",
        ("UK", "FR", "DE", "US", "ES", "IT"),
        (
            _t(
                "Brand & Communications",
                "Communications Manager",
                "Social Media Manager",
                "Copywriter",
            ),
            _t(
                "Digital Marketing",
                "Digital Marketing Specialist",
                "SEO Specialist",
                "Paid Media Specialist",
            ),
            _t("Product Marketing", "Product Marketing Manager"),
            _t("Content", "Content Writer", "Content Strategist", "Video Producer"),
            _t("Events", "Event Manager", "Event Coordinator"),
            _t("Design Studio", "Graphic Designer", "UX Designer"),
            _t("Marketing Operations", "Marketing Operations Analyst"),
            _t("Field Marketing", "Field Marketing Manager"),
        ),
    ),
    _Division(
        "ENG",
        "Engineering",
        20,
        "Chief Technology Officer",
        "Engineering",
        ("UK", "FR", "DE", "US", "PL", "IN", "ES", "PT", "CA"),
        (
            _t(
                "Platform",
                "Software Engineer",
                "Senior Software Engineer",
                "Site Reliability Engineer",
            ),
            _t("Web Frontend", "Frontend Developer", "Senior Frontend Developer"),
            _t("Mobile Apps", "iOS Developer", "Android Developer"),
            _t("Data Engineering", "Data Engineer", "Data Analyst"),
            _t("Payments", "Software Engineer", "Backend Developer"),
            _t("Quality Assurance", "QA Engineer", "Test Automation Engineer"),
            _t("Infrastructure", "DevOps Engineer", "Cloud Engineer"),
            _t("Security", "Security Engineer", "Security Analyst"),
            _t("Machine Learning", "Machine Learning Engineer", "Data Scientist"),
            _t("Search & Discovery", "Software Engineer", "Search Engineer"),
            _t("Integrations", "Software Engineer", "Integration Developer"),
            _t("Developer Experience", "Software Engineer", "Build Engineer"),
        ),
    ),
    _Division(
        "OPS",
        "Operations",
        18,
        "Chief Operating Officer",
        "Operations",
        ("UK", "FR", "DE", "US", "NL", "PL", "ES", "IT", "IN"),
        (
            _t("Logistics", "Logistics Coordinator", "Logistics Analyst"),
            _t("Warehouse", "Warehouse Operative", "Warehouse Supervisor", "Forklift Operator"),
            _t("Supply Chain Planning", "Demand Planner", "Supply Planner"),
            _t("Procurement", "Buyer", "Procurement Specialist"),
            _t("Facilities", "Facilities Coordinator", "Office Manager"),
            _t("Quality", "Quality Inspector", "Quality Analyst"),
            _t("IT Support", "IT Support Technician", "Service Desk Analyst"),
            _t("Business Operations", "Operations Analyst", "Project Coordinator"),
        ),
    ),
    _Division(
        "FIN",
        "Finance",
        6,
        "Chief Financial Officer",
        "Finance",
        ("UK", "FR", "DE", "US", "IE", "NL"),
        (
            _t("Accounting", "Accountant", "Accounts Payable Clerk", "Accounts Receivable Clerk"),
            _t("Financial Planning & Analysis", "Financial Analyst", "Senior Financial Analyst"),
            _t("Controlling", "Controller", "Cost Accountant"),
            _t("Treasury", "Treasury Analyst"),
            _t("Tax", "Tax Specialist", "Tax Manager"),
            _t("Billing & Credit", "Billing Specialist", "Credit Controller"),
            _t("Internal Audit", "Internal Auditor"),
        ),
    ),
    _Division(
        "HR",
        "People & HR",
        3,
        "Chief People Officer",
        "People",
        ("UK", "FR", "DE", "US", "ES", "IN"),
        (
            _t("HR Business Partners", "HR Business Partner", "HR Advisor"),
            _t(
                "Recruitment",
                "Recruiter",
                "Talent Acquisition Specialist",
                "Recruitment Coordinator",
            ),
            _t(
                "Learning & Development",
                "Learning & Development Specialist",
                "Instructional Designer",
                "Trainer",
            ),
            _t("Payroll & Benefits", "Payroll Specialist", "Benefits Administrator"),
            _t("HR Operations", "HR Administrator", "HRIS Analyst"),
            _t("Employee Relations", "Employee Relations Advisor"),
        ),
    ),
    _Division(
        "LEG",
        "Legal",
        2,
        "General Counsel",
        "Legal",
        ("UK", "FR", "DE", "US"),
        (
            _t("Commercial Contracts", "Legal Counsel", "Contracts Manager", "Paralegal"),
            _t("Compliance", "Compliance Officer", "Compliance Analyst"),
            _t("Privacy & Data Protection", "Privacy Counsel", "Privacy Analyst"),
            _t("Intellectual Property", "IP Counsel", "Paralegal"),
            _t("Corporate & Governance", "Company Secretary", "Legal Counsel"),
        ),
    ),
    _Division(
        "CS",
        "Customer Service",
        19,
        "VP Customer Service",
        "Customer Service",
        ("UK", "FR", "DE", "US", "ES", "IT", "PT", "IE", "PL", "IN"),
        (
            _t(
                "Customer Support",
                "Customer Service Advisor",
                "Senior Customer Service Advisor",
            ),
            _t("Technical Support", "Technical Support Engineer", "Support Specialist"),
            _t("Customer Success", "Customer Success Manager"),
            _t("Social Customer Care", "Social Media Care Agent"),
            _t("Complaints & Escalations", "Escalations Specialist"),
            _t("Onboarding", "Onboarding Specialist"),
            _t("Quality & Training", "Quality Analyst", "Customer Service Trainer"),
            _t("Returns & Refunds", "Returns Specialist"),
        ),
    ),
)
# Sales has at least three teams: two in the UK (the demo manager's department needs
# sub-departments) and one in France, so that even a small demo is multinational.
_DIVISION_MINIMUM_TEAMS = {"SAL": 3}
_HR_DIVISION = "HR"
_AUTHOR_DIVISION = "MKT"  # the generated authors write the social-media course
_GENERATED_AUTHORS = 2

# Name pools by culture: given names (mixed), family names.
NAMES = {
    "en": (
        "Oliver Amelia George Olivia Harry Isla Jack Emily Charlie Sophie Thomas Grace James "
        "Lucy William Chloe Daniel Hannah Samuel Ella Michael Jessica Benjamin Megan Ryan Sarah "
        "Liam Emma Noah Ava Sean Niamh Aoife Connor",
        "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans "
        "Walker White Roberts Green Hall Wood Jackson Clarke Hughes Edwards Turner Cooper Hill "
        "Ward Morris Moore Clark Lewis Harris Baker Miller Anderson Murphy Kelly O'Brien Byrne "
        "Walsh O'Connor Fletcher Mitchell",
    ),
    "fr": (
        "Élodie Camille Manon Chloé Léa Inès Juliette Hélène Aurélie Céline Margaux Amélie "
        "Lucas Hugo Louis Théo Gabriel Arthur Julien Nicolas Mathieu Antoine Maxime Clément "
        "Loïc François Jérôme Sébastien",
        "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent "
        "Lefèvre Michel David Bertrand Roux Vincent Fournier Morel Girard André Mercier Dupont "
        "Lambert Bonnet Faure Rousseau Blanc Guérin Chevalier",
    ),
    "de": (
        "Lukas Leon Felix Jonas Maximilian Paul Tobias Jan Stefan Jürgen Matthias Florian Björn "
        "Jörg Anna Lena Laura Julia Hannah Katharina Lea Marie Sabine Jana Johanna Anke",
        "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch "
        "Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann "
        "Hartmann Lange Weiß Köhler Groß",
    ),
    "es": (
        "Lucía Sofía María Martina Paula Carmen Elena Alba Marta Ana Isabel Hugo Pablo "
        "Alejandro Javier Adrián Álvaro Diego Sergio Carlos Jorge Raúl Iñigo",
        "García Rodríguez González Fernández López Martínez Sánchez Pérez Gómez Martín Jiménez "
        "Ruiz Hernández Díaz Moreno Muñoz Álvarez Romero Alonso Gutiérrez Navarro Torres "
        "Domínguez Vázquez Ramos Gil Ibáñez Castillo",
    ),
    "it": (
        "Giulia Chiara Francesca Sara Alessia Federica Valentina Elisa Giorgia Marco Luca "
        "Matteo Andrea Alessandro Lorenzo Davide Simone Francesco Giuseppe Riccardo Niccolò "
        "Stefano Paolo",
        "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo "
        "Conti Mancini Costa Giordano Rizzo Lombardi Moretti Barbieri Fontana Santoro Mariani",
    ),
    "nl": (
        "Daan Sem Lars Bram Thijs Jesse Ruben Joris Pieter Sanne Femke Lotte Anouk Fleur Eva "
        "Lieke Noor Maaike Floor Iris",
        "Jansen Bakker Janssen Visser Smit Meijer Mulder Bos Vos Peters Hendriks Dekker Brouwer "
        "Kok Jacobs Willems Koster Prins",
    ),
    "pl": (
        "Jakub Kacper Piotr Tomasz Łukasz Paweł Michał Krzysztof Marcin Wojciech Anna Katarzyna "
        "Magdalena Agnieszka Joanna Zofia Małgorzata Aleksandra Natalia Karolina",
        "Nowak Wójcik Kowalczyk Woźniak Mazur Krawczyk Kaczmarek Zając Król Wieczorek Wróbel "
        "Stępień Dudek Pawlak Sikora Baran Michalak Szewczyk",
    ),
    "pt": (
        "Beatriz Mariana Inês Leonor Carolina Matilde Joana Rita João Tiago Rodrigo Miguel "
        "Duarte Gonçalo Rui Pedro",
        "Silva Santos Ferreira Pereira Oliveira Costa Rodrigues Martins Sousa Fernandes "
        "Gonçalves Gomes Lopes Marques Almeida Ribeiro Carvalho",
    ),
    "in": (
        "Aarav Arjun Rohan Vikram Rahul Aditya Karan Siddharth Sanjay Priya Ananya Aditi Kavya "
        "Neha Pooja Divya Meera Deepika",
        "Sharma Patel Singh Kumar Gupta Iyer Reddy Nair Mehta Shah Rao Menon Joshi Desai Chopra "
        "Banerjee Kapoor Verma",
    ),
}
_NAME_POOLS = {
    culture: (tuple(first.split()), tuple(last.split())) for culture, (first, last) in NAMES.items()
}


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


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str  # what to try with it, for the printed list


@dataclass(frozen=True)
class DemoSummary:
    created: bool  # False: the organisation existed, only the demo logins were checked
    dry_run: bool
    root_code: str
    departments: int
    levels: int
    employees: int
    managers: int
    hr_admins: int
    authors: int
    manager_department: str
    logins: tuple[DemoLogin, ...]
    repaired: tuple[str, ...]  # demo logins created or fixed by the repair step
    seconds: float

    def lines(self) -> list[str]:
        if self.created:
            head = f"Created the demo organisation {ROOT_NAME} ({self.root_code}) in"
        else:
            head = (
                f"The demo organisation {ROOT_NAME} ({self.root_code}) already exists: nothing "
                "generated (size and seed apply to a new one only); demo logins checked in"
            )
        lines = [
            f"{head} {self.seconds:.1f} s:",
            f"  {self.departments:,} departments on {self.levels} levels, "
            f"{self.employees:,} employees, {self.managers:,} managers, "
            f"{self.hr_admins:,} HR admins, {self.authors:,} content authors.",
        ]
        lines += [f"  Repaired demo login: {email}" for email in self.repaired]
        if self.dry_run:
            lines.append("  Dry run: nothing was saved.")
        width = max(len(login.email) for login in self.logins) + 2
        lines.append(f"Demo logins (password: {DEMO_PASSWORD}):")
        lines += [f"  {login.email:<{width}}— {login.role}" for login in self.logins]
        return lines


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
    minimum = sum(_DIVISION_MINIMUM_TEAMS.get(d.code, 1) for d in DIVISIONS)
    return min(MAX_TEAMS, max(minimum, round(employees / TEAM_SIZE)))


def _plan_departments(employees: int, rng: random.Random) -> list[_DeptPlan]:
    headquarters = COUNTRIES[DIVISIONS[0].countries[0]].cultures  # the executives are in the UK
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
        [d.weight for d in DIVISIONS],
        [_DIVISION_MINIMUM_TEAMS.get(d.code, 1) for d in DIVISIONS],
    )
    levels: list[list[_DeptPlan]] = [[root], [], [], []]
    for division, teams in zip(DIVISIONS, divisions_teams, strict=True):
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
            country = COUNTRIES[country_code]
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
    division_weight = {f"{ROOT_CODE}-{d.code}": d.weight for d in DIVISIONS}
    division_teams = Counter(team.parent.parent.code for team in teams)
    team_weights = [
        division_weight[code] / division_teams[code] * rng.uniform(0.75, 1.25)
        for code in (team.parent.parent.code for team in teams)
    ]
    team_sizes = _apportion(members, team_weights, [1] * len(teams))

    people: list[_PersonPlan] = []

    def person(dept, tier, job_title, line_manager, hired_days_ago):
        cultures, weights = zip(*dept.culture_mix, strict=True)
        first_names, last_names = _NAME_POOLS[rng.choices(cultures, weights)[0]]
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
        if p.tier == 4 and p.demo is None and p.department.code.startswith(f"{ROOT_CODE}-MKT")
    ]
    for p in rng.sample(marketers, min(_GENERATED_AUTHORS, len(marketers))):
        p.groups = (AUTHORS_GROUP,)
    return _Plan(root=root, departments=departments, people=people)


# --- Writing it ------------------------------------------------------------------------------


class _DemoPassword:
    """The demo password, hashed at most once per run and checked at most once per hash."""

    def __init__(self):
        self._encoded = None
        self._checked: dict[str, bool] = {}

    @property
    def encoded(self) -> str:
        if self._encoded is None:
            self._encoded = make_password(DEMO_PASSWORD)
            self._checked[self._encoded] = True
        return self._encoded

    def matches(self, encoded: str) -> bool:
        if encoded not in self._checked:
            self._checked[encoded] = check_password(DEMO_PASSWORD, encoded)
        return self._checked[encoded]


def _say(stdout, message):
    if stdout is not None:
        stdout.write(f"{message}\n")  # Django's OutputWrapper does not double the newline


def _build(plan: _Plan, *, password: _DemoPassword, stdout) -> Department:
    today = timezone.localdate()
    now = timezone.now()

    # Departments: the root through treebeard (it may sit beside other roots), the rest
    # in one bulk insert with paths from treebeard's helpers, siblings ordered by name.
    _say(stdout, f"Creating {len(plan.departments):,} departments…")
    root = Department.objects.add_root(instance=Department(code=plan.root.code, name=ROOT_NAME))
    saved = {plan.root.code: root}
    new_departments = []
    queue = deque([(plan.root, root)])
    while queue:
        dept_plan, node = queue.popleft()
        node.numchild = len(dept_plan.children)
        for position, child in enumerate(sorted(dept_plan.children, key=lambda d: d.name), 1):
            depth = node.depth + 1
            child_node = Department(
                code=child.code,
                name=child.name,
                depth=depth,
                path=Department._get_path(node.path, depth, position),
                numchild=len(child.children),
            )
            saved[child.code] = child_node
            new_departments.append(child_node)
            queue.append((child, child_node))
    Department.objects.filter(pk=root.pk).update(numchild=root.numchild)
    Department.objects.bulk_create(new_departments, batch_size=500)

    # Users: unusable passwords, except the four demo logins (one hash, shared).
    existing = _existing_users([spec.email for spec in DEMO_LOGINS])
    for p in plan.people:
        if p.demo is not None and p.demo.email in existing:
            # Somebody already holds this demo address: a generated person takes the slot
            # and the repair step below fixes up the existing account.
            p.demo = None
    _say(stdout, f"Creating {len(plan.people):,} users…")
    users = []
    for p in plan.people:
        user = User(
            email=p.email,
            first_name=p.first_name,
            last_name=p.last_name,
            is_staff=bool(p.groups),
            date_joined=now,
        )
        if p.demo is not None:
            user.password = password.encoded
        else:
            user.set_unusable_password()
        users.append(user)
    users = User.objects.bulk_create(users, batch_size=1000)
    _ensure_pks(users)

    _say(stdout, f"Creating {len(plan.people):,} employees…")
    employee_ids: dict[int, int] = {}  # person number -> Employee pk
    for tier in range(5):
        tier_people = [p for p in plan.people if p.tier == tier]
        employees = [
            Employee(
                user_id=users[p.number - 1].pk,
                employee_number=p.employee_number,
                department_id=saved[p.department.code].pk,
                line_manager_id=employee_ids[p.line_manager.number] if p.line_manager else None,
                job_title=p.job_title,
                locale=p.department.locale,
                hired_on=today - timedelta(days=p.hired_days_ago),
                invited_at=now,  # demo people: the invitation job leaves them alone
            )
            for p in tier_people
        ]
        employees = Employee.objects.bulk_create(employees, batch_size=1000)
        if tier < 4:
            _ensure_pks(employees)
            employee_ids.update(
                (p.number, e.pk) for p, e in zip(tier_people, employees, strict=True)
            )

    _say(stdout, "Assigning managers and roles…")
    Department.managers.through.objects.bulk_create(
        [
            Department.managers.through(
                department_id=saved[d.code].pk, user_id=users[d.head.number - 1].pk
            )
            for d in plan.departments
        ],
        batch_size=1000,
    )
    groups = _role_groups()
    User.groups.through.objects.bulk_create(
        [
            User.groups.through(user_id=users[p.number - 1].pk, group_id=groups[name].pk)
            for p in plan.people
            for name in p.groups
        ],
        batch_size=1000,
    )
    return root


def _ensure_pks(objs):
    """bulk_create sets primary keys on PostgreSQL and SQLite ≥ 3.35; refuse to guess."""
    if objs and objs[-1].pk is None:
        raise DemoSeedError("This database does not return ids from bulk inserts.")


def _existing_users(emails) -> dict[str, User]:
    query = Q(pk__in=[])
    for email in emails:
        query |= Q(email__iexact=email)
    return {user.email.lower(): user for user in User.objects.filter(query)}


def _role_groups() -> dict[str, Group]:
    groups = {g.name: g for g in Group.objects.filter(name__in=_ROLE_GROUPS)}
    missing = set(_ROLE_GROUPS) - set(groups)
    if missing:
        raise DemoSeedError(f"Missing role groups {sorted(missing)}: run `manage.py migrate`.")
    return groups


def _next_employee_number() -> str:
    last = Employee.objects.filter(
        employee_number__regex=rf"^{EMPLOYEE_NUMBER_PREFIX}[0-9]{{6}}$"
    ).aggregate(last=Max("employee_number"))["last"]
    number = int(last[len(EMPLOYEE_NUMBER_PREFIX) :]) + 1 if last else 1
    return f"{EMPLOYEE_NUMBER_PREFIX}{number:06d}"


def _line_manager_for(department: Department, user: User) -> Employee | None:
    """The department's manager, or, for its manager, the nearest manager above."""
    for dept in [department, *list(Department.objects.get_ancestors(department))[::-1]]:
        boss = (
            Employee.objects.filter(user__managed_departments=dept)
            .exclude(user=user)
            .order_by("pk")
            .first()
        )
        if boss is not None:
            return boss
    return None


def _demo_logins_ensure(*, password: _DemoPassword) -> list[str]:
    """Make the four demo logins exist and work as advertised; return the ones changed.

    A constant number of queries; cheap when nothing needs fixing (one password check
    for the four, as they share one hash).
    """
    codes = {spec.department_code for spec in DEMO_LOGINS}
    codes.update(code for spec in DEMO_LOGINS for code in spec.manages)
    departments = {d.code: d for d in Department.objects.filter(code__in=codes)}
    missing = codes - set(departments)
    if missing:
        raise DemoSeedError(
            f"The demo organisation lacks the departments {sorted(missing)}; "
            "the demo logins cannot be placed."
        )
    groups = _role_groups()
    users = _existing_users([spec.email for spec in DEMO_LOGINS])
    repaired = []
    for spec in DEMO_LOGINS:
        user = users.get(spec.email)
        changed = False
        if user is None:
            user = User(email=spec.email, first_name=spec.first_name, last_name=spec.last_name)
            changed = True
        if not user.is_active or (spec.is_staff and not user.is_staff):
            user.is_active = True
            user.is_staff = user.is_staff or spec.is_staff
            changed = True
        if not password.matches(user.password):
            user.password = password.encoded
            changed = True
        if changed:
            user.save()

        wanted_groups = {groups[name].pk for name in spec.groups}
        has_groups = set(user.groups.filter(name__in=_ROLE_GROUPS).values_list("pk", flat=True))
        if has_groups != wanted_groups:
            user.groups.remove(*(has_groups - wanted_groups))
            user.groups.add(*(wanted_groups - has_groups))
            changed = True

        wanted_departments = {departments[code].pk for code in spec.manages}
        manages = set(user.managed_departments.values_list("pk", flat=True))
        if manages != wanted_departments:
            user.managed_departments.set(wanted_departments)
            changed = True

        department = departments[spec.department_code]
        employee = Employee.objects.filter(user=user).first()
        if employee is None:
            Employee.objects.create(
                user=user,
                employee_number=_next_employee_number(),
                department=department,
                line_manager=_line_manager_for(department, user),
                job_title=spec.job_title,
                locale="en",
                hired_on=timezone.localdate() - timedelta(days=400),
                invited_at=timezone.now(),
            )
            changed = True
        elif employee.department_id != department.pk or employee.deactivated_at is not None:
            employee.department = department
            employee.line_manager = _line_manager_for(department, user)
            employee.deactivated_at = None
            employee.save(update_fields=["department", "line_manager", "deactivated_at"])
            changed = True
        if changed:
            repaired.append(spec.email)
    return repaired


def _demo_role_labels(manager_department: str) -> dict[str, str]:
    return {
        "employee": "employee",
        "manager": f"manager of {manager_department} and its sub-departments",
        "hr": "HR admin",
        "author": "content author",
    }


def _summary(*, root, created, dry_run, repaired, started) -> DemoSummary:
    in_org = Q(path__startswith=root.path)
    departments = Department.objects.filter(in_org)
    stats = departments.aggregate(max_depth=Max("depth"))
    employees = Employee.objects.filter(department__path__startswith=root.path)
    manager_department = Department.objects.get(code=_MANAGER_DEPARTMENT).name
    labels = _demo_role_labels(manager_department)
    return DemoSummary(
        created=created,
        dry_run=dry_run,
        root_code=root.code,
        departments=departments.count(),
        levels=(stats["max_depth"] or root.depth) - root.depth + 1,
        employees=employees.count(),
        managers=User.objects.filter(managed_departments__in=departments).distinct().count(),
        hr_admins=employees.filter(user__groups__name=HR_GROUP).count(),
        authors=employees.filter(user__groups__name=AUTHORS_GROUP).count(),
        manager_department=manager_department,
        logins=tuple(DemoLogin(spec.email, labels[spec.key]) for spec in DEMO_LOGINS),
        repaired=tuple(repaired),
        seconds=time.monotonic() - started,
    )


def demo_organisation_seed(
    *, employees: int = DEFAULT_EMPLOYEES, seed: int = 2026, dry_run: bool = False, stdout=None
) -> DemoSummary:
    """Build the demo organisation of `employees` people from `seed`, unless it exists;
    make sure the demo logins work either way. All or nothing (one transaction);
    `dry_run` does everything, reports, and rolls back."""
    if not 1 <= employees <= MAX_EMPLOYEES:
        raise DemoSeedError(f"The number of employees must be between 1 and {MAX_EMPLOYEES:,}.")
    started = time.monotonic()
    password = _DemoPassword()
    with transaction.atomic():
        root = Department.objects.filter(code=ROOT_CODE).first()
        created = root is None
        if created:
            plan = _plan(employees=employees, seed=seed)  # raises before any write
            root = _build(plan, password=password, stdout=stdout)
        repaired = _demo_logins_ensure(password=password)
        summary = _summary(
            root=root, created=created, dry_run=dry_run, repaired=repaired, started=started
        )
        if dry_run:
            transaction.set_rollback(True)
    for line in summary.lines():
        _say(stdout, line)
    return summary
