# Two commands for people: `make lab` (open the module) and `make test` (check everything).
# Both create a local .venv on first use; nothing is installed outside this folder.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed
TEST_STAMP = $(VENV)/.installed-test

.PHONY: lab app test nbval site exercises solutions clean

# make lab installs what a student needs; make test adds nbval and the test tools on top.
$(STAMP): pyproject.toml lab-settings/overrides.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[lab]'
	@# JupyterLab's settings for the module (no "Jupyter news" prompt), where JupyterLab reads overrides
	mkdir -p $(VENV)/share/jupyter/lab/settings && cp lab-settings/overrides.json $(VENV)/share/jupyter/lab/settings/
	touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[lab,instructor,site,test]'
	touch $(TEST_STAMP)

## Open the module in JupyterLab on the start notebook (127.0.0.1, token kept on).
lab: $(STAMP)
	$(BIN)/attribution-lab lab

## Open the lessons as an app with Voila (panels and text, code hidden), on 127.0.0.1:8866.
app: $(STAMP)
	$(BIN)/attribution-lab app

## Run every test: lint and types, unit, notebooks (nbval) and, where a browser exists, browser tests.
## Tests run on one process more than the machine has cores (pytest-xdist): the browser tests spend
## part of their time waiting for a page or a kernel, which a third process on two cores fills.
## A notebook's cells stay together on one process (--dist loadfile, or no xdist at all).
## Each test process is handed two tests at a time (--maxschedchunk=2), so one process cannot be left
## with a queue of long browser tests while the others have finished.
## The solutions run under nbval in one more process, beside the rest (their output is printed after).
## The 15 slowest tests are listed at the end of the run, then the time the whole run took.
# The notebooks save to the module's answers file: nbval runs them with a temporary one, so that a
# test run never writes into yours.
# Lessons and worksheets run once: in the browser tests (JupyterLab, every cell, no error output,
# and more), or under nbval-lax where this machine has no browser for them.
test: $(TEST_STAMP)
	@start=$$(date +%s); \
	$(BIN)/ruff check src \
	  && $(BIN)/ruff check --select E9,F,I tests benchmarks \
	  && $(BIN)/mypy \
	  && answers=$$(mktemp -d) && solutions_log=$$(mktemp) \
	  && { ATTRIBUTION_LAB_ANSWERS_DIR=$$answers $(BIN)/python -m pytest -p no:xdist -q --nbval --nbval-current-env \
	         --nbval-sanitize-with tests/nbval-sanitize.cfg solutions > $$solutions_log 2>&1 & } \
	  && solutions=$$! \
	  && workers=$$($(BIN)/python -c 'import os; print((os.cpu_count() or 1) + 1)') \
	  && $(BIN)/python -m pytest -n $$workers --maxschedchunk=2 --durations=15; \
	status=$$?; \
	if [ -n "$${solutions:-}" ]; then \
	  wait $$solutions; solved=$$?; echo "The solutions under nbval:"; cat $$solutions_log; \
	  [ $$status -eq 0 ] && status=$$solved; fi; \
	[ $$status -eq 0 ] && if [ -n "$$($(BIN)/python tests/browser/harness.py --missing)" ]; then \
	  ATTRIBUTION_LAB_ANSWERS_DIR=$$answers $(BIN)/python -m pytest -n auto --dist loadfile --nbval-lax --nbval-current-env notebooks exercises; \
	  status=$$?; fi; \
	[ -n "$${answers:-}" ] && rm -rf "$$answers" "$$solutions_log"; \
	echo "make test: $$(( $$(date +%s) - start )) s in all, exit status $$status"; exit $$status

## The notebooks alone under nbval: every lesson and worksheet runs (lax), the solutions match (strict).
nbval: $(TEST_STAMP)
	@answers=$$(mktemp -d); \
	ATTRIBUTION_LAB_ANSWERS_DIR=$$answers $(BIN)/python -m pytest -n auto --dist loadfile --nbval-lax --nbval-current-env notebooks exercises \
	  && ATTRIBUTION_LAB_ANSWERS_DIR=$$answers $(BIN)/python -m pytest -n auto --dist loadfile --nbval --nbval-current-env \
	       --nbval-sanitize-with tests/nbval-sanitize.cfg solutions; \
	status=$$?; rm -rf "$$answers"; exit $$status

## Build the lessons, with their outputs, as a static website in site/ (offline; open site/index.html).
site: $(TEST_STAMP)
	$(BIN)/python -m attribution_lab.authoring.site . site

## Regenerate exercises/ from solutions/ (solutions are the only hand-edited worksheets).
exercises: $(STAMP)
	$(BIN)/attribution-lab make-exercises solutions exercises

## Re-run the solutions and store their outputs (after a deliberate change to the key), then the exercises.
solutions: $(STAMP)
	$(BIN)/attribution-lab refresh-solutions solutions
	$(MAKE) exercises

clean:
	rm -rf $(VENV)
