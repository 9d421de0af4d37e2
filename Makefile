# La Gazette: `make run` serves the site with its seed content, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DEV := DJANGO_DEBUG=1

.PHONY: venv run seed test check clean

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

run: seed
	$(DEV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: venv
	$(PY) -m pytest -n auto

check: venv
	$(DEV) $(PY) manage.py check
	$(DEV) $(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) staticfiles
