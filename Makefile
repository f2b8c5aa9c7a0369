# The two commands: `make demo` and `make test`. Both set everything up first.
# `make installer URL=... KEY=... MERCHANT=... [TERMINAL=...]` builds one shop's app (docs/installer.md).
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.setup-stamp
# supabase-js and its test runner's packages (tests/js), installed with npm when missing.
JS_STAMP := tests/js/node_modules/.install-stamp

# Every language's compiled catalog, rebuilt when its .po changes (docs/translations.md).
CATALOGS := $(patsubst %.po,%.mo,$(wildcard pos_app/locale/*/LC_MESSAGES/messages.po))

.PHONY: setup js-setup lint test demo bench bench-quick installer sql clean messages

setup: $(STAMP) $(CATALOGS)

$(CATALOGS): %.mo: %.po $(STAMP)
	$(PY) -m tools.i18n compile

# After changing marked words in the source: a fresh messages.pot, merged into every .po.
messages: setup
	$(PY) -m tools.i18n extract
	$(PY) -m tools.i18n update

$(STAMP): pyproject.toml scripts/setup.sh
	bash scripts/setup.sh
	touch $(STAMP)

js-setup: $(JS_STAMP)

$(JS_STAMP): tests/js/package.json tests/js/package-lock.json tests/js/install.sh
	bash tests/js/install.sh
	touch $(JS_STAMP)

lint: setup
	$(VENV)/bin/ruff check mps_dev mps_demo pos_app tests bench tools packaging

test: lint js-setup
	$(PY) -m pytest $(PYTEST_ARGS)

demo: setup
	$(VENV)/bin/mps-dev demo

# One table (figure, anchor, ratio, goal, met), also written to bench/results.json.
bench: setup
	$(PY) -m bench

bench-quick: setup
	$(PY) -m bench --quick

# The two shipped SQL files, written from their sources in server_sql/src (server_sql/README.md).
sql: setup
	$(PY) -m tools.build_sql

# The key goes on the command line: it must be the anon key, which is public (a service_role
# key is refused before anything is built). Not echoed: a wrong key must not land in a CI log.
installer: setup
	@$(PY) -m tools.build_installer --url "$(URL)" --anon-key "$(KEY)" --merchant "$(MERCHANT)" \
		$(if $(TERMINAL),--terminal-name "$(TERMINAL)")

clean:
	rm -rf $(VENV) .pytest_cache tests/js/node_modules
