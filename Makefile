# One virtual environment, created on first use; every target depends on it.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: test lint typecheck pytest demo bench soak record clean database

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

pytest: $(STAMP) database
	$(VENV)/bin/pytest

# The service tests need PostgreSQL (ACTIVECAMPAIGN_TEST_DATABASE_URL, default the local
# server on 127.0.0.1:5432): start the machine's cluster if it is down. Where there is none,
# those tests skip (or fail under CI=true).
database:
	@pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null \
	  || { command -v pg_ctlcluster >/dev/null \
	       && pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | tail -n 1) main start \
	       && for i in 1 2 3 4 5 6 7 8 9 10; do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; } \
	  || echo "PostgreSQL is not running on 127.0.0.1:5432; the service tests will skip (fail under CI=true)"

demo: $(STAMP)
	$(VENV)/bin/rudder-activecampaign demo

bench: $(STAMP)
	$(PY) -m benchmarks

soak: $(STAMP)
	$(VENV)/bin/pytest -m soak -p no:randomly --soak tests/robustness

# Re-record cassettes against a real account: ACTIVECAMPAIGN_API_URL, ACTIVECAMPAIGN_API_KEY,
# ACTIVECAMPAIGN_ACTID and ACTIVECAMPAIGN_EVENT_KEY must be set. See cassettes/README.md.
record: $(STAMP)
	$(VENV)/bin/pytest --record-mode=rewrite --allow-hosts=all -p no:cacheprovider tests/client

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
