# Everyday tasks. Installs into the current Python (no project venv needed).
# Every target is idempotent; a second run is quick.
PYTHON   ?= python3
SHARED   ?= ../shared
ANNOTATE ?= $(PYTHON) -m annotate.cli
PROJECT  ?= 新质生产力专题

STAMP := .cache/make/install.stamp

.PHONY: install model prelabel score test bench bench-scale demo

# pip install -e ".[test]" again only when pyproject.toml changed or the package is gone.
install:
	@$(PYTHON) -c "import annotate.cli, pytest, hypothesis" 2>/dev/null || rm -f $(STAMP)
	@$(MAKE) --no-print-directory -s $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m pip install -q --disable-pip-version-check -e ".[test]"
	@mkdir -p $(dir $@) && touch $@

# The pkuseg segmenter model (≈50 MB download once, ≈180 MB cached; "already fetched" after).
model: install
	$(ANNOTATE) model fetch

prelabel: install model
	$(ANNOTATE) prelabel corpus/ -o exports/prelabels.json

score: prelabel
	$(PYTHON) $(SHARED)/bin/score --gold $(SHARED)/gold/seed.gold.jsonl --pred exports/prelabels.json

test: install model
	$(PYTHON) -m pytest -q

bench: install model
	$(PYTHON) tests/bench_prelabel.py

MB ?= 50
bench-scale: install model
	ANNOTATE_SHARED=$(SHARED) $(PYTHON) tests/bench_scale.py --mb $(MB)

demo: install model
	$(ANNOTATE) studio up
	$(ANNOTATE) push corpus/ --project "$(PROJECT)"
