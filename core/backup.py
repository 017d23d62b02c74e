"""Backups of the database and the uploaded files, their restore and their retention.

A backup is one directory `DIR/<YYYYmmdd-HHMMSS>/`:

    database.dump | database.sqlite3   pg_dump --format=custom, or a copy by SQLite's online-backup API
    files/<name>                       every file a FileField names, read through that field's storage
    manifest.json                      app version, migration state, row counts per table, checksums

Everything in the manifest is read from the same snapshot as the dump (PostgreSQL: an exported snapshot that
pg_dump shares; SQLite: the copy itself), so its counts and file list describe exactly what the dump holds.
Files are read through Django's storage API, never by walking MEDIA_ROOT, so the same code backs up a local
disk or an object store. A backup is written under `<stamp>.partial` and renamed when complete.

A restore checks the whole backup (manifest, checksums, the dump's table of contents, the migration state)
before it writes anything, then loads the database, puts the files back through the storage, and compares the
row counts with the manifest's.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.db import connection, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
FILES_DIR = "files"
DUMP_NAMES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
STAMP = re.compile(r"^(\d{8})-(\d{6})$")
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message (Chinese) says why and what to do."""


@dataclass
class RestoreResult:
    counts: list[tuple[str, int, int | None]] = field(default_factory=list)  # table, manifest, restored
    files_written: int = 0
    files_unchanged: int = 0
    migrations_to_apply: list[str] = field(default_factory=list)

    @property
    def mismatched(self) -> list[str]:
        return [table for table, expected, restored in self.counts if expected != restored]


# --- shared helpers -----------------------------------------------------------------------------------------


def sha256_of(stream, copy_to=None) -> tuple[str, int]:
    """(hex digest, size) of what `stream` holds, written on to `copy_to` as it is read when given."""
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if copy_to is not None:
            copy_to.write(chunk)
    return digest.hexdigest(), size


def app_version() -> str:
    """The checked-out commit (`git describe`), or "unknown" where the code is not a git checkout."""
    try:
        result = subprocess.run(
            ["git", "describe", "--always", "--dirty", "--tags"],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else "unknown"


def vendor() -> str:
    if connection.vendor not in DUMP_NAMES:
        raise BackupError(f"不支持备份 {connection.vendor} 数据库：仅支持 PostgreSQL 和 SQLite。")
    return connection.vendor


def file_fields() -> list[tuple[str, models.FileField]]:
    """("app_label.Model.field", field) for every concrete FileField of every installed model."""
    return [
        (f"{model._meta.label}.{model_field.name}", model_field)
        for model in apps.get_models()
        for model_field in model._meta.concrete_fields
        if isinstance(model_field, models.FileField)
    ]


def _field_by_label(label: str) -> models.FileField | None:
    return dict(file_fields()).get(label)


def _count_rows(cursor, table: str) -> int:
    cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # names from the schema itself
    return cursor.fetchone()[0]


def _read_snapshot(cursor, tables: list[str]) -> dict:
    """Migration state, row counts and the named files, read through `cursor` (inside the backup's snapshot)."""
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    migrations: dict[str, list[str]] = {}
    for app_label, name in cursor.fetchall():
        migrations.setdefault(app_label, []).append(name)
    counts = {table: _count_rows(cursor, table) for table in sorted(tables)}
    quote = connection.ops.quote_name
    named: dict[str, list[str]] = {}
    for label, model_field in file_fields():
        column, table = quote(model_field.column), quote(model_field.model._meta.db_table)
        cursor.execute(f"SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL AND {column} <> ''")
        for (name,) in cursor.fetchall():
            named.setdefault(name, []).append(label)
    return {"migrations": migrations, "row_counts": counts, "named_files": named}


def migration_problems() -> list[str]:
    """Why the database's schema is not the one this code expects (pending or unknown migrations), in Chinese."""
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    problems = []
    if pending:
        names = "、".join(f"{migration.app_label}.{migration.name}" for migration, _ in pending[:5])
        problems.append(f"有 {len(pending)} 个迁移尚未执行（{names}{' 等' if len(pending) > 5 else ''}）")
    unknown = sorted(set(executor.loader.applied_migrations) - set(executor.loader.graph.nodes))
    unknown = [(app_label, name) for app_label, name in unknown if app_label in executor.loader.migrated_apps]
    if unknown:
        names = "、".join(f"{app_label}.{name}" for app_label, name in unknown[:5])
        problems.append(f"数据库含有本版本代码没有的迁移（{names}），它来自更新的版本")
    return problems


# --- backup -------------------------------------------------------------------------------------------------


def backup_create(*, target: Path, now: datetime.datetime | None = None, log: Callable[[str], None] = print) -> Path:
    """Write one complete backup under `target` and return its directory."""
    kind = vendor()
    problems = migration_problems()
    if problems:
        raise BackupError(
            "数据库结构与代码不一致，无法得到可以还原的备份："
            + "；".join(problems)
            + "。请先执行 migrate 或部署对应版本的代码。"
        )
    if connection.in_atomic_block:
        raise BackupError("备份不能在事务中运行。")
    stamp = timezone.localtime(now or timezone.now()).strftime("%Y%m%d-%H%M%S")
    target.mkdir(parents=True, exist_ok=True)
    final, partial = target / stamp, target / f"{stamp}.partial"
    if final.exists() or partial.exists():
        raise BackupError(f"{final} 已存在：同一秒内只能做一次备份，请稍后再试。")
    partial.mkdir(mode=0o700)  # personal data: readable by the backup's owner only
    try:
        dump = partial / DUMP_NAMES[kind]
        snapshot = _dump_postgresql(dump) if kind == "postgresql" else _dump_sqlite(dump)
        with dump.open("rb") as stream:
            dump_sha, dump_size = sha256_of(stream)
        files, missing = _copy_files(snapshot.pop("named_files"), partial / FILES_DIR)
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "app_version": app_version(),
            "django_version": django.get_version(),
            "database": {"vendor": kind, "file": dump.name, "sha256": dump_sha, "size": dump_size},
            **snapshot,
            "files": files,
            "missing_files": missing,
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    for name in missing:
        log(f"警告：数据库登记的文件 {name} 在存储中不存在，未能备份。")
    log(
        f"备份已完成：{final}（数据库 {dump_size:,} 字节，{sum(manifest['row_counts'].values()):,} 行，"
        f"文件 {len(files)} 个）"
    )
    return final


def _pg_run(tool: str, *arguments: str, connect: bool = True) -> subprocess.CompletedProcess:
    """Run pg_dump or pg_restore (`tool`, its path); with `connect`, connected to the configured database:
    the password goes in the environment, never on the command line."""
    db = settings.DATABASES["default"]
    options = {"HOST": "--host", "PORT": "--port", "USER": "--username", "NAME": "--dbname"}
    args = [part for key, option in options.items() if connect and db.get(key) for part in (option, str(db[key]))]
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return subprocess.run([tool, *args, *arguments], env=env, capture_output=True, text=True, check=False)


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(f"找不到 {name}：请安装 PostgreSQL 客户端（Debian：apt-get install postgresql-client）。")
    return path


def _dump_postgresql(dump: Path) -> dict:
    """pg_dump sharing a repeatable-read snapshot with the counts and file list read here."""
    pg_dump = _pg_tool("pg_dump")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot_id = cursor.fetchone()[0]
        options = ("--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot_id}")
        result = _pg_run(pg_dump, *options, f"--file={dump}")
        if result.returncode != 0:
            raise BackupError(f"pg_dump 失败，数据库无法完整读取：{result.stderr.strip()[-800:]}")
        tables = connection.introspection.table_names(cursor)
        return _read_snapshot(cursor, tables)


def _dump_sqlite(dump: Path) -> dict:
    name = str(settings.DATABASES["default"]["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError("内存中的 SQLite 数据库无法备份。")
    connection.ensure_connection()
    with closing(sqlite3.connect(dump)) as target:
        connection.connection.backup(target)  # the online-backup API: a consistent copy while others write
        cursor = target.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        tables = [row[0] for row in cursor.fetchall()]
        return _read_snapshot(cursor, tables)


def _copy_files(named: dict[str, list[str]], into: Path) -> tuple[list[dict], list[str]]:
    files, missing = [], []
    for name in sorted(named):
        labels = sorted(set(named[name]))
        storage = _field_by_label(labels[0]).storage
        destination = into / _safe_relative(name)
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            source = storage.open(name, "rb")
        except FileNotFoundError:
            missing.append(name)
            continue
        with source, destination.open("wb") as out:
            digest, size = sha256_of(source, copy_to=out)
        files.append({"name": name, "fields": labels, "sha256": digest, "size": size})
    return files, missing


def _safe_relative(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if not name or path.is_absolute() or any(part in {"", ".", ".."} for part in path.parts) or "\\" in name:
        raise BackupError(f"文件名“{name}”不安全（绝对路径或含 ..），拒绝处理。")
    return path


# --- restore ------------------------------------------------------------------------------------------------


def backup_verify(path: Path) -> dict:
    """The manifest of the backup at `path`, after checking every checksum and the dump itself; BackupError if not."""
    if not path.is_dir():
        raise BackupError(f"{path} 不是备份目录。")
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{path} 中没有 {MANIFEST}：这不是完整的备份（未完成的备份目录以 .partial 结尾）。") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(f"{MANIFEST} 已损坏，无法解析（{error}），拒绝还原。") from None
    try:
        if manifest["format"] != FORMAT:
            raise BackupError(f"备份格式 {manifest['format']} 不受本版本支持（支持 {FORMAT}）。")
        database = manifest["database"]
        dump = path / _safe_relative(database["file"])
        expected = [(dump, database["sha256"], database["size"], "数据库文件")] + [
            (path / FILES_DIR / _safe_relative(entry["name"]), entry["sha256"], entry["size"], entry["name"])
            for entry in manifest["files"]
        ]
        if not isinstance(manifest["migrations"], dict) or not isinstance(manifest["row_counts"], dict):
            raise TypeError("migrations / row_counts")
    except (KeyError, TypeError) as error:
        raise BackupError(f"{MANIFEST} 不完整（缺少 {error}），拒绝还原。") from None
    for file_path, sha, size, label in expected:
        try:
            with file_path.open("rb") as stream:
                actual_sha, actual_size = sha256_of(stream)
        except FileNotFoundError:
            raise BackupError(f"备份中缺少{label}（{file_path}），拒绝还原。") from None
        if (actual_sha, actual_size) != (sha, size):
            raise BackupError(f"{label}的校验和与 {MANIFEST} 不符：备份已损坏或被改动，拒绝还原。")
    if database["vendor"] == "postgresql":
        result = _pg_run(_pg_tool("pg_restore"), "--list", str(dump), connect=False)
        if result.returncode != 0:
            raise BackupError(f"数据库文件无法读取，拒绝还原：{result.stderr.strip()[-400:]}")
    else:
        try:
            with closing(sqlite3.connect(f"file:{dump}?mode=ro", uri=True)) as check:
                verdict = check.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError as error:
            verdict = str(error)
        if verdict != "ok":
            raise BackupError(f"数据库文件无法读取，拒绝还原：{verdict}")
    return manifest


def backup_restore(*, path: Path, force: bool = False, log: Callable[[str], None] = print) -> RestoreResult:
    """Restore the backup at `path` into the configured database and storages."""
    kind = vendor()
    manifest = backup_verify(path)
    if manifest["database"]["vendor"] != kind:
        raise BackupError(
            f"这是 {manifest['database']['vendor']} 数据库的备份，不能还原到当前配置的 {kind} 数据库（DATABASE_URL）。"
        )
    in_code = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    in_backup = {(app_label, name) for app_label, names in manifest["migrations"].items() for name in names}
    newer = sorted((app_label, name) for app_label, name in in_backup - in_code if app_label in {a for a, _ in in_code})
    if newer:
        names = "、".join(f"{app_label}.{name}" for app_label, name in newer[:5])
        raise BackupError(
            f"备份来自更新版本的代码（含本版本没有的迁移 {names}），请先部署备份时的版本（{manifest['app_version']}）再还原。"
        )
    for entry in manifest["files"]:
        if not any(_field_by_label(label) for label in entry["fields"]):
            raise BackupError(f"文件 {entry['name']} 所属字段 {entry['fields']} 在本版本中不存在，拒绝还原。")
    existing = connection.introspection.table_names()
    if existing and not force:
        raise BackupError(
            f"目标数据库不是空的（已有 {len(existing)} 张表）。还原会覆盖其中全部数据：确认无误后加 --force 再执行。"
        )
    if connection.in_atomic_block:
        raise BackupError("还原不能在事务中运行。")

    # Checked: from here on the configured database and storages are written.
    dump = path / manifest["database"]["file"]
    if kind == "postgresql":
        _restore_postgresql(dump, wipe=bool(existing))
    else:
        _restore_sqlite(dump)
    connection.close()
    written = [_restore_file(path / FILES_DIR / entry["name"], entry) for entry in manifest["files"]]
    result = RestoreResult(files_written=written.count(True), files_unchanged=written.count(False))
    restored_tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table, expected in sorted(manifest["row_counts"].items()):
            restored = _count_rows(cursor, table) if table in restored_tables else None
            result.counts.append((table, expected, restored))
    result.migrations_to_apply = sorted(f"{a}.{n}" for a, n in in_code - in_backup)
    _clear_cache(log)
    return result


def _restore_postgresql(dump: Path, *, wipe: bool) -> None:
    pg_restore = _pg_tool("pg_restore")
    if wipe:
        # Tables the dump does not name (from a later migration) would survive pg_restore --clean: start empty.
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
    connection.close()
    result = _pg_run(pg_restore, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", str(dump))
    if result.returncode != 0:
        raise BackupError(f"pg_restore 失败（已整体回滚）：{result.stderr.strip()[-800:]}")


def _restore_sqlite(dump: Path) -> None:
    connection.ensure_connection()
    with closing(sqlite3.connect(f"file:{dump}?mode=ro", uri=True)) as source:
        source.backup(connection.connection)  # replaces the whole database, page by page, in one step


def _restore_file(source: Path, entry: dict) -> bool:
    """Put one file back through its field's storage; False when the storage already holds the same bytes."""
    model_field = next(filter(None, (_field_by_label(label) for label in entry["fields"])))
    storage, name = model_field.storage, entry["name"]
    if storage.exists(name):
        with storage.open(name, "rb") as stream:
            if sha256_of(stream)[0] == entry["sha256"]:
                return False
        storage.delete(name)
    with source.open("rb") as stream:
        saved = storage.save(name, File(stream, name=name))
    if saved != name:
        raise BackupError(f"存储把 {name} 保存为了 {saved}，与数据库登记的名称不符。")
    return True


def _clear_cache(log: Callable[[str], None]) -> None:
    """Cached figures (progress, previews) describe the database before the restore."""
    from django.core.cache import cache

    try:
        cache.clear()
    except Exception as error:  # any cache backend's failure: the restore itself succeeded
        log(f"警告：缓存未能清空（{error}）；请在缓存恢复后重启应用。")


# --- retention ----------------------------------------------------------------------------------------------


def backup_prune(*, target: Path, keep_daily: int, keep_monthly: int, dry_run: bool = False) -> tuple[list, list]:
    """Keep the newest backup of each of the last `keep_daily` days and `keep_monthly` months; delete the rest.

    Returns (kept, deleted) directories. Only complete backups (a stamp directory with a manifest) are
    considered; anything else in `target` is left alone."""
    if keep_daily < 1 or keep_monthly < 0:
        raise BackupError("--keep-daily 至少为 1（最新的备份总要保留），--keep-monthly 不能为负数。")
    backups = sorted(
        (entry for entry in target.iterdir() if STAMP.match(entry.name) and (entry / MANIFEST).is_file()),
        reverse=True,  # newest first: the stamps sort as the times they name
    )
    keep, days, months = set(), [], []
    for entry in backups:
        day = entry.name[:8]
        if day not in days and len(days) < keep_daily:
            days.append(day)
            keep.add(entry)
        if day[:6] not in months and len(months) < keep_monthly:
            months.append(day[:6])
            keep.add(entry)
    deleted = [entry for entry in backups if entry not in keep]
    if not dry_run:
        for entry in deleted:
            shutil.rmtree(entry)
    return [entry for entry in backups if entry in keep], deleted
