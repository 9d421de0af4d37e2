# La Gazette: `make run` serves the site with its seed content, `make test` runs the suite,
# `make serve` is the production server, `make bench` measures it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
GUNICORN_PORT ?= $(shell expr $(PORT) + 1)
ADDRESS ?= 127.0.0.1
DEV := DJANGO_DEBUG=1
WORKERS ?= 4
STORIES ?= 100000
BENCH_DB ?= $(CURDIR)/bench.sqlite3

.PHONY: venv run seed test check clean serve varnish bench backup restore

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

venv: $(VENV)/.installed

seed: venv
	$(DEV) $(PY) manage.py migrate --noinput
	$(DEV) $(PY) manage.py setup_roles
	$(DEV) $(PY) manage.py load_seed
	$(DEV) $(PY) manage.py load_trade_seed
	$(DEV) $(PY) manage.py render_stories

run: seed
	$(DEV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: venv
	$(PY) -m pytest -n auto

# Production mode (DEBUG off): DJANGO_SECRET_KEY must be set. Varnish on
# $(ADDRESS):$(PORT) (0.0.0.0: every interface) in front of gunicorn on
# 127.0.0.1:$(GUNICORN_PORT); deploy/serve starts and stops both and sets the
# production defaults (docs/operations.md).
serve: venv varnish
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py migrate --noinput --verbosity 0
	$(PY) manage.py render_stories --verbosity 0
	ADDRESS=$(ADDRESS) PORT=$(PORT) GUNICORN_PORT=$(GUNICORN_PORT) WORKERS=$(WORKERS) \
	GUNICORN=$(VENV)/bin/gunicorn exec deploy/serve

varnish:
	@command -v varnishd >/dev/null || test -x /usr/sbin/varnishd || \
		(apt-get update -qq && apt-get install -y -qq varnish varnish-modules)

# A synthetic archive in its own database; Varnish and gunicorn on it,
# measured with wrk (docs/performance.md).
bench: venv varnish
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	DJANGO_DEBUG=1 DJANGO_SQLITE_PATH=$(BENCH_DB) $(PY) manage.py migrate --noinput --verbosity 0
	DJANGO_DEBUG=1 DJANGO_SQLITE_PATH=$(BENCH_DB) $(PY) manage.py seed_demo --stories $(STORIES)
	DJANGO_DEBUG=1 $(PY) manage.py collectstatic --noinput --verbosity 0
	DJANGO_SQLITE_PATH=$(BENCH_DB) DJANGO_SECURE_SSL_REDIRECT=0 \
	DJANGO_SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	DJANGO_ALLOWED_HOSTS=127.0.0.1 $(PY) manage.py bench $(BENCH_ARGS)

# A consistent copy of the database (and media files), taken while the site
# runs, in a dated file of $DJANGO_BACKUP_DIR (backups/ by default); `make
# restore FILE=backups/gazette-….sqlite3` loads one into an empty database,
# FORCE=1 replaces a database that has content (docs/operations.md).
backup: venv
	$(DEV) $(PY) manage.py backup

restore: venv
	@test -n "$(FILE)" || { echo "make restore FILE=<fichier de sauvegarde> [FORCE=1]" >&2; exit 2; }
	$(DEV) $(PY) manage.py restore "$(FILE)" $(if $(filter 1,$(FORCE)),--force)

check: venv
	$(DEV) $(PY) manage.py check
	$(DEV) $(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) staticfiles
