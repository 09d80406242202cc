# School 84 e-journal. `make demo` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test test-dates lint format migrations-check worker beat bench sysdeps venv serve clean

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

venv: $(STAMP)

sysdeps:
	@.ci/system-packages

## The demo school on http://$(HOST):$(PORT), with the demo accounts printed.
demo: venv sysdeps
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py run_compliance_checks --history-weeks 4
	@echo "Сервер: http://$(HOST):$(PORT)/accounts/login/"
	$(PY) manage.py runserver $(HOST):$(PORT)

serve: venv
	$(PY) manage.py runserver $(HOST):$(PORT)

## The whole test suite (SQLite without DATABASE_URL; PostgreSQL and Redis with DATABASE_URL and REDIS_URL).
test: venv sysdeps
	$(BIN)/pytest -n 2 --dist loadfile $(PYTEST_ARGS)

## The whole suite three more times, the machine's clock moved to a Sunday, 1 September and 31 December: no test
## may depend on the real date (they freeze their own «today»).
test-dates: venv sysdeps
	for day in 2026-12-06 2026-09-01 2026-12-31; do $(BIN)/pytest -n 2 --dist loadfile -q --machine-date $$day $(PYTEST_ARGS) || exit 1; done

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: venv
	$(PY) manage.py makemigrations --check --dry-run

worker: venv
	@test -n "$(REDIS_URL)" || (echo "Укажите REDIS_URL, например REDIS_URL=redis://127.0.0.1:6379/0" >&2; exit 1)
	$(BIN)/celery -A school84 worker -l info

beat: venv
	@test -n "$(REDIS_URL)" || (echo "Укажите REDIS_URL, например REDIS_URL=redis://127.0.0.1:6379/0" >&2; exit 1)
	$(BIN)/celery -A school84 beat -l info

## Benchmarks against PostgreSQL (its own database school84_bench), gunicorn and wrk: see bench/README.md.
bench: venv sysdeps
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk; } || { echo "Install wrk: sudo apt-get install wrk" >&2; exit 1; }
	$(PY) -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles .test-media
