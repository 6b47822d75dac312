"""A bounded load test of a running site, through its front door, as people use it.

Each virtual visitor is a thread with its own connection and cookies, doing what one kind of
person does, until the time is up:

- learners sign in (a fresh account each time), start the core course and work through it
  from "continue" (the surveys, the lessons, the knowledge check and the scenario quiz), filling
  each form as a person would (a choice for every question), until the course is done or the
  time is up;
- anonymous readers read the toolkit's chapters;
- an agency lead, signed in in two steps, downloads the exports linked from her reports;
- the partnership manager, signed in in two steps, reads each report.

Every request is timed and filed under its kind (KINDS: a lead's or the manager's sign-in,
password and code, is a "two-step sign-in"; the lead's report page, which offers the downloads,
is a "lead report"). An error is a status of
400 or more, a request that failed, or a journey that did not go where it should (a sign-in
that did not sign in). `run` returns the figures; `report` prints them.

Cookies are kept here rather than in httpx's jar: production marks the session and CSRF cookies
Secure, and a standard jar (rightly) never sends those over the plain HTTP this test uses on
127.0.0.1, where there is no certificate to offer.
"""

import random
import re
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import pyotp
import yaml
from bs4 import BeautifulSoup

KINDS = (
    "learner sign-in",
    "learner course",
    "learner quiz",
    "anonymous chapter",
    "two-step sign-in",
    "lead report",
    "lead export",
    "manager report",
)
SIGN_IN = "/accounts/sign-in/"
CODE_PAGE = "/accounts/2fa/authenticate/"
MY_LEARNING = "/my/"
TOOLKIT = "/toolkit/"
REPORTS = "/leads/reports/"
MANAGER_REPORTS = (
    "/leads/reports/",
    "/leads/reports/confidence/",
    "/leads/reports/quiz/",
    "/leads/reports/knowledge/",
    "/leads/reports/coverage/",
    "/leads/reports/trends/",
)
STEPS_PER_JOURNEY = 150  # a learner's requests on one course before the next learner signs in


class JourneyError(Exception):
    """The site answered, but not as the journey needs (counted as an error of that kind)."""


class RequestFailed(JourneyError):
    """A request failed or answered 400 or more: already counted by `Visitor.request`."""


@dataclass
class Accounts:
    """Who the load test signs in as (made by `manage.py seed_load_accounts`)."""

    learners: list
    lead: str
    manager: str
    password: str
    totp_secret: str


@dataclass
class Figures:
    """What one kind of request did in the run."""

    latencies: list = field(default_factory=list)
    errors: int = 0
    first_errors: list = field(default_factory=list)

    def p95(self):
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]  # nearest-rank 95th percentile


class Results:
    """Figures per kind, shared by the visitors' threads."""

    def __init__(self):
        self.by_kind = defaultdict(Figures)
        self.lock = threading.Lock()
        self.seconds = 0.0
        self.journeys_started = []  # learners' emails, as each starts the course
        self.journeys_completed = 0

    def record(self, kind, seconds, error=None):
        with self.lock:
            figures = self.by_kind[kind]
            figures.latencies.append(seconds)
            if error is not None:
                figures.errors += 1
                if len(figures.first_errors) < 5:
                    figures.first_errors.append(error)

    def fail(self, kind, error):
        """A journey that went wrong without a bad status (no latency to add)."""
        with self.lock:
            figures = self.by_kind[kind]
            figures.errors += 1
            if len(figures.first_errors) < 5:
                figures.first_errors.append(error)

    @property
    def errors(self):
        return sum(f.errors for f in self.by_kind.values())


def _signing_in(url):
    return urlsplit(url).path.startswith((SIGN_IN, CODE_PAGE))


def kind_of_learner_request(url):
    if _signing_in(url):
        return "learner sign-in"
    return "learner quiz" if urlsplit(url).path.startswith("/quizzes/") else "learner course"


def kind_of_lead_request(url):
    if _signing_in(url):
        return "two-step sign-in"
    return "lead export" if "export=" in urlsplit(url).query else "lead report"


def kind_of_manager_request(url):
    return "two-step sign-in" if _signing_in(url) else "manager report"


class Visitor:
    """One person's browser: a connection and cookies. `kind_of(url)` names the kind of each request."""

    def __init__(self, base_url, results, kind_of, local_address=None, headers=None):
        """`local_address` is the loopback address to connect from (127.0.0.2 is another visitor
        to the proxy); `headers` go with every request."""
        transport = httpx.HTTPTransport(local_address=local_address) if local_address else None
        self.client = httpx.Client(
            base_url=base_url, timeout=60, follow_redirects=False, transport=transport, headers=headers
        )
        self.cookies = {}
        self.results = results
        self.kind_of = kind_of

    def close(self):
        self.client.close()

    def request(self, method, url, data=None, expect_redirect=False, refuse_errors=True):
        """One request, timed and filed; redirects are followed (each one counted). A status of
        400 or more is an error (RequestFailed), unless `refuse_errors` is off."""
        path = urlsplit(url).path or "/"
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        kind = self.kind_of(url)
        started = time.perf_counter()
        try:
            response = self.client.request(method, url, data=data, headers=headers)
            response.read()
        except httpx.HTTPError as error:
            self.results.record(kind, time.perf_counter() - started, f"{method} {path}: {error!r}")
            raise RequestFailed(str(error)) from error
        elapsed = time.perf_counter() - started
        for header in response.headers.get_list("set-cookie"):
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if response.status_code >= 400 and refuse_errors:
            self.results.record(kind, elapsed, f"{method} {path}: {response.status_code}")
            raise RequestFailed(f"{method} {path} answered {response.status_code}")
        self.results.record(kind, elapsed)
        if response.is_redirect:
            location = urljoin(str(response.url), response.headers["location"])
            if expect_redirect:
                return response
            return self.request("GET", location)
        return response

    def get(self, url):
        return self.request("GET", url)

    def submit(self, response, form, fields=None, expect_redirect=False, refuse_errors=True):
        """Send `form` from the page `response` with its hidden fields and `fields`."""
        data = {
            hidden["name"]: hidden.get("value", "")
            for hidden in form.select("input[type=hidden]")
            if hidden.get("name")
        }
        data.update(fields or {})
        action = urljoin(str(response.url), form.get("action") or str(response.url))
        return self.request(
            "POST", action, data=data, expect_redirect=expect_redirect, refuse_errors=refuse_errors
        )

    def sign_in(self, email, password, totp_secret=None):
        """Through the sign-in page, and the code page when the account has an authenticator
        (the code the app shows now; if allauth has just seen it, the next one, which its
        tolerance of one step accepts)."""
        page = self.get(SIGN_IN)
        form = form_of(page, SIGN_IN)
        answer = self.submit(page, form, {"username": email, "password": password}, expect_redirect=True)
        if not answer.is_redirect:
            raise JourneyError(f"{email} was not signed in: the sign-in page answered {answer.status_code}")
        if totp_secret is None:
            return self.get(answer.headers["location"])
        page = self.get(answer.headers["location"])
        totp = pyotp.TOTP(totp_secret)
        for code in (totp.now(), totp.at(time.time() + 30)):
            answer = self.submit(page, form_of(page, CODE_PAGE), {"code": code}, expect_redirect=True)
            if answer.is_redirect:
                return self.get(answer.headers["location"])
            page = answer
        raise JourneyError(f"{email}: two-step sign-in refused both codes")


def _soup(response):
    return BeautifulSoup(response.text, "html.parser")


def form_of(response, action_start):
    """The form on the page whose action starts with `action_start` (or posts to the page itself)."""
    page_path = urlsplit(str(response.url)).path
    for form in _soup(response).select("form"):
        action = urlsplit(urljoin(str(response.url), form.get("action") or page_path)).path
        if action.startswith(action_start) and form.get("method", "get").lower() == "post":
            return form
    raise JourneyError(f"no form posting to {action_start} on {page_path}")


def fill(form, rng):
    """Answers for every question of a form, as a person picks them: one option of each radio
    group, at least one box of each group of checkboxes, an option in each list (lists that
    offer the same options, as in putting steps in order, get one each), text in text boxes."""
    fields = {}
    groups = defaultdict(list)
    for choice in form.select("input[type=radio], input[type=checkbox]"):
        if choice.get("name"):
            groups[(choice["type"], choice["name"])].append(choice.get("value", "on"))
    for (kind, name), values in groups.items():
        if kind == "radio":
            fields[name] = rng.choice(values)
        else:
            fields[name] = rng.sample(values, rng.randint(1, len(values)))
    selects = defaultdict(list)
    for select in form.select("select"):
        values = tuple(o.get("value", "") for o in select.select("option") if o.get("value"))
        if select.get("name") and values:
            selects[values].append(select["name"])
    for values, names in selects.items():
        distinct = len(names) <= len(values)
        picks = rng.sample(values, len(names)) if distinct else rng.choices(values, k=len(names))
        fields.update(zip(names, picks, strict=True))
    for box in form.select("textarea, input[type=text]"):
        if box.get("name"):
            fields[box["name"]] = "Load test"
    buttons = {b.get("value", ""): b["name"] for b in form.select("button[name], input[type=submit][name]")}
    for value in ("next", "summary"):  # a quiz page's way forward: the next page, else the summary
        if value in buttons:
            fields[buttons[value]] = value
            break
    fields.update(right_answers(form))
    return fields


def words(text):
    return " ".join(text.split())


QUIZ_FILES = Path(__file__).resolve().parent.parent / "content_fixtures" / "data" / "quizzes"


@cache
def answer_key():
    """Every shipped quiz question by its text: the learner has read the course (the key is
    the quizzes' data files, so the marks are real passes, and completions and certificates
    follow)."""
    key = {}
    for path in sorted(QUIZ_FILES.glob("*.yaml")):
        for question in yaml.safe_load(path.read_text())["questions"]:
            key[words(question["text"])] = question
    return key


def right_answers(form):
    """The right answer to each question of a quiz page that the key knows (fields by name)."""
    fields = {}
    for question in form.select(".question[data-type]"):
        legend = question.select_one(".question__legend")
        number = legend.select_one(".question__number")
        text = words(legend.get_text(" ").replace(number.get_text(" ") if number else "", "", 1))
        data = answer_key().get(text)
        if data is None or data["type"] != question["data-type"]:
            continue
        fields.update(_right_answer(question, data))
    return fields


def _by_label(question, text):
    for label in question.select("label[for]"):
        if words(label.get_text(" ")) == words(text):
            return question.find(id=label["for"])
    raise LookupError(text)


def _right_answer(question, data):
    kind = data["type"]
    try:
        if kind in ("single_choice", "multiple_response", "spot_indicators", "true_false"):
            if kind == "true_false":
                right = ["True" if data["correct"] else "False"]
            elif kind == "spot_indicators":
                right = [o["text"] for o in data["observations"] if o["indicator"]]
            else:
                right = [o["text"] for o in data["options"] if o["correct"]]
            inputs = [_by_label(question, text) for text in right]
            if inputs[0]["type"] == "radio":
                return {inputs[0]["name"]: inputs[0]["value"]}
            return {inputs[0]["name"]: [i["value"] for i in inputs]}
        if kind == "traffic_light":
            radio = question.select_one(f"input[value='{data['behaviour']['colour']}']")
            return {radio["name"]: radio["value"]}
        if kind == "traffic_light_sort":
            colours = {words(b["text"]): b["colour"] for b in data["behaviours"]}
            fields = {}
            for item in question.select(".sort__item"):
                radio = item.select_one(f"input[value='{colours[words(item.legend.get_text(' '))]}']")
                fields[radio["name"]] = radio["value"]
            return fields
        if kind == "order":
            places = {words(s["text"]): str(n) for n, s in enumerate(data["steps"], 1)}
            return {
                step.select_one("select")["name"]: places[words(step.select_one("label").get_text(" "))]
                for step in question.select("[data-order-step]")
            }
        if kind == "matching":
            wanted = {words(p["term"]): words(p["definition"]) for p in data["pairs"]}
            fields = {}
            for match in question.select(".match"):
                select = match.select_one("select")
                definition = wanted[words(match.select_one("label").get_text(" "))]
                option = next(o for o in select.select("option") if words(o.get_text(" ")) == definition)
                fields[select["name"]] = option["value"]
            return fields
    except (LookupError, StopIteration, TypeError):
        pass  # a question the page shows differently from the key: the random answer stands
    return {}


def _step_form(response):
    """The form a learner fills next on this page, if any: the first in the page's main part
    that posts somewhere other than signing out."""
    main = _soup(response).find("main")
    for form in main.select("form") if main else []:
        if form.get("method", "get").lower() == "post" and "sign-out" not in (form.get("action") or ""):
            return form
    return None


def learner(base_url, accounts, queue, results, deadline, seed):
    """Sign in as the next learner and take the core course until it is done or time is up."""
    rng = random.Random(seed)
    while time.monotonic() < deadline:
        with queue["lock"]:
            if not queue["emails"]:
                return
            email = queue["emails"].pop()
        visitor = Visitor(base_url, results, kind_of_learner_request)
        try:
            page = visitor.sign_in(email, accounts.password)
            if urlsplit(str(page.url)).path != MY_LEARNING:
                raise JourneyError(f"landed on {page.url} after signing in, not My learning")
            start = _soup(page).select_one("main form[action*='/start/']")
            if start is None:
                raise JourneyError("My learning offers no course to start")
            page = visitor.submit(page, start)
            with results.lock:
                results.journeys_started.append(email)
            continue_url = None
            for _ in range(STEPS_PER_JOURNEY):
                if time.monotonic() >= deadline:
                    break
                path = urlsplit(str(page.url)).path
                match = re.match(r"^/my/learning/(\d+)/", path)
                if match:
                    continue_url = f"/my/learning/{match[1]}/continue/"
                if path == MY_LEARNING:  # the last survey completes the course and lands here
                    with results.lock:
                        results.journeys_completed += 1
                    break
                form = _step_form(page)
                if form is not None:
                    page = visitor.submit(page, form, fill(form, rng))
                elif continue_url is not None:
                    page = visitor.get(continue_url)
                else:
                    raise JourneyError(f"stuck on {path}")
        except RequestFailed:
            pass
        except JourneyError as error:
            results.fail("learner course", f"{email}: {error}")
        finally:
            visitor.close()


def reader(base_url, results, deadline, seed):
    """An anonymous reader: the toolkit's contents, then chapter after chapter."""
    rng = random.Random(seed)
    visitor = Visitor(base_url, results, lambda url: "anonymous chapter")
    try:
        index = visitor.get(TOOLKIT)
        chapters = sorted(
            {urlsplit(a["href"]).path for a in _soup(index).select("main a[href^='/toolkit/']")} - {TOOLKIT}
        )
        if not chapters:
            raise JourneyError("the toolkit lists no chapters")
        while time.monotonic() < deadline:
            visitor.get(rng.choice(chapters))
    except RequestFailed:
        pass
    except JourneyError as error:
        results.fail("anonymous chapter", str(error))
    finally:
        visitor.close()


def lead(base_url, accounts, results, deadline):
    """The agency lead: her report, then each of its downloads (Excel and CSV), again and again."""
    visitor = Visitor(base_url, results, kind_of_lead_request)
    try:
        visitor.sign_in(accounts.lead, accounts.password, accounts.totp_secret)
        while time.monotonic() < deadline:
            page = visitor.get(REPORTS)
            downloads = [a["href"] for a in _soup(page).select("main a[href*='export=']")]
            if not downloads:
                raise JourneyError("the lead's report offers no downloads")
            for href in downloads:
                answer = visitor.get(urljoin(REPORTS, href))
                if not answer.content:
                    results.fail("lead export", f"{href}: an empty download")
    except RequestFailed:
        pass
    except JourneyError as error:
        results.fail("lead export", str(error))
    finally:
        visitor.close()


def manager(base_url, accounts, results, deadline):
    """The partnership manager: every report for all agencies, in turn."""
    visitor = Visitor(base_url, results, kind_of_manager_request)
    try:
        visitor.sign_in(accounts.manager, accounts.password, accounts.totp_secret)
        while time.monotonic() < deadline:
            for path in MANAGER_REPORTS:
                visitor.get(path)
    except RequestFailed:
        pass
    except JourneyError as error:
        results.fail("manager report", str(error))
    finally:
        visitor.close()


def run(base_url, accounts, seconds, learners=4, readers=2):
    """Run every kind of visitor at once against `base_url` for `seconds`; return the Results."""
    results = Results()
    queue = {"emails": list(reversed(accounts.learners)), "lock": threading.Lock()}
    started = time.monotonic()
    deadline = started + seconds
    threads = [
        threading.Thread(target=learner, args=(base_url, accounts, queue, results, deadline, n))
        for n in range(learners)
    ]
    threads += [
        threading.Thread(target=reader, args=(base_url, results, deadline, n)) for n in range(readers)
    ]
    threads.append(threading.Thread(target=lead, args=(base_url, accounts, results, deadline)))
    threads.append(threading.Thread(target=manager, args=(base_url, accounts, results, deadline)))
    for thread in threads:
        thread.daemon = True  # on Ctrl-C the stack stops at once; nobody waits for the deadline
        thread.start()
    for thread in threads:
        thread.join()
    results.seconds = time.monotonic() - started
    return results


def report(results, write=print):
    """The figures per kind: requests, requests per second, errors and the 95th percentile."""
    write(f"Load test: {results.seconds:.1f} s, {results.journeys_completed} courses completed")
    write(f"{'kind':<20}{'requests':>10}{'per s':>8}{'errors':>8}{'p95 ms':>9}")
    for kind in KINDS:
        figures = results.by_kind.get(kind, Figures())
        p95 = figures.p95()
        write(
            f"{kind:<20}{len(figures.latencies):>10}{len(figures.latencies) / results.seconds:>8.1f}"
            f"{figures.errors:>8}{(f'{p95 * 1000:.0f}' if p95 is not None else '-'):>9}"
        )
    total = sum(len(f.latencies) for f in results.by_kind.values())
    write(f"{'all':<20}{total:>10}{total / results.seconds:>8.1f}{results.errors:>8}")
    for kind, figures in results.by_kind.items():
        for error in figures.first_errors:
            write(f"  error ({kind}): {error}")
