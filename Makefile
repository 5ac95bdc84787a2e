# Every target bootstraps what it needs from nothing: a fresh clone only needs python3, node and npm.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
SYSTEM_STAMP := $(VENV)/.system-packages
STORE ?= sqlite:///$(CURDIR)/var/heart.db
PORT ?= 8000
# Where `make skill-package` writes the package; ask-resources.json goes beside it.
PACKAGE ?= skill-package

.PHONY: run chat serve test lint typecheck unit bench lambda-zip skill-package clean install system-packages lock

# Everything is installed from the lock (requirements/dev.lock), then the project itself without
# resolving again, so every machine runs the same versions. `make lock` rewrites the locks.
$(STAMP): pyproject.toml requirements/dev.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# Re-pin after changing dependencies in pyproject.toml: the Lambda's runtime, and every extra.
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 -q -o requirements/lambda.lock
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --extra dev -q -o requirements/dev.lock

$(NODE_STAMP): package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

# Debian packages the integration tests drive for real: Chromium for the simulator page, ffmpeg for audio.
$(SYSTEM_STAMP): $(STAMP)
	bash scripts/install-system-packages.sh
	touch $(SYSTEM_STAMP)

install: $(STAMP) $(NODE_STAMP)

system-packages: $(SYSTEM_STAMP)

# The web service and its speaker simulator, on this machine only (the simulator is refused on
# any other address); it prints the simulator's URL once it is listening.
run: $(STAMP)
	@mkdir -p var
	$(BIN)/heart-to-heart serve --simulator --host 127.0.0.1 --port $(PORT) --store $(STORE)

chat: $(STAMP)
	@mkdir -p var
	$(BIN)/heart-to-heart chat --store $(STORE)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP) $(NODE_STAMP) $(SYSTEM_STAMP) lint typecheck
	$(BIN)/python -m pytest

unit: $(STAMP)
	$(BIN)/python -m pytest tests/unit tests/dialogs

bench: $(STAMP) $(NODE_STAMP)
	$(BIN)/python -m bench

# The Lambda zip (python3.12, arm64; no boto3, Flask or gTTS) for lambda/template.yaml.
lambda-zip: $(STAMP)
	$(BIN)/heart-to-heart build-lambda --out build/lambda.zip

# skill-package/ (skill.json, interaction models with name-free phrases, custom tasks) and the
# ASK CLI v2 project (ask-resources.json, infrastructure/cfn-deployer/skill-stack.json), so that
# `ask deploy` deploys skill, code (hooks/build.sh) and stack. ENDPOINT=<function ARN> writes the
# endpoint into skill.json; without it, ask deploy fills it in from the stack.
skill-package: $(STAMP)
	$(BIN)/heart-to-heart export-skill-package --out $(PACKAGE) --ask-resources $(if $(ENDPOINT),--endpoint $(ENDPOINT))

clean:
	rm -rf $(VENV) node_modules build dist var .mypy_cache .ruff_cache .pytest_cache
