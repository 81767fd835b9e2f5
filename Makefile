# The two promises to a newcomer: `make demo` and `make test`. Needs only Python 3.11+.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: demo test install migrate bench load generate fuzz lint schema clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; found " + sys.version.split()[0])'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

# Embedded default: SQLite, Celery eager, e-mail to the console. Safe to run again.
demo: migrate
	$(PY) manage.py load_demo
	@echo "API: http://127.0.0.1:8000/api/v1/   docs: http://127.0.0.1:8000/api/docs/   admin: http://127.0.0.1:8000/admin/"
	$(PY) manage.py runserver 127.0.0.1:8000

# The whole suite. SQLite unless DATABASE_URL is set; Redis tests need REDIS_URL.
test: install
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

schema: install
	$(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

clean:
	rm -rf $(VENV) db.sqlite3 var .pytest_cache .ruff_cache

# Benchmarks against PostgreSQL (DATABASE_URL, default alliance_bench on 127.0.0.1), then
# the deadline rush and the fault tests (`make load`): one run rewrites every figure in
# bench/RESULTS.md. BENCH_ARGS=--quick for a smaller run.
bench: install
	$(PY) -m bench.run $(BENCH_ARGS)
	$(PY) -m bench.load $(LOAD_ARGS)

# A national-scale data set (SCALE=1.0 is the reference size; idempotent per scale).
generate: install
	$(PY) -m bench.generate --scale $${SCALE:-1.0}

# A deadline rush through gunicorn, then the fault tests (own Redis and workers on free
# ports); both written into bench/RESULTS.md. LOAD_ARGS=--no-faults for the rush alone.
load: install
	$(PY) -m bench.load $(LOAD_ARGS)

# A long fuzzing run of the whole API from its OpenAPI schema (a short one is in make test).
fuzz: install
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-300} FUZZ_RANDOM=1 $(PY) -m pytest tests/test_fuzz.py -p no:logging
