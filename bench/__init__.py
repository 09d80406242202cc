"""``make bench``: the journal under load at a peer's, a school's and a city's scale, beside its raw floor.

``bench.run`` builds its own PostgreSQL database (``bench.data``: schools planned by ``demo.plan``), serves
the app with gunicorn, drives it with wrk (``bench/lua``) and writes ``bench/results/latest.md`` and
``latest.json``. See ``bench/README.md``.
"""
