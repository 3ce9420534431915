# The README's two commands: `make run` and `make test`. Both set everything up on a fresh machine,
# installing exact versions with hashes from the committed locks (never what PyPI serves today).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Extras installed for the app and for the tests (tests install every optional engine too).
RUN_EXTRAS := speech tts gui cloud home
# The app lock also pins PyInstaller (the dist extra), so `make dist` bundles exactly what `make run`
# runs; PyInstaller itself never ends up inside the bundle.
APP_LOCK_EXTRAS := $(RUN_EXTRAS) dist
# requirements.lock: every extra (what `make test` installs); requirements-app.lock: the app's
# extras at the same versions (what `make run` installs). `make lock` remakes both on purpose.
LOCK := requirements.lock
APP_LOCK := requirements-app.lock
# The lock targets the oldest image we run on (Debian 12: glibc 2.36, Python 3.11, x86_64).
LOCK_TARGET := --python-version 3.11 --python-platform x86_64-manylinux_2_36
# torch's CPU build (torch==2.13.0+cpu) is a wheel on this workplace's disk, not on PyPI.
TORCH_WHEELS ?= /opt/wheels
FIND_LINKS := $(if $(wildcard $(TORCH_WHEELS)),--find-links $(TORCH_WHEELS))
# The locks say exactly what to install and from where: machine-wide pip config files (local
# extra indexes, caps) are not read, which also keeps the install quiet.
PIP_INSTALL := PIP_CONFIG_FILE=/dev/null $(BIN)/pip install --quiet --disable-pip-version-check \
	$(FIND_LINKS)
# Debian packages: audio synthesis for tests, PortAudio for the mic, Qt's xcb libraries for a window.
APT_PACKAGES := espeak-ng sox libportaudio2 libxcb-cursor0 libxkbcommon-x11-0 libegl1 libgl1 \
	libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-image0 libxcb-render-util0 \
	libfontconfig1 libdbus-1-3 xvfb mosquitto

# `make dist`: the installers' bundle is made in its own environment from the app lock (never the
# test environment, whose optional engines PyInstaller would otherwise find and bundle).
DIST_VENV := build/dist-venv
DIST_BIN := $(DIST_VENV)/bin

.PHONY: run test lint format bench apt venv clean lock dist dist-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# One stamp per lock, redone when the lock changes. Only hashed, pinned files are installed
# (--require-hashes, --no-deps); Hearth itself goes in editable, built with the locked setuptools.
$(VENV)/.installed-%: %.lock pyproject.toml | $(BIN)/python
	$(PIP_INSTALL) --require-hashes --no-deps -r $<
	$(PIP_INSTALL) --no-deps --no-build-isolation --editable .
	touch $@

# Refresh both locks from pyproject's ranges: a deliberate change, committed with a green suite.
lock: $(VENV)/.installed-requirements
	printf 'setuptools>=77\n' | $(BIN)/uv pip compile pyproject.toml - --all-extras --upgrade \
		--generate-hashes $(LOCK_TARGET) $(FIND_LINKS) --no-header --quiet -o $(LOCK)
	printf 'setuptools>=77\n' | $(BIN)/uv pip compile pyproject.toml - \
		$(foreach e,$(APP_LOCK_EXTRAS),--extra $(e)) --constraint $(LOCK) \
		--generate-hashes $(LOCK_TARGET) $(FIND_LINKS) --no-header --quiet -o $(APP_LOCK)

apt:
	@missing=""; for p in $(APT_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

run: apt $(VENV)/.installed-requirements-app
	$(BIN)/hearth

test: apt $(VENV)/.installed-requirements
	$(BIN)/ruff check .
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

lint: $(VENV)/.installed-requirements
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-requirements
	$(BIN)/ruff format .

bench: $(VENV)/.installed-requirements
	$(BIN)/python -m bench.intents

$(DIST_VENV)/.installed: $(APP_LOCK) pyproject.toml
	rm -rf $(DIST_VENV)
	$(PYTHON) -m venv $(DIST_VENV)
	$(subst $(BIN)/,$(DIST_BIN)/,$(PIP_INSTALL)) --require-hashes --no-deps -r $(APP_LOCK)
	$(subst $(BIN)/,$(DIST_BIN)/,$(PIP_INSTALL)) --no-deps --no-build-isolation --editable .
	touch $@

# The PyInstaller bundle (dist/hearth), then the .deb and the portable tar.xz from it, then what
# each part costs (dist/sizes.json). packaging/hearth.spec and bundle_plan.py say what goes in.
dist: apt $(DIST_VENV)/.installed
	rm -rf dist/hearth dist/hearth_*.deb dist/hearth-*.tar.xz
	$(DIST_BIN)/python packaging/make_icon.py build/icons
	nice -n 10 $(DIST_BIN)/pyinstaller --noconfirm --log-level WARN --distpath dist \
		--workpath build/pyinstaller packaging/hearth.spec
	nice -n 10 $(DIST_BIN)/python packaging/linux_packages.py dist/hearth --icons build/icons --out dist
	$(DIST_BIN)/python packaging/bundle_sizes.py dist/hearth dist/hearth_*.deb dist/hearth-*.tar.xz \
		--json dist/sizes.json

# Smoke tests of what `make dist` built: the bundle's commands, voice and window, the .deb's
# contents, and (as root, where /srv/trixie holds a Debian root) an install into that chroot.
dist-test: dist $(VENV)/.installed-requirements
	HEARTH_TEST_CHROOT=1 QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider \
		tests/packaging

clean:
	rm -rf $(VENV) build dist *.egg-info
