"""``make bench``: the journal under load at a peer's, a school's and a city's scale, beside its raw floor.

``bench.run`` builds its own PostgreSQL database (``bench.data``: schools planned by ``demo.plan``), serves
the app with gunicorn, drives it with wrk (``bench/lua``) and writes ``bench/results/latest.md`` and
``latest.json``. See ``bench/README.md``.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LUA = ROOT / "bench" / "lua"
RESULTS = ROOT / "bench" / "results"
TMP = RESULTS / "tmp"


def log(message: str = "") -> None:
    """The run's console, flushed at once: a long run can be followed as it goes."""
    print(message, flush=True)
