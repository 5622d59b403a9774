# 基层党建管理平台 — 开发常用命令 (GNU make)
# 运行 `make` 或 `make help` 查看说明。

PYTHON ?= python3
VENV = .venv
PY = $(VENV)/bin/python
PYTEST_ARGS ?=
RUNSERVER_ADDR ?= 127.0.0.1:8000
# Benchmarks empty the member and funding tables: a separate database, never the real one.
BENCH_DATABASE_URL ?= postgres://portal:portal@127.0.0.1:5432/portal_bench

SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help venv venv-test run dev test lint format bench bench-load clean reset-db

help: ## 显示本帮助
	@echo "基层党建管理平台 — 可用命令:"
	@echo ""
	@echo "  make run        安装依赖、检查系统依赖、迁移数据库、生成演示数据并启动开发服务器 (http://$(RUNSERVER_ADDR)/)"
	@echo "  make dev        同 make run，但打开 DEBUG（Django 调试页面），供开发人员使用"
	@echo "  make test       安装测试依赖、检查系统依赖、运行 ruff 检查和全部 pytest 测试"
	@echo "                  (可用 PYTEST_ARGS=\"...\" 传递额外的 pytest 参数, 例如 PYTEST_ARGS=\"-m 'not e2e'\")"
	@echo "  make lint       ruff 代码检查 + 格式检查 (不修改文件)"
	@echo "  make format     ruff 自动格式化 + 自动修复"
	@echo "  make bench      性能基准 (PostgreSQL 独立数据库 BENCH_DATABASE_URL, 见 benchmarks/README.md)"
	@echo "  make bench-load 负载测试 (gunicorn + PostgreSQL + Redis, 50 个并发用户; 需空闲机器)"
	@echo "  make venv       创建虚拟环境 $(VENV) 并安装运行依赖"
	@echo "  make venv-test  创建虚拟环境并安装测试依赖"
	@echo "  make reset-db   删除本地 SQLite 数据库 (db.sqlite3*)、其加密密钥 (.personal-data-key) 和上传文件目录 media/"
	@echo "  make clean      删除虚拟环境 $(VENV) 和各类缓存"
	@echo "  make help       显示本帮助"
	@echo ""
	@echo "环境变量: DATABASE_URL (不设置则用 SQLite db.sqlite3; postgres://... 用 PostgreSQL),"
	@echo "          REDIS_URL (不设置则 Celery 任务同步执行)"

# ---------------------------------------------------------------- virtualenv

# Creating the venv is its own step so that a missing python3-venv gives a clear message
# (Debian's `python3 -m venv` fails with "ensurepip is not available" and leaves a half venv).
$(PY):
	@if ! $(PYTHON) -m venv $(VENV); then \
		rm -rf $(VENV); \
		echo "" >&2; \
		echo "无法创建虚拟环境: 缺少 python3-venv。请以 root 身份执行:" >&2; \
		echo "Cannot create the virtualenv: python3-venv is missing. Run as root:" >&2; \
		echo "" >&2; \
		echo "    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y python3-venv" >&2; \
		echo "" >&2; \
		exit 1; \
	fi

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install -e .
	touch $@

# The test extra includes the runtime dependencies, so this also satisfies .installed.
$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install -e '.[test]'
	touch $(VENV)/.installed $@

venv: $(VENV)/.installed

venv-test: $(VENV)/.installed-test

# ---------------------------------------------------------------- run

# The portal as its users meet it: DEBUG off, so every error is the portal's own Chinese
# page (never Django's debug page), static files served by WhiteNoise from collectstatic.
# The demo is loaded with DEBUG on, which is what seed_demo asks of a non-production run.
run: $(VENV)/.installed
	bash scripts/check_system.sh run
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	DJANGO_DEBUG=0 $(PY) manage.py collectstatic --noinput -v0
	DJANGO_DEBUG=0 $(PY) manage.py runserver $(RUNSERVER_ADDR)

# For developers: Django's debug pages and auto-reloaded static files.
dev: $(VENV)/.installed
	bash scripts/check_system.sh run
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	DJANGO_DEBUG=1 $(PY) manage.py runserver $(RUNSERVER_ADDR)

# ---------------------------------------------------------------- test / lint

# DJANGO_SETTINGS_MODULE is pinned so a stray value in the shell (e.g. production) cannot
# override the pytest setting from pyproject.toml. Exit code 5 (no tests collected) fails.
test: $(VENV)/.installed-test
	bash scripts/check_system.sh test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m pytest $(PYTEST_ARGS) || { rc=$$?; [ $$rc -ne 5 ] || echo "错误: pytest 没有收集到任何测试 / error: pytest collected no tests" >&2; exit $$rc; }

lint: $(VENV)/.installed-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(VENV)/.installed-test
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

bench: $(VENV)/.installed-test
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py migrate --noinput
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) benchmarks/members_import.py --rounds 2
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) benchmarks/members_export.py --rounds 2
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) benchmarks/member_list.py
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) benchmarks/funding_page.py
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) benchmarks/dashboard.py
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) benchmarks/bulletin.py --scale both

# The load test needs locust (the `load` extra) and an otherwise idle machine.
bench-load: $(VENV)/.installed-test
	$(PY) -m pip install --quiet -e '.[load]'
	$(PY) benchmarks/load_test.py

# ---------------------------------------------------------------- cleanup

clean:
	rm -rf $(VENV) .ruff_cache .pytest_cache *.egg-info
	find . -path ./.git -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +

reset-db:
	rm -f db.sqlite3 db.sqlite3-journal db.sqlite3-wal db.sqlite3-shm .personal-data-key
	rm -rf media
