"""The load generator: threads, each with its own keep-alive `http.client` connection, standard library only.

Requests carry `X-Forwarded-Proto: https`, as the TLS-terminating proxy in front of gunicorn sends it, so
that the production settings (SSL redirect, secure cookies, CSRF origin checks) are exercised as they are
in production rather than switched off."""

import http.client
import re
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
TIMEOUT_SECONDS = 60
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class LoadTestError(RuntimeError):
    """The load test cannot go on; the message says why."""


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    users: tuple[dict, ...]  # request headers of each signed-in user (Cookie or Authorization); client i is user i
    expect: str  # a piece of the body that shows the page or list really came back (not a login page)


@dataclass
class Result:
    target: Target
    seconds: float
    alone_ms: float = float("nan")  # median of requests made one at a time, before the load
    latencies: list[float] = field(default_factory=list)  # seconds, of the requests answered 200
    failures: Counter = field(default_factory=Counter)  # "status 500", "ConnectionResetError" … → count

    @property
    def requests(self) -> int:
        return len(self.latencies) + self.errors

    @property
    def errors(self) -> int:
        return sum(self.failures.values())

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile_ms(self, percent: int) -> float:
        if not self.latencies:
            return float("nan")
        if len(self.latencies) == 1:
            return self.latencies[0] * 1000
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[percent - 1] * 1000


def get(port: int, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """One request on a fresh connection: (status, headers, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_SECONDS)
    try:
        connection.request("GET", path, headers={**PROXY_HEADERS, **(headers or {})})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def _cookies(headers) -> dict[str, str]:
    jar = SimpleCookie()
    for value in headers.get_all("Set-Cookie") or []:
        jar.load(value)
    return {name: morsel.value for name, morsel in jar.items()}


def log_in(port: int, username: str, password: str) -> str:
    """Sign in through the login form as a browser does (CSRF cookie and token, Origin); returns the
    Cookie header of the session."""
    status, headers, body = get(port, "/accounts/login/")
    token = CSRF_FIELD.search(body.decode("utf-8", "replace"))
    cookies = _cookies(headers)
    if status != 200 or token is None or "csrftoken" not in cookies:
        raise LoadTestError(f"the login page answered {status} without a CSRF token")
    origin = f"https://127.0.0.1:{port}"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_SECONDS)
    try:
        connection.request(
            "POST",
            "/accounts/login/",
            body=urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)}),
            headers={
                **PROXY_HEADERS,
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={cookies['csrftoken']}",
                "Origin": origin,
                "Referer": f"{origin}/accounts/login/",
            },
        )
        response = connection.getresponse()
        response.read()
        session = _cookies(response.headers).get("sessionid")
    finally:
        connection.close()
    if response.status != 302 or not session:
        raise LoadTestError(f"signing in as {username} failed (answer {response.status}, no session cookie)")
    return f"sessionid={session}; csrftoken={cookies['csrftoken']}"


def check(port: int, target: Target) -> None:
    """One request before the load: the target answers 200 with what it should show."""
    status, _headers, body = get(port, target.path, target.users[0])
    if status != 200:
        raise LoadTestError(f"{target.name} ({target.path}) answered {status} before the load started")
    if target.expect not in body.decode("utf-8", "replace"):
        raise LoadTestError(f"{target.name} ({target.path}) answered 200 without {target.expect!r}")


def alone(port: int, target: Target, *, requests: int = 10) -> float:
    """Median milliseconds of `requests` requests one after the other: the page's own time, without queueing."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_SECONDS)
    times = []
    try:
        for _ in range(requests):
            started = time.perf_counter()
            connection.request("GET", target.path, headers={**PROXY_HEADERS, **target.users[0]})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise LoadTestError(f"{target.name} ({target.path}) answered {response.status}")
            times.append(time.perf_counter() - started)
    finally:
        connection.close()
    return statistics.median(times) * 1000


def drive(port: int, target: Target, *, clients: int, seconds: float) -> Result:
    """`clients` threads request the target back to back for `seconds`, each on its own keep-alive connection."""
    result = Result(target=target, seconds=seconds)
    lock = threading.Lock()
    start_line = threading.Barrier(clients + 1)
    deadline = 0.0

    def client(number: int) -> None:
        headers = {**PROXY_HEADERS, **target.users[number % len(target.users)]}
        latencies: list[float] = []
        failures: Counter = Counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_SECONDS)
        start_line.wait()
        try:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                try:
                    connection.request("GET", target.path, headers=headers)
                    response = connection.getresponse()
                    response.read()
                except (OSError, http.client.HTTPException) as problem:
                    failures[type(problem).__name__] += 1
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_SECONDS)
                    continue
                if response.status == 200:
                    latencies.append(time.perf_counter() - started)
                else:
                    failures[f"status {response.status}"] += 1
                if response.will_close:
                    connection.close()
        finally:
            connection.close()
            with lock:
                result.latencies.extend(latencies)
                result.failures.update(failures)

    threads = [
        threading.Thread(target=client, args=(number,), name=f"client-{number}", daemon=True)
        for number in range(clients)
    ]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline = began + seconds
    start_line.wait()
    for thread in threads:
        thread.join()
    # Requests under way at the deadline finish after it: the rate is over the time they all took.
    result.seconds = time.perf_counter() - began
    return result
