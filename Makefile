# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
# `make run` serves as production does: DEBUG off (the Chinese 403/404/500 pages, never Django's debug
# pages), a secret key generated once into this git-ignored file, static files collected and served by
# whitenoise, gunicorn. Plain HTTP on loopback only (DJANGO_SECURE=0). `make dev` is the debug server.
# `make clean` keeps the key (sessions survive); delete the file for a new one.
SECRET_FILE := .secret-key
RUN_ENV = DJANGO_DEBUG=0 DJANGO_SECURE=0 DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1,[::1] \
	DJANGO_SECRET_KEY="$$(cat $(SECRET_FILE))"

.PHONY: install run dev static test test-sqlite lint format bench migrate demo worker beat clean loadtest

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || \
		{ echo "需要 Python 3.11（$(PYTHON) 是 $$($(PYTHON) --version 2>&1)）：请安装后用 make PYTHON=python3.11 …"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

$(SECRET_FILE): | $(STAMP)
	umask 077 && $(BIN)/python -c 'from django.core.management.utils import get_random_secret_key as key; print(key())' > $@.tmp
	mv $@.tmp $@

# Collected again only when a static file or the requirements (the apps' own static files) changed.
STATIC_MANIFEST := staticfiles/staticfiles.json
$(STATIC_MANIFEST): $(STAMP) $(shell find static -type f) | $(SECRET_FILE)
	$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput -v0

static: $(STATIC_MANIFEST)

# One process with threads: without REDIS_URL the cache (roster previews, progress) is that process's memory.
run: demo static
	@echo "在浏览器打开 http://127.0.0.1:$(PORT)/ （Ctrl+C 停止）"
	$(RUN_ENV) $(BIN)/gunicorn qinzhou_brands.wsgi --bind 127.0.0.1:$(PORT) --workers 1 --threads 4 \
		--timeout 300 --access-logfile - --no-control-socket

# Django's debug server: debug pages, code reloaded on save.
dev: demo
	@echo "调试模式：在浏览器打开 http://127.0.0.1:$(PORT)/ （Ctrl+C 停止）"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The benchmark needs PostgreSQL: without DATABASE_URL it starts a throwaway one (bin/with-services).
# `make bench BENCH=dashboard` (or roster, or matching) runs one of the three.
bench: install
	$(if $(DATABASE_URL),,bin/with-services) $(BIN)/python -m benchmarks $(BENCH)

# gunicorn (4 workers) under load on loopback: dashboard, batch list and API list; requests/s, p95, zero errors.
# Like `make bench`, it starts a throwaway PostgreSQL and Redis (bin/with-services) unless DATABASE_URL is set.
loadtest: install
	$(if $(DATABASE_URL),,bin/with-services) $(BIN)/python -m loadtest $(LOADTEST_ARGS)

worker: install
	$(BIN)/celery -A qinzhou_brands worker --loglevel=info --concurrency=2

# Celery beat: the scheduled tasks (the worker heartbeat /healthz reads). One per installation, beside `make worker`.
beat: install
	$(BIN)/celery -A qinzhou_brands beat --loglevel=info --schedule $(VENV)/celerybeat-schedule

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
