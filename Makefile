# Everyday tasks. Installs into the current Python (no project venv needed).
# Every target is idempotent; a second run is quick.
PYTHON   ?= python3
ANNOTATE ?= $(PYTHON) -m annotate.cli
PROJECT  ?= 新质生产力专题

STAMP := .cache/make/install.stamp

# dev3's held-out families (corpus/dev3/README.md): nobody writing rules reads their files, gold or errors.
# A group or --files class that matches no gold file is skipped, so a family joins its figures once its gold lands.
HELD_OUT       := bfjklmnouvzABDEH
HELD_OUT_NAMES := b f j k l m n o u v z A B D E H

# The rows of the Figures table in docs/evaluation.md (`annotate evaluate --group-by NAME=REGEX` on the file names).
FIGURE_GROUPS := --group-by 'seed=^000_' --group-by 'dev2, all 20=^[pqrs][0-9][0-9]_' \
  --group-by 'dev2 pNN (md)=^p[0-9][0-9]_' --group-by 'dev2 qNN (md)=^q[0-9][0-9]_' \
  --group-by 'dev2 rNN (html, txt)=^r[0-9][0-9]_' --group-by 'dev2 sNN (html)=^s[0-9][0-9]_' \
  --group-by 'dev3 tuning (a c d e g h i t w x y)=^[acdeghitwxy][0-9][0-9]_' \
  --group-by 'dev3 tuning, all (a c d e g h i t w x y C F G)=^[acdeghitwxyCFG][0-9][0-9]_' --group-by 'dev3 HELD OUT ($(HELD_OUT_NAMES))=^[$(HELD_OUT)][0-9][0-9]_' \
  --group-by 'dev3 a speeches (PHP pages)=^a[0-9][0-9]_' --group-by 'dev3 b essays (collected works)=^b[0-9][0-9]_' \
  --group-by 'dev3 c officials (crawled gov pages)=^c[0-9][0-9]_' --group-by 'dev3 e party office reposts=^e[0-9][0-9]_' \
  --group-by 'dev3 h HTML in Jekyll posts=^h[0-9][0-9]_' --group-by 'dev3 i blog posts=^i[0-9][0-9]_' \
  --group-by 'dev3 j RSS dumps=^j[0-9][0-9]_' --group-by 'dev3 k student page=^k[0-9][0-9]_' \
  --group-by 'dev3 l HK opinion blogs (archive md)=^l[0-9][0-9]_' --group-by 'dev3 m whole opinion pages=^m[0-9][0-9]_' \
  --group-by 'dev3 n feed-backup reposts=^n[0-9][0-9]_' --group-by 'dev3 o New Year editorials (one weekly)=^o[0-9][0-9]_' \
  --group-by 'dev3 t Qiushi theory articles=^t[0-9][0-9]_' --group-by 'dev3 w essays of one writer (hard-wrapped text)=^w[0-9][0-9]_' --group-by 'dev3 u one commentary column=^u[0-9][0-9]_' \
  --group-by 'dev3 v one column as app data (TS records)=^v[0-9][0-9]_' \
  --group-by 'dev3 x commentaries as JSON records of a news app=^x[0-9][0-9]_' \
  --group-by 'dev3 y whole pages of an extraction benchmark=^y[0-9][0-9]_' \
  --group-by 'dev3 d WeChat reposts in a Jekyll archive=^d[0-9][0-9]_' \
  --group-by 'dev3 g essays of one blog (Hugo posts)=^g[0-9][0-9]_' \
  --group-by 'dev3 z WeChat posts in Jekyll (unseen)=^z[0-9][0-9]_' \
  --group-by 'dev3 f editorials of another paper (unseen)=^f[0-9][0-9]_' \
  --group-by 'dev3 A commentaries of a digital-times archive (unseen)=^A[0-9][0-9]_' \
  --group-by 'dev3 E essays of a blog, reStructuredText (unseen)=^E[0-9][0-9]_' \
  --group-by 'dev3 F speeches of a company founder (VitePress md)=^F[0-9][0-9]_' \
  --group-by 'dev3 G essays of one blog (body-only HTML)=^G[0-9][0-9]_' \
  --group-by 'dev3 H whole pages of a school site (unseen)=^H[0-9][0-9]_' \
  --group-by 'dev3 C essays of a WeChat account, backed up as Markdown=^C[0-9][0-9]_' \
  --group-by 'dev3 B magazine interviews, backed up as Markdown (unseen)=^B[0-9][0-9]_' \
  --group-by 'dev3 D journal essays of a historian, Markdown chapters (unseen)=^D[0-9][0-9]_' \
  --group-by 'held out, the first six (b j k l m n)=^[bjklmn][0-9][0-9]_'
GOLD := --gold gold/seed.gold.jsonl --gold gold/dev2.gold.jsonl --gold gold/dev3.gold.jsonl

.PHONY: install model prelabel score figures test bench demo demo-next browser bench-scale lock

# pip install -e ".[test]" again only when pyproject.toml changed or the package is gone.
install:
	@$(PYTHON) -c "import annotate.cli, pytest, hypothesis" 2>/dev/null || rm -f $(STAMP)
	@$(MAKE) --no-print-directory -s $(STAMP)

# The first install takes minutes: one line of progress, pip's whole output in the log
# (its last lines are shown if it fails).
PIP_LOG := .cache/make/pip-install.log
$(STAMP): pyproject.toml
	@echo "==> pip install -e .[test] (first time: a few minutes)"
	@$(PYTHON) -m annotate.logged_run --log $(PIP_LOG) -- \
	  $(PYTHON) -m pip install --disable-pip-version-check --progress-bar off -e ".[test]"
	@mkdir -p $(dir $@) && touch $@

# The pkuseg segmenter model (≈50 MB download once, ≈180 MB cached; "already fetched" after).
model: install
	@echo "==> the segmenter model"
	@$(ANNOTATE) model fetch

prelabel: install model
	$(ANNOTATE) prelabel corpus/ -o exports/prelabels.json

# corpus/ against the gold in gold/: the seed, then dev2 per batch, then dev3's tuning families per family and
# file. dev3's held-out families ($(HELD_OUT_NAMES)) show only their totals, never their errors.
score: prelabel
	$(ANNOTATE) evaluate --gold gold/seed.gold.jsonl exports/prelabels.json --no-per-file
	$(ANNOTATE) evaluate --gold gold/dev2.gold.jsonl exports/prelabels.json --group-by '^([a-z])'
	$(ANNOTATE) evaluate --gold gold/dev3.gold.jsonl exports/prelabels.json --files 'a*,c*,e*,h*,i*,t*,w*,x*,y*' --group-by '^([a-z])'
	@echo "dev3 held-out families $(HELD_OUT_NAMES) (totals only; a family without gold yet is not scored):"
	@$(ANNOTATE) evaluate --gold gold/dev3.gold.jsonl exports/prelabels.json --files '[$(HELD_OUT)]*' --markdown \
	  --no-per-file --group-by 'held out ($(HELD_OUT_NAMES))=^[$(HELD_OUT)]' | awk '/^\*\*Per group/ {p = 1} /^\*\*Precision/ {p = 0} p'

# The Figures table of docs/evaluation.md (Markdown rows: lenient F1 with the gold count, relations, macro).
figures: prelabel
	$(ANNOTATE) evaluate $(GOLD) exports/prelabels.json \
	  --markdown --no-per-file $(FIGURE_GROUPS) | awk '/^\*\*Per group/ {p = 1} /^\*\*Precision/ {p = 0} p'

# tests/data/behaviour.lock.json again (tools/lock_behaviour.py): after any change of the tasks, RULES_REVISION
# is bumped in annotate/behaviour.py when it still is the lock's. Also the one command after a merge.
lock: install model
	$(PYTHON) tools/lock_behaviour.py

test: install model browser
	$(PYTHON) -m pytest -q

# Headless Chromium and CJK fonts from Debian for the labeling-interface test
# (Playwright's own browser download is not reachable). Needs root (CI) or sudo.
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "noto.*cjk"; then \
	  echo "==> apt-get install chromium fonts-noto-cjk"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium fonts-noto-cjk \
	    || echo "warning: could not install chromium; the browser test will be skipped (fails in CI)"; \
	fi

bench: install model
	$(PYTHON) tests/bench_prelabel.py

MB ?= 50
bench-scale: install model
	$(PYTHON) tests/bench_scale.py --mb $(MB)

# Label Studio + the corpus pre-annotated and pushed + the rules as its ML backend.
# It ends with where to log in and what to do next (demo-next).
demo: install model
	@echo "==> Label Studio (first time: installs into .studio/venv, 2–3 minutes)"
	@$(ANNOTATE) studio up
	@echo "==> pre-annotating corpus/ and pushing it to $(PROJECT)"
	@$(ANNOTATE) push corpus/ --project "$(PROJECT)"
	@echo "==> starting the ML backend (annotate serve) and connecting it to $(PROJECT)"
	@$(ANNOTATE) studio connect --project "$(PROJECT)"
	@echo
	@$(ANNOTATE) studio status --login
	@$(MAKE) --no-print-directory -s demo-next

# What to do after `make demo` (`annotate` is `python3 -m annotate` where the script is not on PATH).
demo-next:
	@echo
	@echo "Next steps:"
	@echo "  1. Correct a task: log in, open the project $(PROJECT), click a task. The rules' regions"
	@echo "     are there: accept, fix or delete them, add what is missing, relate them with"
	@echo "     supports, then Submit (guidelines/manual.md says how)."
	@echo "  2. Export the tables:          annotate export --project $(PROJECT) -o exports/"
	@echo "  3. See what was corrected:     annotate report --project $(PROJECT) -o exports/"
	@echo "  4. Calibrate the rule scores:  annotate calibrate --project $(PROJECT)"
	@echo "  5. Stop the servers:           annotate studio down"
