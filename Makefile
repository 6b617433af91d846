# newsarchive — the two commands of the README's Quickstart live here.
#   make crawl   set up and crawl the outlets in seeds/ into archive/
#   make test    set up and run the test suite
# and an offline alternative to make crawl:
#   make demo    set up, crawl the simulated news web twice into archive/, open the reading room
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
TOOLS  ?= .tools
STAMP  := $(VENV)/.installed

.PHONY: install tools crawl demo test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# pywb pins an old redis client that conflicts with scrapy-redis, so the replay
# tool gets a virtualenv of its own; the tests find it in $(TOOLS)/pywb.
$(TOOLS)/pywb/bin/wb-manager:
	$(PYTHON) -m venv $(TOOLS)/pywb
	$(TOOLS)/pywb/bin/pip install --quiet --upgrade pip
	$(TOOLS)/pywb/bin/pip install --quiet 'pywb>=2.8,<2.11'

tools: $(TOOLS)/pywb/bin/wb-manager

# Extra arguments for the crawl, e.g. make crawl CRAWL_ARGS="-a outlet=guardian -s CLOSESPIDER_PAGECOUNT=100"
CRAWL_ARGS ?=

crawl: install
	$(BIN)/scrapy crawl news $(CRAWL_ARGS)

# Options of python -m demo, e.g. make demo DEMO_ARGS="--no-serve --archive-dir demo-archive"
DEMO_ARGS ?=

demo: install
	$(BIN)/python -m demo $(DEMO_ARGS)

test: install tools
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) $(TOOLS) archive .pytest_cache
