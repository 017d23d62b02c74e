"""Fixtures of the browser end-to-end tests.

Debian's chromium (Playwright's own browser download is not used) driven by Playwright's sync API
against pytest-django's `live_server`. Every user gets a browser context of their own, so their own
session cookie, and logs in through the real login form (`login`).

The browser is launched here rather than through pytest-playwright's `browser`/`page` fixtures:
those start Playwright for the whole session, and a started Playwright leaves an asyncio loop
"running" in the test thread, which Django would then see in every later test of the same process
(see `chromium`). Fixture names avoid pytest-playwright's (`browser`, `page`, `context`, …), which it
would parametrise with `browser_name`.

A failed test leaves a full-page screenshot, the HTML and a short log of every page it had open in
e2e/artifacts/ (git-ignored). With E2E_SCREENSHOTS=1 the tests also keep screenshots of a few pages
as they pass, for review."""

import contextlib
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Error, Page, expect, sync_playwright

from conftest import PASSWORD, require_service

CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TIMEOUT_MS = 15_000
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SCREENSHOTS_ON_SUCCESS = os.environ.get("E2E_SCREENSHOTS") == "1"

# Assertions wait (for a page to load, a message to appear) up to the same 15 s as actions.
expect.set_options(timeout=TIMEOUT_MS)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # Before any fixture (the test database takes seconds to create): skip when there is no
    # chromium, or fail with REQUIRE_SERVICES=1, as in CI.
    require_service("Debian's chromium", CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install chromium")


@pytest.fixture(scope="package")
def chromium() -> Iterator[Browser]:
    """Headless Debian chromium for the tests of this package."""
    # Why DJANGO_ALLOW_ASYNC_UNSAFE: Playwright's sync API runs its asyncio event loop in this very
    # thread (in a greenlet) from start to stop, so Django finds a "running event loop" and refuses
    # every ORM call of the test and its fixtures (SynchronousOnlyOperation): creating users, reading
    # what the browser saved, the database flush after the test. Nothing actually runs concurrently:
    # the test thread waits while the browser talks to the live server's own thread. So allow it, for
    # exactly as long as Playwright runs: the rest of the suite keeps Django's guard.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _file_stem(text: str) -> str:
    return re.sub(r"[^\w.-]+", "_", text).strip("_") or "test"


@dataclass
class Sessions:
    """The browser pages of one test, one context (cookie jar) each, with what they logged."""

    browser: Browser
    base_url: str
    test_name: str
    pages: dict[str, Page] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    broken_assets: list[str] = field(default_factory=list)
    current_step: str = ""
    shots: int = 0
    started: float = field(default_factory=time.monotonic)

    def new_page(self, label: str) -> Page:
        """A fresh browser context (no cookies) with one page, known as `label` in the artifacts."""
        if label in self.pages:
            raise ValueError(f"a page called {label!r} is already open")
        context = self.browser.new_context(
            base_url=self.base_url,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            viewport={"width": 1366, "height": 900},
            accept_downloads=True,
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        page = context.new_page()

        def on_console(message) -> None:
            if message.type in ("error", "warning"):
                where = message.location.get("url") or page.url
                self.log.append(f"[{label}] console {message.type}: {message.text} ({where})")
            if "Content Security Policy" in message.text:
                self.csp_violations.append(f"[{label}] {page.url}: {message.text}")

        def on_page_error(error) -> None:
            self.page_errors.append(f"[{label}] {error}")
            self.log.append(f"[{label}] page error: {error}")

        def on_response(response) -> None:
            if response.status >= 400 and "/static/" in response.url:
                self.broken_assets.append(f"{response.status} {response.url}")

        page.on("console", on_console)
        page.on("pageerror", on_page_error)
        page.on("response", on_response)
        self.pages[label] = page
        return page

    def assert_pages_healthy(self) -> None:
        """Every page had its CSS and JavaScript, no script was refused by the Content-Security-Policy
        (an inline script left in a template), and no script failed."""
        self.step("pages healthy: static files, Content-Security-Policy, JavaScript errors")
        for problems, what in (
            (self.broken_assets, "static files that did not load"),
            (self.csp_violations, "refused by the Content-Security-Policy"),
            (self.page_errors, "JavaScript errors"),
        ):
            assert not problems, f"{what}:\n" + "\n".join(problems)

    def step(self, name: str) -> None:
        """Name the step the test is at: a failure report says which one failed."""
        self.current_step = name
        self.log.append(f"{time.monotonic() - self.started:6.1f}s step: {name}")

    def snapshot(self, page: Page, what: str) -> None:
        """A full-page screenshot for review, only with E2E_SCREENSHOTS=1."""
        if not SCREENSHOTS_ON_SUCCESS:
            return
        self.shots += 1
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"{self.test_name}.ok-{self.shots:02d}-{_file_stem(what)}.png", full_page=True)

    def save_artifacts(self) -> list[Path]:
        """Screenshot, HTML and log of every open page: `<test>.png` (`<test>.<user>.png` for several pages)."""
        ARTIFACTS.mkdir(exist_ok=True)
        saved = []
        several = len(self.pages) > 1
        for label, page in self.pages.items():
            stem = f"{self.test_name}.{_file_stem(label)}" if several else self.test_name
            try:
                if page.is_closed():
                    continue
                page.screenshot(path=ARTIFACTS / f"{stem}.png", full_page=True, timeout=5_000)
                saved.append(ARTIFACTS / f"{stem}.png")
                (ARTIFACTS / f"{stem}.html").write_text(page.content(), encoding="utf-8")
                saved.append(ARTIFACTS / f"{stem}.html")
            except Error as problem:  # the browser may be what failed: keep what can be kept
                self.log.append(f"[{label}] no screenshot: {problem}")
        log = [f"failed at step: {self.current_step or '(before the first step)'}"]
        log += [f"[{label}] last URL: {page.url}" for label, page in self.pages.items()]
        log += self.log
        (ARTIFACTS / f"{self.test_name}.log").write_text("\n".join(log) + "\n", encoding="utf-8")
        saved.append(ARTIFACTS / f"{self.test_name}.log")
        return saved


SESSIONS = pytest.StashKey[Sessions]()


@pytest.fixture
def sessions(chromium, live_server, request) -> Iterator[Sessions]:
    sessions = Sessions(browser=chromium, base_url=live_server.url, test_name=_file_stem(request.node.name))
    for stale in ARTIFACTS.glob(f"{sessions.test_name}.*"):  # an earlier run's, not to be mistaken for this one's
        stale.unlink()
    request.node.stash[SESSIONS] = sessions
    yield sessions
    for page in sessions.pages.values():
        with contextlib.suppress(Error):  # a browser that crashed has nothing left to close
            page.context.close()


def login(page: Page, user, password: str = PASSWORD) -> Page:
    """Log `user` in through the login form, as a person would, and wait for the home page."""
    page.goto(reverse("login"))
    page.get_by_label("用户名").fill(user.get_username())
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: reverse("login") not in url)
    expect(page.locator("nav.navbar")).to_contain_text(user.get_username())
    return page


@pytest.fixture
def open_as(sessions) -> Callable[..., Page]:
    """`open_as(user)`: a new browser context in which `user` has logged in through the form."""

    def open_page(user, label: str | None = None) -> Page:
        return login(sessions.new_page(label or user.get_username()), user)

    return open_page


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failure, keep a screenshot and the HTML of every page the test had open (e2e/artifacts/)."""
    outcome = yield
    report = outcome.get_result()
    if report.when not in ("setup", "call") or not report.failed:
        return
    sessions = item.stash.get(SESSIONS, None)
    if sessions is None or not sessions.pages:
        return
    try:
        saved = sessions.save_artifacts()
    except Exception as problem:  # never let the artifacts hide the failure they are about
        report.sections.append(("e2e artifacts", f"not saved: {problem!r}"))
    else:
        report.sections.append(("e2e artifacts", "\n".join(os.path.relpath(path) for path in saved)))
