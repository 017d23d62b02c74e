# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: install run test test-sqlite lint format bench migrate demo worker clean loadtest

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

run: demo
	@echo "在浏览器打开 http://127.0.0.1:$(PORT)/ （Ctrl+C 停止）"
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
# `make bench BENCH=dashboard` (or roster) runs one of the two.
bench: install
	$(if $(DATABASE_URL),,bin/with-services) $(BIN)/python -m benchmarks $(BENCH)

# gunicorn (4 workers) under load on loopback: dashboard, batch list and API list; requests/s, p95, zero errors.
# Like `make bench`, it starts a throwaway PostgreSQL and Redis (bin/with-services) unless DATABASE_URL is set.
loadtest: install
	$(if $(DATABASE_URL),,bin/with-services) $(BIN)/python -m loadtest $(LOADTEST_ARGS)

worker: install
	$(BIN)/celery -A qinzhou_brands worker --loglevel=info --concurrency=2

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
