# isok: `make run` serves the app with demo data; `make test` runs the suite. Both install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := isok

# What WeasyPrint needs on a bare Debian, and fonts for Latin, Cyrillic, Arabic script and Ethiopic.
APT_RUNTIME := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-sil-abyssinica
# Test tools: pdftotext/pdfsig for certificate checks.
APT_TEST := poppler-utils softhsm2
# Browser tests drive Debian's Chromium.
APT_BROWSER := chromium

.PHONY: run test test-pg e2e bench load lint system-deps system-deps-test system-deps-browser translations messages db demo clean

define apt_ensure
	@missing=""; for p in $(1); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then echo "Installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else echo "Missing Debian packages. Run as root:"; echo "  apt-get install -y --no-install-recommends$$missing"; exit 1; fi; \
	fi
endef

system-deps:
	$(call apt_ensure,$(APT_RUNTIME))

system-deps-test: system-deps
	$(call apt_ensure,$(APT_TEST))

system-deps-browser: system-deps-test
	$(call apt_ensure,$(APT_BROWSER))

$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,e2e]'
	touch $@

translations: $(VENV)/.installed
	$(BIN)/pybabel --quiet compile -d translations

LANGUAGES := fi sv en ar fa ru so ti uk

messages: $(VENV)/.installed
	$(BIN)/pybabel --quiet extract -F translations/babel.cfg -k lazy_gettext -k _l --no-location --sort-output --width=120 -o translations/messages.pot .
	for l in $(LANGUAGES); do test -f translations/$$l/LC_MESSAGES/messages.po || $(BIN)/pybabel --quiet init -i translations/messages.pot -d translations -l $$l --width=120; done
	$(BIN)/pybabel --quiet update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete --width=120

db: $(VENV)/.installed
	$(BIN)/flask db upgrade

demo: db
	$(BIN)/flask demo

run: system-deps $(VENV)/.installed translations demo
	$(BIN)/flask serve --host 127.0.0.1 --port $(PORT)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

test: system-deps-test $(VENV)/.installed translations lint
	$(BIN)/pytest -q -p no:cacheprovider --ignore=tests/e2e --ignore=tests/benchmarks

test-pg: $(VENV)/.installed translations
	test -n "$(ISOK_TEST_DATABASE_URL)" || { echo "set ISOK_TEST_DATABASE_URL=postgresql+psycopg:///isok_test"; exit 2; }
	ISOK_TEST_DATABASE_URL=$(ISOK_TEST_DATABASE_URL) $(BIN)/pytest -q -p no:cacheprovider --ignore=tests/e2e --ignore=tests/benchmarks

e2e: system-deps-browser $(VENV)/.installed translations
	$(BIN)/pytest -q -p no:cacheprovider tests/e2e

bench: system-deps $(VENV)/.installed translations
	$(BIN)/pytest -q -p no:cacheprovider -s tests/benchmarks

# A working day of 50 people on gunicorn + PostgreSQL + Redis (ISOK_LOAD_MINUTES, default 10); see README "Load".
load: system-deps $(VENV)/.installed translations
	$(BIN)/pip install -q -e '.[load]'
	$(BIN)/python -m tests.load.run

clean:
	rm -rf $(VENV) instance
