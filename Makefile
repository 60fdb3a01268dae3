# The README's commands. `make run` serves the real data on the embedded SQLite
# database as production does (DEBUG off; `make run DEBUG=1` for Django's debug pages), with the task
# worker that runs imports; `make test` runs the whole suite on SQLite and on PostgreSQL.
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=

.PHONY: install lock run bench-progress bench-pages bench-api bench-import bench-reports bench load-test multi-instance-check hammer-check test test-sqlite test-postgres migrations-check lint imports typecheck check-deploy

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet --constraint requirements.lock -e ".[dev]"
	touch $@

# Re-resolve the pins in pyproject.toml into requirements.lock.
lock:
	rm -rf .venv-lock && python3 -m venv .venv-lock
	.venv-lock/bin/pip install --quiet -e ".[dev]"
	{ echo "# Every package, pinned: the constraints for make install and the Docker image. Regenerate with \`make lock\`."; \
	  .venv-lock/bin/pip freeze --exclude-editable | grep -v "^gzplan"; } > requirements.lock
	rm -rf .venv-lock

# `make run` serves as production does, on plain HTTP on this machine: DEBUG off (the product's own error
# pages, never Django's debug pages with settings and code), static files collected into var/static and
# served by WhiteNoise, a secret key made once for this checkout (var/local-secret-key) unless SECRET_KEY
# is set. `make run DEBUG=1` serves with Django's debug pages instead.
DEBUG ?=
LOCAL_SECRET_KEY := var/local-secret-key
ifneq ($(filter 1 true yes on,$(DEBUG)),)
SERVE_ENV := DEBUG=1
else
SERVE_ENV := DEBUG=0 SECRET_KEY="$${SECRET_KEY:-$$(cat $(LOCAL_SECRET_KEY))}" SECURE_SSL="$${SECURE_SSL:-false}"
endif

run: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_real_data
	DEBUG=1 $(PY) manage.py create_local_admin
	@test -s $(LOCAL_SECRET_KEY) || (umask 077; $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $(LOCAL_SECRET_KEY))
	$(if $(filter DEBUG=1,$(SERVE_ENV)),,$(SERVE_ENV) $(PY) manage.py collectstatic --noinput -v0)
	@echo "Serving gzplan at http://127.0.0.1:$(PORT)/ (admin console: /admin/, API docs: /api/v1/docs), with a task worker"
	@echo "$(if $(filter DEBUG=1,$(SERVE_ENV)),DEBUG on: Django's debug pages.,DEBUG off as in production; make run DEBUG=1 for Django's debug pages.)"
	$(SERVE_ENV) $(PY) manage.py db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(SERVE_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install migrations-check imports typecheck test-sqlite test-postgres

migrations-check: install
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

test-sqlite: install
	env -u DATABASE_URL $(VENV)/bin/pytest $(PYTEST_ARGS)

test-postgres: install
	@$(PY) -c "import psycopg,sys; psycopg.connect('$(TEST_DATABASE_URL)', connect_timeout=5).close()" \
	  || { echo "PostgreSQL is not reachable at $(TEST_DATABASE_URL): start it, or set TEST_DATABASE_URL"; exit 1; }
	DATABASE_URL=$(TEST_DATABASE_URL) $(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

# Who may import whom (the layers, the pure engine, no cycles): the contracts in pyproject.toml.
imports: install
	$(VENV)/bin/lint-imports

# mypy with the django-stubs plugin on the product code (configured in pyproject.toml).
typecheck: install
	DEBUG=1 $(VENV)/bin/mypy

# The progress engine on 10,000 targets x 20 years: alone, then from the database (not part of make test).
bench-progress: install
	DEBUG=1 $(PY) manage.py bench_progress

# Server time of each dashboard page on the real data (DEBUG on only to record query counts).
bench-pages: install
	DEBUG=1 $(PY) manage.py migrate --noinput -v0
	DEBUG=1 $(PY) manage.py load_real_data
	DEBUG=1 $(PY) manage.py bench_pages

# Server time of the API on PostgreSQL (BENCH_DATABASE_URL), with 20,000 synthetic figures added
# and rolled back: the goal is a page of 1,000 values under 100 ms median (not part of make test).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/gzplan_bench
bench-api: install
	@$(PY) -c "import psycopg; c = psycopg.connect('postgres://postgres@127.0.0.1:5432/postgres', autocommit=True); \
	  c.execute(\"SELECT 1 FROM pg_database WHERE datname = 'gzplan_bench'\").fetchone() or c.execute('CREATE DATABASE gzplan_bench')"
	DATABASE_URL=$(BENCH_DATABASE_URL) SECRET_KEY=bench SECURE_SSL=false $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) SECRET_KEY=bench SECURE_SSL=false $(PY) manage.py load_real_data
	DATABASE_URL=$(BENCH_DATABASE_URL) SECRET_KEY=bench SECURE_SSL=false $(PY) manage.py bench_api

# A 50,000-row spreadsheet import on PostgreSQL, rolled back: the goal is 10,000 rows/s (under 5 s).
bench-import: install
	@$(PY) -c "import psycopg; c = psycopg.connect('postgres://postgres@127.0.0.1:5432/postgres', autocommit=True); \
	  c.execute(\"SELECT 1 FROM pg_database WHERE datname = 'gzplan_bench'\").fetchone() or c.execute('CREATE DATABASE gzplan_bench')"
	DATABASE_URL=$(BENCH_DATABASE_URL) SECRET_KEY=bench SECURE_SSL=false $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) SECRET_KEY=bench SECURE_SSL=false $(PY) manage.py load_real_data
	DATABASE_URL=$(BENCH_DATABASE_URL) SECRET_KEY=bench SECURE_SSL=false $(PY) manage.py bench_import

# Review reports on two labelled synthetic plans (deleted afterwards), on the embedded SQLite database:
# a 30-target report made in the request, in each format and language, beside its floor (under 5 s); then
# a 1,000-target PDF made by a real task worker (db_worker), with its progress (about 3 minutes; not part of make test).
bench-reports: install
	DEBUG=1 $(PY) manage.py migrate --noinput -v0
	DEBUG=1 GZPLAN_TASKS_BACKEND=database $(PY) manage.py bench_reports

# The benchmark suite at SIZE (small = the real data; province; country) on PostgreSQL, beside
# each measure's floor; makes the labelled synthetic data if it is not there and writes
# docs/benchmarks.md. `manage.py synthetic_data --remove` takes the synthetic data out again.
SIZE ?= province
bench: install
	@$(PY) -c "import psycopg; c = psycopg.connect('postgres://postgres@127.0.0.1:5432/postgres', autocommit=True); \
	  c.execute(\"SELECT 1 FROM pg_database WHERE datname = 'gzplan_bench'\").fetchone() or c.execute('CREATE DATABASE gzplan_bench')"
	DATABASE_URL=$(BENCH_DATABASE_URL) SECRET_KEY=bench SECURE_SSL=false $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) SECRET_KEY=bench SECURE_SSL=false $(PY) manage.py load_real_data
	@if [ "$(SIZE)" != "small" ]; then DATABASE_URL=$(BENCH_DATABASE_URL) SECRET_KEY=bench SECURE_SSL=false \
	  $(PY) -c "import django,os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','gzplan.settings'); django.setup(); \
	  from bench import synthetic as s; from indicators.models import ReportedValue as V; import sys; \
	  want = s.SIZES['$(SIZE)'].values; have = V.objects.filter(area__code__startswith=s.AREA_PREFIX).count(); \
	  sys.exit(0 if have == want else 1)" || DATABASE_URL=$(BENCH_DATABASE_URL) SECRET_KEY=bench SECURE_SSL=false \
	  $(PY) manage.py synthetic_data --size $(SIZE) --replace; fi
	SECRET_KEY=bench $(PY) manage.py collectstatic --noinput -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) SECRET_KEY=bench SECURE_SSL=false $(PY) manage.py bench --size $(SIZE) \
	  --output docs/benchmarks.md

# 50 clients for 60 s against gunicorn on 127.0.0.1 with the benchmark database (SIZE's synthetic
# data, as left by make bench): throughput, p50/p99, errors, worker memory, lost writes.
load-test: install
	$(VENV)/bin/pip install --quiet locust==2.47.0
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/load_test.py --users 50 --seconds 60 --output docs/benchmarks.md

# The compose topology as processes: PostgreSQL (database gzplan_multi, made afresh), Redis (db 13),
# two gunicorn instances and one task worker; imports across instances, a worker killed mid-write,
# and the shared read cache ended per area (about two minutes; not part of make test).
multi-instance-check: install
	$(PY) bench/multi_instance.py

# 20 anonymous clients hammering uncached heavy pages through deploy/nginx.conf (nginx on 127.0.0.1, in
# front of gunicorn) while a probe reads a district page: its 95th percentile must stay under 500 ms.
hammer-check: install
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/hammer.py --output docs/benchmarks.md
