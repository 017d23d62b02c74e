"""deploy/: the systemd units and the nginx site are valid for the tools that load them, and .env.example
names exactly the variables settings.py reads (CI installs nginx and systemd; elsewhere those two skip)."""

import ast
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from conftest import require_service

ROOT = Path(settings.BASE_DIR)
DEPLOY = ROOT / "deploy"


def variables_settings_read() -> set[str]:
    """Every name in os.environ.get("X"), os.environ["X"], os.getenv("X"), env_bool("X"), env_list("X") of
    settings.py, and env.get("X") of storage.py (settings pass it os.environ)."""
    names = set()
    storage = ast.parse((ROOT / "qinzhou_brands" / "storage.py").read_text())
    for node in ast.walk(storage):
        if (
            isinstance(node, ast.Call)
            and ast.unparse(node.func) == "env.get"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.add(node.args[0].value)
    for node in ast.walk(ast.parse((ROOT / "qinzhou_brands" / "settings.py").read_text())):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            function = node.func
            name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
            reads_environ = name in {"env_bool", "env_list", "getenv"} or (
                name == "get" and "environ" in ast.unparse(function)
            )
            if reads_environ and isinstance(node.args[0].value, str):
                names.add(node.args[0].value)
        elif (
            isinstance(node, ast.Subscript)
            and "environ" in ast.unparse(node.value)
            and isinstance(node.slice, ast.Constant)
        ):
            names.add(node.slice.value)
    return names


def variables_env_example_names() -> set[str]:
    pattern = re.compile(r"^#?\s?([A-Z][A-Z0-9_]*)=")
    return {m.group(1) for line in (DEPLOY / ".env.example").read_text().splitlines() if (m := pattern.match(line))}


def test_env_example_names_exactly_the_variables_settings_read():
    read, named = variables_settings_read(), variables_env_example_names()
    assert "DATABASE_URL" in read and "AXES_ENABLED" in read  # the parser finds both ways of reading
    assert sorted(read - named) == [], "read by settings.py, missing from deploy/.env.example"
    assert sorted(named - read) == [], "in deploy/.env.example, never read by settings.py"


def test_systemd_units_verify(tmp_path):
    """systemd-analyze verify, with the units' paths pointed at this checkout (it checks the programs exist)."""
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze is not installed")
    units = sorted((DEPLOY / "systemd").iterdir())
    assert {unit.name for unit in units} >= {"qinzhou-web.service", "qinzhou-worker.service", "qinzhou-beat.service"}
    for unit in units:
        text = unit.read_text().replace("/srv/qinzhou/app/.venv", str(ROOT / ".venv"))
        (tmp_path / unit.name).write_text(text)
    result = subprocess.run(
        ["systemd-analyze", "verify", *(str(tmp_path / unit.name) for unit in units)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    # Unknown keys are only warnings (exit 0): any line it prints about our units is a defect.
    problems = [line for line in (result.stdout + result.stderr).splitlines() if "qinzhou" in line]
    assert result.returncode == 0 and problems == [], result.stdout + result.stderr


@pytest.mark.services
def test_nginx_accepts_the_site(tmp_path):
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    require_service("nginx", bool(nginx), "apt-get install nginx")
    openssl = subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test"]
        + ["-keyout", str(tmp_path / "privkey.pem"), "-out", str(tmp_path / "fullchain.pem")],
        capture_output=True,
        timeout=60,
    )
    assert openssl.returncode == 0, openssl.stderr
    site = (DEPLOY / "nginx" / "qinzhou.conf").read_text().replace("/etc/ssl/qinzhou/", f"{tmp_path}/")
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log stderr;\nevents {{}}\n"
        f"http {{\n  include /etc/nginx/mime.types;\n  access_log off;\n"
        f"  client_body_temp_path {tmp_path}/body;\n  proxy_temp_path {tmp_path}/proxy;\n"
        f"  include {tmp_path}/site.conf;\n}}\n"
    )
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


def test_nginx_lets_through_the_largest_upload_the_application_accepts():
    site = (DEPLOY / "nginx" / "qinzhou.conf").read_text()
    (limit,) = re.findall(r"client_max_body_size (\d+)m;", site)
    assert int(limit) * 1024 * 1024 >= settings.DATA_UPLOAD_MAX_MEMORY_SIZE > settings.UPLOAD_MAX_BYTES
