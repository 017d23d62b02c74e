"""`manage.py backup` / `restore`: the round trip a bureau relies on, and the backups it must refuse.

Each test runs the commands as an operator would, in subprocesses against database files (SQLite) or databases
(PostgreSQL) of their own, with a media directory of their own."""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from conftest import require_service, uses_postgresql
from core.backup import BackupError, backup_prune

ROOT = Path(settings.BASE_DIR)


def manage(*args, database_url: str, media: Path) -> subprocess.CompletedProcess:
    """The command as an operator runs it: tasks in-process (no broker), this database and media directory."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "REDIS_"))}
    env.update(DATABASE_URL=database_url, DJANGO_MEDIA_ROOT=str(media))
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def progress_less_as_of(database_url: str, media: Path) -> dict:
    report = json.loads(ok(manage("progress_report", "--json", database_url=database_url, media=media)))
    report.pop("as_of")
    return report


def checksums(media: Path) -> dict[str, str]:
    return {
        str(path.relative_to(media)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in media.rglob("*")
        if path.is_file()
    }


def sqlite_tables(path: Path) -> list[str]:
    if not path.exists():
        return []
    with sqlite3.connect(path) as db:
        return [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]


@pytest.fixture(scope="module")
def sqlite_backup(tmp_path_factory):
    """Demo data (with its evidence files) in a SQLite file, and one backup of it."""
    if uses_postgresql():
        pytest.skip("the SQLite pass of the suite runs these; the PostgreSQL pass runs the test below")
    work = tmp_path_factory.mktemp("backup")
    url, media = f"sqlite:///{work / 'source.sqlite3'}", work / "source-media"
    ok(manage("migrate", "--noinput", "-v0", database_url=url, media=media))
    ok(manage("load_demo", database_url=url, media=media))
    ok(manage("backup", str(work / "backups"), database_url=url, media=media))
    (backup,) = (work / "backups").iterdir()
    return {"url": url, "media": media, "backup": backup, "work": work}


def test_sqlite_round_trip_restores_the_same_progress_and_files(sqlite_backup, tmp_path):
    url, media = f"sqlite:///{tmp_path / 'restored.sqlite3'}", tmp_path / "media"
    out = ok(manage("restore", str(sqlite_backup["backup"]), database_url=url, media=media))
    assert "还原完成" in out
    assert "不一致" not in out
    manifest = json.loads((sqlite_backup["backup"] / "manifest.json").read_text())
    # each table is one line: its name, its rows in the manifest, its rows after the restore
    evidence_line = next(line for line in out.splitlines() if line.startswith("subsidies_applicationevidence "))
    assert evidence_line.split()[1:] == [f"{manifest['row_counts']['subsidies_applicationevidence']:,}"] * 2
    assert progress_less_as_of(url, media) == progress_less_as_of(sqlite_backup["url"], sqlite_backup["media"])
    assert checksums(media) == checksums(sqlite_backup["media"])
    assert len(checksums(media)) > 1, "the demo data has evidence files"
    assert {entry["name"] for entry in manifest["files"]} == set(checksums(media))


def test_restore_refuses_a_database_with_data_unless_forced(sqlite_backup, tmp_path):
    target = tmp_path / "restored.sqlite3"
    url, media = f"sqlite:///{target}", tmp_path / "media"
    ok(manage("migrate", "--noinput", "-v0", database_url=url, media=media))
    refused = manage("restore", str(sqlite_backup["backup"]), database_url=url, media=media)
    assert refused.returncode == 1
    assert "目标数据库不是空的" in refused.stderr and "--force" in refused.stderr
    assert not media.exists()
    out = ok(manage("restore", str(sqlite_backup["backup"]), "--force", database_url=url, media=media))
    assert "还原完成" in out


def corrupted_copy(sqlite_backup, tmp_path) -> Path:
    copy = tmp_path / "copy"
    shutil.copytree(sqlite_backup["backup"], copy)
    return copy


def refused_before_writing(backup: Path, tmp_path: Path) -> str:
    target, media = tmp_path / "restored.sqlite3", tmp_path / "media"
    result = manage("restore", str(backup), database_url=f"sqlite:///{target}", media=media)
    assert result.returncode == 1, result.stdout
    assert sqlite_tables(target) == []
    assert not media.exists()
    return result.stderr


def test_a_corrupted_manifest_is_refused_before_anything_is_written(sqlite_backup, tmp_path):
    backup = corrupted_copy(sqlite_backup, tmp_path)
    manifest = backup / "manifest.json"
    manifest.write_text(manifest.read_text()[:-40])
    assert "manifest.json 已损坏" in refused_before_writing(backup, tmp_path)


def test_a_corrupted_dump_is_refused_before_anything_is_written(sqlite_backup, tmp_path):
    backup = corrupted_copy(sqlite_backup, tmp_path)
    dump = backup / "database.sqlite3"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 64] = b"\xff" * 64
    dump.write_bytes(bytes(data))
    assert "数据库文件的校验和与 manifest.json 不符" in refused_before_writing(backup, tmp_path)


def test_a_dump_that_matches_a_forged_checksum_is_still_refused(sqlite_backup, tmp_path):
    backup = corrupted_copy(sqlite_backup, tmp_path)
    dump = backup / "database.sqlite3"
    dump.write_bytes(b"not a database" * 1000)
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["database"].update(sha256=hashlib.sha256(dump.read_bytes()).hexdigest(), size=dump.stat().st_size)
    (backup / "manifest.json").write_text(json.dumps(manifest))
    assert "数据库文件无法读取" in refused_before_writing(backup, tmp_path)


def test_a_changed_evidence_file_is_refused(sqlite_backup, tmp_path):
    backup = corrupted_copy(sqlite_backup, tmp_path)
    evidence = next(path for path in (backup / "files").rglob("*") if path.is_file())
    evidence.write_bytes(evidence.read_bytes() + b"x")
    assert "的校验和与 manifest.json 不符" in refused_before_writing(backup, tmp_path)


def test_a_manifest_naming_a_file_outside_the_backup_is_refused(sqlite_backup, tmp_path):
    backup = corrupted_copy(sqlite_backup, tmp_path)
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["files"][0]["name"] = "../../etc/passwd"
    (backup / "manifest.json").write_text(json.dumps(manifest))
    assert "不安全" in refused_before_writing(backup, tmp_path)


def test_backup_refuses_a_database_whose_migrations_are_pending(tmp_path):
    result = manage(
        "backup", str(tmp_path / "backups"), database_url=f"sqlite:///{tmp_path / 'empty.sqlite3'}", media=tmp_path
    )
    assert result.returncode == 1
    assert "迁移尚未执行" in result.stderr
    assert not (tmp_path / "backups").exists()


def fake_backups(target: Path, stamps: list[str]) -> None:
    for stamp in stamps:
        (target / stamp).mkdir(parents=True)
        (target / stamp / "manifest.json").write_text("{}")


def test_prune_keeps_the_newest_of_each_recent_day_and_month(tmp_path):
    fake_backups(
        tmp_path,
        ["20261204-020000", "20261204-010000", "20261203-020000", "20261202-020000", "20261115-020000"]
        + ["20261101-020000", "20261020-020000", "20260920-020000"],
    )
    (tmp_path / "20261204-030000.partial").mkdir()  # unfinished: never a candidate, never deleted
    (tmp_path / "notes").mkdir()
    kept, deleted = backup_prune(target=tmp_path, keep_daily=2, keep_monthly=3)
    assert [entry.name for entry in kept] == [
        "20261204-020000",
        "20261203-020000",
        "20261115-020000",
        "20261020-020000",
    ]
    assert sorted(entry.name for entry in deleted) == [
        "20260920-020000",
        "20261101-020000",
        "20261202-020000",
        "20261204-010000",
    ]
    assert sorted(entry.name for entry in tmp_path.iterdir()) == [
        "20261020-020000",
        "20261115-020000",
        "20261203-020000",
        "20261204-020000",
        "20261204-030000.partial",
        "notes",
    ]


def test_prune_dry_run_deletes_nothing_and_refuses_keeping_no_daily_backup(tmp_path):
    fake_backups(tmp_path, ["20261204-020000", "20261203-020000"])
    kept, deleted = backup_prune(target=tmp_path, keep_daily=1, keep_monthly=0, dry_run=True)
    assert [entry.name for entry in deleted] == ["20261203-020000"]
    assert len(list(tmp_path.iterdir())) == 2
    with pytest.raises(BackupError, match="至少为 1"):
        backup_prune(target=tmp_path, keep_daily=0, keep_monthly=12)


# --- PostgreSQL: the round trip CI runs (REQUIRE_SERVICES=1) ------------------------------------------------


def _pg_admin():
    import psycopg2

    db = settings.DATABASES["default"]
    admin = psycopg2.connect(
        dbname="postgres", user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"]
    )
    admin.autocommit = True
    return admin


def _pg_url(name: str) -> str:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{name}"


@pytest.mark.services
def test_postgresql_round_trip_into_a_fresh_database(transactional_db, settings, tmp_path):
    """Demo data with evidence files → backup → restore into a new database: the same progress, the same files;
    a corrupted dump is refused before the new database is touched. The demo data is loaded and backed up in
    this process (the test database, committed: pg_dump reads it from outside), the restore runs as an operator
    runs it."""
    require_service("PostgreSQL", uses_postgresql(), "set DATABASE_URL=postgres://…")
    from django.core.management import call_command

    src_media, dst_media = tmp_path / "src-media", tmp_path / "dst-media"
    settings.MEDIA_ROOT = src_media
    call_command("load_demo", stdout=io.StringIO())
    call_command("backup", str(tmp_path / "backups"), stdout=io.StringIO())
    (backup,) = (tmp_path / "backups").iterdir()
    assert (backup / "database.dump").read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    out = io.StringIO()
    call_command("progress_report", "--json", stdout=out)
    source_progress = json.loads(out.getvalue())
    source_progress.pop("as_of")

    restored = f"backup_restored_{os.getpid()}"
    admin = _pg_admin()
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored}"')
            cursor.execute(f'CREATE DATABASE "{restored}" TEMPLATE template0')
        broken = tmp_path / "broken"
        shutil.copytree(backup, broken)
        dump = broken / "database.dump"
        dump.write_bytes(dump.read_bytes()[:-100])
        refused = manage("restore", str(broken), database_url=_pg_url(restored), media=dst_media)
        assert refused.returncode == 1
        assert "数据库文件的校验和与 manifest.json 不符" in refused.stderr
        assert not dst_media.exists()

        out = ok(manage("restore", str(backup), database_url=_pg_url(restored), media=dst_media))
        assert "还原完成" in out and "不一致" not in out
        assert progress_less_as_of(_pg_url(restored), dst_media) == source_progress
        assert checksums(dst_media) == checksums(src_media)
        assert len(checksums(dst_media)) > 1, "the demo data has evidence files"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
        admin.close()
