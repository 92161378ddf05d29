# One virtual environment, created on first use; every target depends on it.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: test lint typecheck pytest demo bench soak record clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

test: lint typecheck pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check activecampaign_client rudder_mapper tests benchmarks
	$(VENV)/bin/ruff format --check activecampaign_client rudder_mapper tests benchmarks

typecheck: $(STAMP)
	$(VENV)/bin/mypy activecampaign_client rudder_mapper tests/typing_consumer.py

pytest: $(STAMP)
	$(VENV)/bin/pytest

demo: $(STAMP)
	$(VENV)/bin/rudder-activecampaign demo

bench: $(STAMP)
	$(PY) -m benchmarks

# The soak run also explores new Hypothesis examples (every other run is seeded: see
# tests/conftest.py).
soak: $(STAMP)
	HYPOTHESIS_PROFILE=random $(VENV)/bin/pytest -p no:randomly --soak tests/robustness

# Re-record cassettes against a real account: ACTIVECAMPAIGN_API_URL, ACTIVECAMPAIGN_API_KEY,
# ACTIVECAMPAIGN_ACTID and ACTIVECAMPAIGN_EVENT_KEY must be set. See cassettes/README.md.
record: $(STAMP)
	$(VENV)/bin/pytest --record-mode=rewrite --allow-hosts=all -p no:cacheprovider tests/client

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
