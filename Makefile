# shenghuohui — the two commands: `make run` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest workers; 2 matches the 2-core CI machine
WORKERS ?= 2

.PHONY: run test lint bench lock install serve demo clean-db screenshots

$(VENV)/.installed: requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	@touch $@

install: $(VENV)/.installed

# A local .env with fresh random keys for plain-HTTP development (never committed).
.env:
	@$(PYTHON) -c "import secrets,base64; print('DJANGO_DEBUG=false\nDJANGO_HTTPS=false\nDJANGO_SECRET_KEY=' + secrets.token_urlsafe(50) + '\nFIELD_ENCRYPTION_KEY=' + base64.b64encode(secrets.token_bytes(16)).decode() + '\nBLIND_INDEX_KEY=' + base64.b64encode(secrets.token_bytes(32)).decode())" > .env
	@echo "已生成本地配置 .env（仅用于开发，请勿提交）"

run: install .env
	@mkdir -p var/private
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py load_demo
	@echo "启动后台任务进程与网站：http://$(HOST):$(PORT)/  （Ctrl+C 结束）"
	@trap 'kill 0' EXIT; $(PY) manage.py db_worker --no-startup-delay >var/worker.log 2>&1 & $(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: install
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -n $(WORKERS) $(PYTEST_ARGS)

SCALE ?= district
DB ?= sqlite
bench: install .env
	$(PY) bench/run.py --scale $(SCALE) --db $(DB)

lock: install
	$(VENV)/bin/pip install --quiet uv
	$(VENV)/bin/uv pip compile --quiet --generate-hashes --python-version 3.11 requirements.in -o requirements.lock
