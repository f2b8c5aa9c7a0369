# The two commands: `make demo` and `make test`. Both set everything up first.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.setup-stamp

.PHONY: setup lint test demo bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml scripts/setup.sh
	bash scripts/setup.sh
	touch $(STAMP)

lint: setup
	$(VENV)/bin/ruff check mps_dev pos_app tests bench

test: lint
	$(PY) -m pytest $(PYTEST_ARGS)

demo: setup
	$(VENV)/bin/mps-dev demo

bench: setup
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache
