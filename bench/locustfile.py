"""Simulated employees and managers for `bench/load.py` (locust, headless).

Each simulated person signs in through the real sign-in form with an account of the demo
organisation (`LOAD_ACCOUNTS`: a JSON file written by load.py), then works as a person
would, through the pages and forms a browser gets:

- an employee opens My training, their course, takes the next step: a lesson (read it,
  mark it complete with the page's own htmx form) or a quiz (start an attempt, answer
  every question from the choices the page offers, submit), now and then re-reads a
  lesson;
- a manager opens the people directory and the completion report.

What the server confirmed is recorded: a lesson completion when the answer carries the
"completed" message, a quiz attempt when the submission leads to its result page. At the
end the records and the error count go to `LOAD_RESULTS` (JSON) for load.py to check
against the database.
"""

import json
import os
import random
import re
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import gevent
from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

ACCOUNTS = json.loads(Path(os.environ["LOAD_ACCOUNTS"]).read_text())
RESULTS = Path(os.environ["LOAD_RESULTS"])
_lock = threading.Lock()
_employees = list(ACCOUNTS["employees"])
_managers = list(ACCOUNTS["managers"])
USERS = int(os.environ["LOAD_USERS"])
DURATION = float(os.environ["LOAD_DURATION"])
confirmed = {"completions": [], "attempts": []}
problems: list[str] = []
# The timed window opens when every user has signed in (a sign-in costs ~0.3 s of CPU:
# the password hasher's work, by design) and lasts DURATION seconds.
window = {"signed_in": 0, "opened": None, "closed": None}


def _signed_in(environment) -> None:
    window["signed_in"] += 1
    if window["signed_in"] == USERS:
        environment.stats.reset_all()
        window["opened"] = time.time()

        def close():
            window["closed"] = time.time()
            environment.runner.quit()

        gevent.spawn_later(DURATION, close)


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LESSON_LINK = re.compile(r'href="(/courses/[\w-]+/lessons/(\d+)/)"')
QUIZ_LINK = re.compile(r'href="(/quizzes/([\w-]+)/)"')
CONTINUE = re.compile(r'<a class="btn btn-primary w-100" href="([^"]+)"')
COURSE_LINK = re.compile(r'href="(/courses/[\w-]+/)" class="stretched-link')
ANSWER = re.compile(
    r'<input class="form-check-input" type="(radio|checkbox)" name="(q-\d+)"[^>]*value="(\d+)"'
)
ATTEMPT_URL = re.compile(r"/quizzes/attempts/(\d+)/$")
REVIEW_URL = re.compile(r"/quizzes/attempts/(\d+)/review/$")


def _take(pool: list) -> dict:
    with _lock:
        if not pool:
            raise RuntimeError("More simulated users than prepared accounts")
        return pool.pop()


def _csrf(html: str) -> str:
    found = CSRF.search(html)
    return found.group(1) if found else ""


_totals = {"requests": 0, "failures": 0}


@events.request.add_listener
def _count(request_type, name, response_time, response_length, exception=None, **kwargs):
    # Over the whole run, the sign-ins included (locust's own statistics are reset when
    # the timed window opens).
    _totals["requests"] += 1
    if exception is not None:
        _totals["failures"] += 1
        if len(problems) < 50:
            problems.append(f"{request_type} {name}: {exception}")


@events.test_stop.add_listener
def _write_results(environment, **kwargs):
    RESULTS.write_text(
        json.dumps(
            {
                **confirmed,
                "problems": problems,
                "window_seconds": (window["closed"] or time.time()) - window["opened"]
                if window["opened"]
                else None,
                "all_requests": _totals["requests"],
                "all_failures": _totals["failures"],
            }
        )
    )


class Person(FastHttpUser):
    abstract = True
    account: dict

    def sign_in(self, pool):
        self.account = _take(pool)
        try:
            page = self.client.get("/accounts/login/", name="sign-in form")
            with self.post_form(
                "/accounts/login/",
                page.text or "",
                {"login": self.account["email"], "password": self.account["password"]},
                name="sign in",
                catch_response=True,
            ) as response:
                # Signed in: a redirect to My training; refused: the form again (200).
                if response.status_code != 302:
                    response.failure(
                        f"sign-in refused for {self.account['email']} ({response.status_code})"
                    )
        finally:
            _signed_in(self.environment)  # counted even when it failed: the run goes on

    def post_form(self, url: str, page_html: str, data: dict, *, name: str, **kwargs):
        """Submit a page's form as a browser does (its CSRF token, the Referer, a field
        given several values sent several times); the redirect is not followed, so that
        each request is timed on its own."""
        body = urlencode({"csrfmiddlewaretoken": _csrf(page_html), **data}, doseq=True)
        return self.client.post(
            url,
            data=body,
            headers={
                "Referer": self.host + url,
                "Content-Type": "application/x-www-form-urlencoded",
                **kwargs.pop("headers", {}),
            },
            name=name,
            allow_redirects=False,
            **kwargs,
        )


class Employee(Person):
    weight = 9
    wait_time = between(2, 6)

    def on_start(self):
        self.sign_in(_employees)
        self.course_url = None

    def open_course(self) -> str:
        home = self.client.get("/", name="My training")
        if self.course_url is None:
            found = COURSE_LINK.search(home.text or "")
            if not found:
                return ""
            self.course_url = found.group(1)
        return self.client.get(self.course_url, name="course page").text or ""

    @task(3)
    def follow_the_course(self):
        html = self.open_course()
        step = CONTINUE.search(html)
        if step and "/lessons/" in step.group(1):
            self.lesson(step.group(1), complete=True)
        elif step and step.group(1).startswith("/quizzes/"):
            self.quiz(step.group(1))
        else:
            lessons = LESSON_LINK.findall(html)
            if lessons:
                self.lesson(random.choice(lessons)[0], complete=False)

    @task(1)
    def practise_a_quiz(self):
        """Take one of the course's quizzes (a module check taken early, or again)."""
        quizzes = QUIZ_LINK.findall(self.open_course())
        if quizzes:
            self.quiz(random.choice(quizzes)[0])

    def lesson(self, url: str, *, complete: bool):
        page = self.client.get(url, name="lesson page")
        html = page.text or ""
        action = url + "complete/"
        if not complete or f'action="{action}"' not in html:
            return
        data = {"acknowledged": "on"} if 'name="acknowledged"' in html else {}
        with self.post_form(
            action,
            html,
            data,
            name="complete a lesson",
            headers={"HX-Request": "true", "HX-Target": "lesson-complete"},
            catch_response=True,
        ) as response:
            if response.status_code == 200 and "alert-success" in (response.text or ""):
                lesson_id = int(url.rstrip("/").rsplit("/", 1)[1])
                confirmed["completions"].append([self.account["email"], lesson_id])
            else:
                response.failure(f"completion not confirmed ({response.status_code})")

    def quiz(self, url: str):
        page = self.client.get(url, name="quiz page")
        html = page.text or ""
        code = url.strip("/").rsplit("/", 1)[1]
        start = f"/quizzes/{code}/start/"
        if f'action="{start}"' not in html:
            return  # no attempt left, or passed: nothing to take
        started = self.post_form(start, html, {}, name="start a quiz attempt")
        location = started.headers.get("location", "") if started.headers else ""
        if not ATTEMPT_URL.search(location):
            # Refused with a message (no attempt left), shown on the quiz page.
            self.client.get(url, name="quiz page")
            return
        attempt_page = self.client.get(location, name="quiz attempt page")
        attempt_html = attempt_page.text or ""
        choices: dict[str, tuple[str, list[str]]] = {}
        for kind, name, value in ANSWER.findall(attempt_html):
            choices.setdefault(name, (kind, []))[1].append(value)
        answers = {}
        for name, (kind, values) in choices.items():
            if kind == "radio":
                answers[name] = random.choice(values)
            else:
                answers[name] = random.sample(values, random.randint(1, len(values)))
        with self.post_form(
            location, attempt_html, answers, name="submit a quiz attempt", catch_response=True
        ) as response:
            review = REVIEW_URL.search(response.headers.get("location", "") or "")
            if response.status_code == 302 and review:
                confirmed["attempts"].append([self.account["email"], int(review.group(1))])
            else:
                response.failure(f"attempt not confirmed ({response.status_code})")
                return
        self.client.get(review.group(0), name="quiz result page")


class Manager(Person):
    weight = 1
    wait_time = between(2, 6)

    def on_start(self):
        self.sign_in(_managers)

    @task(2)
    def directory(self):
        self.client.get("/people/", name="people directory")

    @task(2)
    def report(self):
        self.client.get("/reports/", name="completion report")

    @task(1)
    def my_training(self):
        self.client.get("/", name="My training")
