# One virtual environment, created on first use; every target depends on it.
# PYTHON is the interpreter it is made from: `make test PYTHON=python3.12` picks another.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

# Which interpreter a venv comes from: version plus installation prefix, so a venv made by
# another Python (an older one, or the same version installed elsewhere) is told apart.
PYTHON_ID_CODE := import sys, hashlib; print("%d.%d-%s" % (sys.version_info[0], sys.version_info[1], hashlib.sha256(sys.base_prefix.encode()).hexdigest()[:8]))
PYTHON_ID := $(shell $(PYTHON) -c '$(PYTHON_ID_CODE)' 2>/dev/null)
# The stamp names the interpreter: when PYTHON changes, the stamp is missing and the venv is
# checked (and rebuilt if it came from elsewhere) before anything runs.
STAMP := $(VENV)/.installed-$(or $(PYTHON_ID),none)

.PHONY: test lint typecheck pytest docs demo bench bench-service soak record clean check-python database

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory check-python
	@if [ -d $(VENV) ] && [ "$$($(PY) -c '$(PYTHON_ID_CODE)' 2>/dev/null)" != "$(PYTHON_ID)" ]; then \
		echo "$(VENV) was made by another Python; rebuilding it with $(PYTHON) ($(PYTHON_ID))"; \
		rm -rf $(VENV); \
	fi
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed*
	touch $(STAMP)

# Python 3.10+ is required; say so plainly rather than fail later in pip or at import.
check-python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { \
		echo "error: $(PYTHON) not found; install Python 3.10+ or run make PYTHON=/path/to/python3.x" >&2; \
		exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' || { \
		echo "error: Python 3.10+ is required, but $(PYTHON) is $$($(PYTHON) -V 2>&1); run make PYTHON=python3.12 (or any 3.10+)" >&2; \
		exit 1; }

test: lint typecheck pytest docs

lint: $(STAMP)
	$(VENV)/bin/ruff check activecampaign_client rudder_mapper tests benchmarks
	$(VENV)/bin/ruff format --check activecampaign_client rudder_mapper tests benchmarks

typecheck: $(STAMP)
	$(VENV)/bin/mypy activecampaign_client rudder_mapper tests/typing_consumer.py tests/distribution/consumer_app.py

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

# The API reference from the docstrings, into site/. --strict: a warning (a broken
# reference, a docstring griffe cannot parse) fails the build. NO_MKDOCS_2_WARNING silences
# a banner about the theme's future, which is not a build warning.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --site-dir site

demo: $(STAMP)
	$(VENV)/bin/rudder-activecampaign demo

bench: $(STAMP)
	$(PY) -m benchmarks

# The service on a real PostgreSQL with real processes: ingest rate, delivery with 1 and 3
# workers, per-account budget and latency (a few minutes; numbers in the README).
bench-service: $(STAMP) database
	$(PY) -m benchmarks.service

# The soak run also explores new Hypothesis examples (every other run is seeded: see
# tests/conftest.py).
soak: $(STAMP)
	HYPOTHESIS_PROFILE=random $(VENV)/bin/pytest -p no:randomly --soak tests/robustness

# Re-record cassettes against a real account: ACTIVECAMPAIGN_API_URL, ACTIVECAMPAIGN_API_KEY,
# ACTIVECAMPAIGN_ACTID and ACTIVECAMPAIGN_EVENT_KEY must be set. See cassettes/README.md.
record: $(STAMP)
	$(VENV)/bin/pytest --record-mode=rewrite --allow-hosts=all -p no:cacheprovider tests/client

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis site dist build
