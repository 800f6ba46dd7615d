# Two commands for a fresh machine (see README):  `make serve`  and  `make test`.
SHELL := /bin/bash
VENV  ?= .venv
PY    := $(VENV)/bin/python
BIN   := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST  ?= 127.0.0.1
PORT  ?= 8000
WORKERS ?= 1

.PHONY: install serve test test-notebooks test-slow test-pytest lint check-sync sysdeps sync readme docs data train bench eval

# Re-install only when the declared requirements change.
$(STAMP): settings.ini setup.py
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

install: $(STAMP)

## The main job: API + dashboard on the shipped, pretrained model (WORKERS=N: N processes over the same storage).
serve: install
	$(PY) api.py --host $(HOST) --port $(PORT) --workers $(WORKERS)

## Every test: library == notebooks, clean notebooks, static check, nbdev_test, pytest (API, S3, browser).
test: install sysdeps check-sync lint test-notebooks test-pytest

## Undefined names, unused imports and the like (pyflakes' rules) in the library, the apps and the tests.
lint: install
	$(BIN)/ruff check --select F kick_nbdev kick_app tests benchmarks api.py dashboard.py

sysdeps:
	bash .ci/sysdeps.sh

check-sync: install
	PATH=$(abspath $(BIN)):$$PATH bash .ci/check_sync.sh

test-notebooks: install
	cd nbs && ../$(BIN)/nbdev_test --path . --n_workers 2 --timing

## The measurements marked `#| slow` in the notebooks (minutes each; not part of `make test`).
test-slow: install
	cd nbs && ../$(BIN)/nbdev_test --path . --n_workers 1 --flags slow --timing

test-pytest: install
	$(PY) -m pytest -q tests

## After editing notebooks: export the library, clean the notebooks, regenerate README.md.
sync: install readme
	$(BIN)/nbdev_export
	$(BIN)/nbdev_clean

## The notebooks, with their outputs, as a static HTML site in _docs/ (served at /guide/ by `make serve`).
docs: install
	$(PY) -m kick_app.docs --nbs nbs --out _docs

readme: install
	$(BIN)/jupyter nbconvert --to markdown nbs/index.ipynb --stdout 2>/dev/null > README.md

## Real corpus from Debian packages (no root needed), then the shipped model's training run.
data: install
	$(BIN)/kick_data fetch

# The shipped model's recipe (08_train): the hybrid decoder as an auto-decoder on every real kick, trained on the log-mel
# distance (+ attack and pitch terms), 50 minutes on one torch thread (the learning rate's cosine follows the time budget),
# then the corpus latents refined on the log-mel distance and the mixture prior fitted to them.
train: data
	$(BIN)/kick_train --out runs/shipped --decoder hybrid --codes --all_kicks --batch_size 8 --steps 20000 --minutes 50 --threads 1 \
		--w_logmel 0.1 --w_mrstft 0 --w_l1 0 --refine_steps 30 --prior_components 4 --ship
	cp runs/shipped/log.csv kick_nbdev/weights/kick_vae.log.csv
	cp runs/shipped/config.json kick_nbdev/weights/kick_vae.config.json
	$(BIN)/kick_controls   # the category prior and shape directions of the new weights

## Leave-kit-out cross-validation (5 folds) of the candidates; CANDIDATES=nearest,mean,pkg.module:function
CANDIDATES ?= nearest,mean,kick_nbdev.train:fold_candidate
eval: install
	$(BIN)/kick_eval --candidates $(CANDIDATES) --out runs/eval

bench: install
	$(PY) benchmarks/decode_latency.py
