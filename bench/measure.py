"""How the bench measures the server from outside: plain HTTP requests and logins, wrk runs, the CPU time of the
gunicorn workers and of their PostgreSQL backends, and the machine's idleness and load.
"""

from __future__ import annotations

import http.client
import json
import subprocess
import time
import urllib.parse
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

import psycopg

from . import LUA, ROOT


@dataclass
class Session:
    username: str
    cookies: dict[str, str]

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    @property
    def csrf(self) -> str:
        return self.cookies.get("csrftoken", "")


class Http:
    """Plain http.client requests to the server under test: no redirects followed, nothing cached."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.base = f"http://{host}:{port}"

    def request(
        self,
        method: str,
        path: str,
        *,
        session: Session | None = None,
        form: dict | None = None,
        headers: dict | None = None,
        timeout: float = 120,
    ) -> tuple[int, dict, bytes]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            all_headers = dict(headers or {})
            body = None
            if session is not None:
                all_headers["Cookie"] = session.cookie_header
            if form is not None:
                body = urllib.parse.urlencode(form).encode()
                all_headers["Content-Type"] = "application/x-www-form-urlencoded"
                all_headers.setdefault("Referer", self.base + path)
                if session is not None:
                    all_headers.setdefault("X-CSRFToken", session.csrf)
            conn.request(method, path, body=body, headers=all_headers)
            response = conn.getresponse()
            data = response.read()
            cookies = SimpleCookie()
            for value in response.headers.get_all("Set-Cookie") or []:
                cookies.load(value)
            result_headers = {k.lower(): v for k, v in response.getheaders()}
            result_headers["_cookies"] = {k: m.value for k, m in cookies.items()}
            return response.status, result_headers, data
        finally:
            conn.close()

    def login(self, username: str, password: str) -> Session:
        status, headers, _ = self.request("GET", "/accounts/login/")
        cookies = dict(headers["_cookies"])
        if status != 200 or "csrftoken" not in cookies:
            raise RuntimeError(f"login page: HTTP {status}, cookies {sorted(cookies)}")
        form = {"username": username, "password": password, "csrfmiddlewaretoken": cookies["csrftoken"]}
        status, headers, _ = self.request("POST", "/accounts/login/", session=Session(username, cookies), form=form)
        cookies.update(headers["_cookies"])
        if status != 302 or "sessionid" not in cookies:
            raise RuntimeError(f"login of {username}: HTTP {status} (wrong password or the login form changed)")
        return Session(username, cookies)

    def wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                if self.request("GET", "/healthz", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server on {self.base} did not answer /healthz in {seconds:.0f} s")
            time.sleep(0.25)


def wrk(base: str, path: str, script: str, args: list[str], *, connections: int, duration: float, env: dict) -> dict:
    """One wrk run; returns its JSON line (latencies in µs) with ``rps`` and ``bytes_per_request`` added."""
    cmd = [
        "wrk",
        "-t",
        str(connections),
        "-c",
        str(connections),
        "-d",
        f"{duration:g}s",
        "--timeout",
        "30s",
        "-s",
        str(LUA / script),
        base + path,
        "--",
        *args,
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env | {"BENCH_LUA": f"{LUA}/"}, cwd=ROOT)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {proc.stdout[-800:]} {proc.stderr[-800:]}")
    data = json.loads(line[len("BENCH_JSON ") :])
    seconds = data["duration_us"] / 1e6
    data["rps"] = data["requests"] / seconds if seconds else 0.0
    data["bytes_per_request"] = data["bytes"] / data["requests"] if data["requests"] else 0
    data["errors"] = data["connect"] + data["read"] + data["write"] + data["timeout"] + data["status"]
    return data


def _ticks(pid: int) -> int:
    """utime + stime of a process, in clock ticks (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0
    return int(fields[11]) + int(fields[12])


def _children(parent: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == parent:
            found.append(int(stat.parent.name))
    return found


TICK_MS = 1000 / 100  # Linux USER_HZ


class CpuMeter:
    """CPU time spent by the gunicorn workers and by the PostgreSQL backends serving them, between two samples.

    On a machine shared with other work, wall-clock latency grows with the neighbours' load; CPU time per
    request does not (much). ``cores × 1000 / cpu_ms`` estimates the throughput of idle cores.
    """

    def __init__(self, server_pid: int | None, dsn: str):
        self.server_pid, self.dsn = server_pid, dsn

    def _backends(self) -> list[int]:
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
            ).fetchall()
        return [r[0] for r in rows]

    def sample(self) -> dict:
        if not self.server_pid:
            return {}
        return {
            "app": {pid: _ticks(pid) for pid in _children(self.server_pid)},
            "db": {pid: _ticks(pid) for pid in self._backends()},
        }

    @staticmethod
    def per_request(before: dict, after: dict, requests: int) -> dict:
        if not before or not requests:
            return {}
        out = {}
        for part in ("app", "db"):
            ticks = sum(t - before[part].get(pid, 0) for pid, t in after[part].items())
            out[f"cpu_{part}_ms"] = round(ticks * TICK_MS / requests, 2)
        out["cpu_ms"] = round(out["cpu_app_ms"] + out["cpu_db_ms"], 2)
        return out


def cpu_idle(seconds: float = 2.0) -> float:
    """Share of the machine's CPU time left idle over ``seconds`` (from /proc/stat)."""

    def sample():
        fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        return fields[3] + fields[4], sum(fields[:8])

    idle0, total0 = sample()
    time.sleep(seconds)
    idle1, total1 = sample()
    return (idle1 - idle0) / max(1, total1 - total0)


def wait_idle(max_seconds: float, threshold: float = 0.8, log=print) -> float:
    """Wait up to ``max_seconds`` for the machine to be at least ``threshold`` idle; returns the last idle share."""
    if max_seconds <= 0:
        return cpu_idle(1.0)
    deadline = time.monotonic() + max_seconds
    idle = cpu_idle()
    waited = False
    while idle < threshold and time.monotonic() < deadline:
        if not waited:
            log(f"  waiting for the machine to quieten (idle {idle:.0%} < {threshold:.0%}, up to {max_seconds:.0f} s)…")
            waited = True
        idle = cpu_idle()
    return idle


def load_average() -> float:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except OSError:  # pragma: no cover
        return -1.0
