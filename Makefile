# The README's two commands: `make run` and `make test`. Both set everything up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Extras installed for the app and for the tests (tests install every optional engine too).
RUN_EXTRAS := speech,tts,gui,cloud
TEST_EXTRAS := speech,tts,gui,cloud,vosk,torch,dev
# Debian packages: audio synthesis for tests, PortAudio for the mic, Qt's xcb libraries for a window.
APT_PACKAGES := espeak-ng sox libportaudio2 libxcb-cursor0 libxkbcommon-x11-0 libegl1 libgl1 \
	libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-image0 libxcb-render-util0 \
	libfontconfig1 libdbus-1-3 xvfb mosquitto

.PHONY: run test lint format bench apt venv clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# One stamp per extras set, redone when pyproject.toml changes.
$(VENV)/.installed-%: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[$*]"
	touch $@

apt:
	@missing=""; for p in $(APT_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

run: apt $(VENV)/.installed-$(RUN_EXTRAS)
	$(BIN)/hearth

test: apt $(VENV)/.installed-$(TEST_EXTRAS)
	$(BIN)/ruff check .
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

lint: $(VENV)/.installed-$(TEST_EXTRAS)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-$(TEST_EXTRAS)
	$(BIN)/ruff format .

bench: $(VENV)/.installed-$(TEST_EXTRAS)
	$(BIN)/python -m bench.intents

clean:
	rm -rf $(VENV) build *.egg-info
