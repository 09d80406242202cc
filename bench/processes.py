"""What a run sets up around the app: the environment of the app under test, the processes it starts and stops
(gunicorn, a Celery worker), the bench database and its meta row, and the description of the machine.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import psycopg

from . import ROOT, TMP, log

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/school84_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/12"


# --- environment -------------------------------------------------------------------------------------------


def bench_env(args) -> dict[str, str]:
    """The settings of the app under test: PostgreSQL and Redis of the bench, production switches."""
    database = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    name = urlparse(database).path.lstrip("/")
    if not name.endswith("_bench"):
        raise SystemExit(f"BENCH_DATABASE_URL must name a database ending in _bench (it is dropped): {name!r}")
    env = {
        "DATABASE_URL": database,
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS),
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + secrets.token_hex(24),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        "MEDIA_ROOT": str(TMP / "media"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DJANGO_SETTINGS_MODULE": "school84.settings",
        "PYTHONUNBUFFERED": "1",
    }
    return env


def libpq_dsn(url: str) -> str:
    parsed = urlparse(url)
    return parsed._replace(scheme="postgresql").geturl()


def ensure_wrk() -> str:
    """wrk is Debian's package ``wrk``: installed here with apt-get when running as root, else named."""
    path = shutil.which("wrk")
    if path:
        return path
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        log("wrk is missing: installing the Debian package wrk (apt-get install -y wrk)…")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        if subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env).returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], env=env, check=True)
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, check=True)
        path = shutil.which("wrk")
        if path:
            return path
    raise SystemExit("The load needs wrk: sudo apt-get install wrk (the Debian package «wrk»).")


def check_services(env: dict) -> tuple[str, bool]:
    dsn = libpq_dsn(env["DATABASE_URL"])
    admin = libpq_dsn(urlparse(env["DATABASE_URL"])._replace(path="/postgres").geturl())
    try:
        with psycopg.connect(admin, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as error:
        raise SystemExit(f"PostgreSQL is not reachable ({admin}): {error}") from None
    redis_ok = False
    try:
        import redis

        client = redis.Redis.from_url(env["REDIS_URL"], socket_timeout=3)
        client.ping()
        client.flushdb()  # the bench's own database number (12 by default): stale cached ids would mislead
        redis_ok = True
    except Exception as error:
        log(f"Redis is not reachable ({env['REDIS_URL']}: {error}): local-memory cache, no Celery scenario.")
        env.pop("REDIS_URL")
    return dsn, redis_ok


# --- processes we start (and stop, by their own pid) --------------------------------------------------------------


class Process:
    def __init__(self, name: str, cmd: list[str], env: dict, logfile: Path):
        self.name, self.cmd, self.env, self.logfile = name, cmd, env, logfile
        self.proc: subprocess.Popen | None = None

    def start(self) -> Process:
        self.logfile.parent.mkdir(parents=True, exist_ok=True)
        handle = self.logfile.open("ab")
        self.proc = subprocess.Popen(self.cmd, env=self.env, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT)
        return self

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


def gunicorn(args, env) -> Process:
    return Process(
        "gunicorn",
        [
            sys.executable,
            "-m",
            "gunicorn",
            "school84.wsgi:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            "sync",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        env,
        TMP / "gunicorn.log",
    )


def celery_worker(env) -> Process:
    return Process(
        "celery",
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "school84",
            "worker",
            "-l",
            "warning",
            "--concurrency",
            "2",
            "-n",
            f"bench{os.getpid()}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        env,
        TMP / "celery.log",
    )


def wait_celery(seconds: float = 60) -> None:
    from school84.celery import app

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if app.control.ping(timeout=1):
            return
        time.sleep(0.5)
    raise RuntimeError("the Celery worker did not answer a ping")


# --- the database ------------------------------------------------------------------------------------------


def recreate_database(env) -> None:
    url = urlparse(env["DATABASE_URL"])
    name = url.path.lstrip("/")
    admin = libpq_dsn(url._replace(path="/postgres").geturl())
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def read_meta(dsn: str) -> dict | None:
    try:
        with psycopg.connect(dsn) as conn:
            row = conn.execute("SELECT value FROM bench_meta WHERE key = 'bench'").fetchone()
            return row[0] if row else None
    except psycopg.Error:
        return None


def write_meta(dsn: str, meta: dict) -> None:
    with psycopg.connect(dsn) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value jsonb NOT NULL)")
        conn.execute(
            "INSERT INTO bench_meta (key, value) VALUES ('bench', %s) ON CONFLICT (key) DO UPDATE SET value = "
            "EXCLUDED.value",
            (json.dumps(meta),),
        )


# --- the machine -------------------------------------------------------------------------------------------


def python_loop_seconds() -> float:
    """A fixed pure-Python workload (10 million additions in a loop), best of three: the machine's speed.

    The kinds of machine this runs on differ up to 3× in single-core speed; the same code measures that much
    slower or faster. This number lets two runs on different machines be compared.
    """
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        total = 0
        for i in range(10_000_000):
            total += i
        best = min(best, time.process_time() - started)
    return round(best, 2)


def machine(dsn: str) -> dict:
    info = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "cpu": "",
        "memory_gb": None,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "load_average_start": Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else None,
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    info["python_loop_s"] = python_loop_seconds()
    import django
    import gunicorn as gunicorn_module

    info["django"] = django.get_version()
    info["gunicorn"] = gunicorn_module.__version__
    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    info["wrk"] = (wrk_version.stdout or wrk_version.stderr).split("[")[0].replace("wrk", "").strip()
    with psycopg.connect(dsn) as conn:
        info["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
        settings = {}
        for name in (
            "shared_buffers",
            "work_mem",
            "effective_cache_size",
            "max_parallel_workers_per_gather",
            "autovacuum",
            "synchronous_commit",
            "jit",
        ):
            settings[name] = conn.execute(f"SHOW {name}").fetchone()[0]
        info["postgresql_settings"] = settings
    return info
