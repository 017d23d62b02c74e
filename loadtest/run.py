"""The load test: a throwaway database with the demo data, gunicorn with production settings, three targets.

PostgreSQL when DATABASE_URL names it (`make loadtest` starts a throwaway server with bin/with-services):
the test creates its own database `<name>_loadtest` there and drops it afterwards, never touching
`<name>`, as the benchmarks do. Otherwise a SQLite file in a temporary directory."""

import argparse
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from loadtest.client import LoadTestError, Result, Target, alone, check, drive, get, log_in

PROJECT_ROOT = Path(__file__).resolve().parent.parent
POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql"}
VIEWER = "city_viewer"  # 市领导（查看）: every area, read-only; the demo data creates it
TOKEN = re.compile(r"\b[0-9a-f]{40}\b")


def say(message: str = "") -> None:
    print(message, flush=True)


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m loadtest", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="measured seconds per target (default 20)")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds before each target (default 3)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument(
        "--scale",
        type=int,
        default=20_000,
        help="enrolments of scale demo data (load_demo --scale) on top of the demo data; 0 for none (default 20000)",
    )
    parser.add_argument(
        "--api-path",
        default=os.environ.get("LOADTEST_API_PATH", "/api/v1/batches/"),
        help="the API list to request with the viewer's token (default /api/v1/batches/, or LOADTEST_API_PATH)",
    )
    parser.add_argument(
        "--targets",
        default="dashboard,batches,api",
        help="comma-separated subset of dashboard, batches, api (default: all three)",
    )
    return parser.parse_args(argv)


# --- the database ------------------------------------------------------------------------------------


@contextmanager
def throwaway_database(directory: Path):
    """Yields the DATABASE_URL of a fresh, empty database; removes it afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    if parts.scheme not in POSTGRES_SCHEMES:
        if url:
            say(f"DATABASE_URL is not PostgreSQL ({parts.scheme}:): the load test uses a SQLite file of its own.")
        yield f"sqlite:///{directory / 'loadtest.sqlite3'}"
        return
    import psycopg2
    from psycopg2 import sql

    name = f"{parts.path.lstrip('/') or 'postgres'}_loadtest"
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    server = psycopg2.connect(url)
    server.autocommit = True
    try:
        with server.cursor() as cursor:
            cursor.execute(drop)
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        yield urlunsplit(parts._replace(path="/" + name))
    finally:
        with server.cursor() as cursor:
            cursor.execute(drop)
        server.close()


def production_environment(database_url: str) -> dict[str, str]:
    """What a production deployment sets (DESIGN.md, README "Production"), with a throwaway secret key."""
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "qinzhou_brands.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    environment.pop("DJANGO_SECURE", None)  # HTTPS-only settings on: requests come as from the TLS proxy
    return environment


def manage(environment: dict[str, str], *arguments: str) -> str:
    """Run a management command; its output, or LoadTestError with it when it fails."""
    done = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise LoadTestError(f"manage.py {' '.join(arguments)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def prepare(environment: dict[str, str], *, scale: int, password: str) -> str:
    """Migrate, load the demo data (and scale data), collect static files; returns the viewer's API token."""
    started = time.perf_counter()
    manage(environment, "migrate", "--noinput")
    say(f"  migrated ({time.perf_counter() - started:.0f} s)")
    started = time.perf_counter()
    manage(environment, "load_demo", "--password", password)
    if scale:
        if "--scale" in manage(environment, "load_demo", "--help"):
            manage(environment, "load_demo", "--password", password, "--scale", str(scale))
        else:
            say("  load_demo has no --scale option: demo data only")
            scale = 0
    say(
        f"  demo data{f' and {scale:,} scale enrolments' if scale else ''} loaded ({time.perf_counter() - started:.0f} s)"
    )
    # whitenoise's manifest storage (DEBUG off) needs the collected, hashed files before a page renders.
    manage(environment, "collectstatic", "--noinput", "-v", "0")
    found = TOKEN.search(manage(environment, "drf_create_token", VIEWER))
    if found is None:
        raise LoadTestError(f"drf_create_token {VIEWER} printed no token")
    return found.group(0)


# --- gunicorn ----------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(environment: dict[str, str], *, workers: int, directory: Path):
    """gunicorn on a free loopback port, in its own process group; stopped gracefully (TERM, then KILL)."""
    port = free_port()
    log = directory / "gunicorn.log"
    output = log.open("wb")
    command = [sys.executable, "-m", "gunicorn", "qinzhou_brands.wsgi", "--workers", str(workers)]
    command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--graceful-timeout", "10"]
    process = subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=output,  # gunicorn's and Django's warnings and errors (tracebacks of any 500)
        stderr=subprocess.STDOUT,
        start_new_session=True,  # Ctrl+C reaches this script, which stops gunicorn itself
    )
    try:
        _wait_until_ready(process, port, log)
        yield port
    finally:
        _stop(process)
        output.close()
        if errors := log.read_text(errors="replace").strip():
            say(f"\ngunicorn's log (warnings and errors):\n{errors[-4000:]}")


def _wait_until_ready(process: subprocess.Popen, port: int, log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise LoadTestError(f"gunicorn exited with status {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            # 503 too: /healthz also reports the Celery worker, and none runs under the load test.
            if get(port, "/healthz")[0] in (200, 503):
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise LoadTestError(f"gunicorn did not answer /healthz within {timeout:.0f} s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.terminate()  # the arbiter: graceful shutdown of its workers
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # its own process group: the arbiter and its workers only
        process.wait()


# --- the run -----------------------------------------------------------------------------------------


def targets(selected: str, *, sessions: list[str], token: str, api_path: str) -> list[Target]:
    """The pages are requested by as many signed-in sessions as there are clients (each request saves its
    session: SESSION_SAVE_EVERY_REQUEST); the API by the viewer's token."""
    pages = tuple({"Cookie": session} for session in sessions)
    available = {
        "dashboard": Target("dashboard", "/dashboard/", pages, "</html>"),
        "batches": Target("batch list", "/training/batches/", pages, "</html>"),
        "api": Target("API batch list", api_path, ({"Authorization": f"Token {token}"},), '"results"'),
    }
    names = [name.strip() for name in selected.split(",") if name.strip()]
    if unknown := sorted(set(names) - set(available)):
        raise LoadTestError(f"unknown targets {unknown}: choose among {', '.join(available)}")
    return [available[name] for name in names]


def print_results(results: list[Result]) -> None:
    say()
    heading = (
        f"{'target':<16} {'path':<22} {'requests':>9} {'errors':>7} {'req/s':>8} {'median ms':>10} {'p95 ms':>8}"
        f" {'alone ms':>9}"
    )
    say(heading)
    say("-" * len(heading))
    for result in results:
        say(
            f"{result.target.name:<16} {result.target.path:<22} {result.requests:>9,} {result.errors:>7,} "
            f"{result.rate:>8.1f} {result.percentile_ms(50):>10.0f} {result.percentile_ms(95):>8.0f}"
            f" {result.alone_ms:>9.0f}"
        )
    say("(alone ms: median of 10 requests made one at a time before the load, the page's own time)")
    for result in results:
        if result.failures:
            failures = ", ".join(f"{what} × {count}" for what, count in result.failures.most_common())
            say(f"FAILED {result.target.path}: {failures}")


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    # TERM (a CI timeout, bin/with-services passing on Ctrl+C) unwinds like Ctrl+C, so gunicorn is stopped.
    signal.signal(signal.SIGTERM, _interrupt)
    password = secrets.token_urlsafe(16)
    try:
        with ExitStack() as stack:
            directory = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="loadtest-")))
            database_url = stack.enter_context(throwaway_database(directory))
            environment = production_environment(database_url)
            engine = "PostgreSQL" if urlsplit(database_url).scheme in POSTGRES_SCHEMES else "SQLite"
            say(f"load test: {engine} database {urlsplit(database_url).path.lstrip('/')}")
            token = prepare(environment, scale=arguments.scale, password=password)
            port = stack.enter_context(gunicorn(environment, workers=arguments.workers, directory=directory))
            say(
                f"  gunicorn: {arguments.workers} workers on 127.0.0.1:{port}, DJANGO_DEBUG=0"
                + (", Redis cache" if environment.get("REDIS_URL") else ", local-memory cache")
            )
            sessions = [log_in(port, VIEWER, password) for _ in range(arguments.clients)]
            chosen = targets(arguments.targets, sessions=sessions, token=token, api_path=arguments.api_path)
            for target in chosen:
                check(port, target)
            say(
                f"  {arguments.clients} clients with keep-alive connections, {arguments.seconds:.0f} s per target "
                f"after {arguments.warmup:.0f} s of warm-up, as {VIEWER}"
            )
            results = []
            for target in chosen:
                drive(port, target, clients=arguments.clients, seconds=arguments.warmup)
                baseline = alone(port, target)
                result = drive(port, target, clients=arguments.clients, seconds=arguments.seconds)
                result.alone_ms = baseline
                results.append(result)
                say(f"  {target.path}: done")
    except LoadTestError as problem:
        say(f"\nloadtest: {problem}")
        return 2
    except KeyboardInterrupt:
        say("\nloadtest: interrupted; gunicorn stopped and the database removed")
        return 130
    print_results(results)
    failed = sum(result.errors for result in results)
    say(f"\n{'FAIL' if failed else 'PASS'}: {failed:,} failed requests of {sum(r.requests for r in results):,}")
    return 1 if failed else 0
