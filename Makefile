.PHONY: test bench lint constraints fuzz aot-exports

test:
	python -m pytest -n 2 -q

bench:
	@for f in benchmarks/bench_*.py; do python $$f || exit 1; done

# Lint as CI does (tests/unit/test_lint.py): ruff's rules and mypy's modules are set in
# pyproject.toml ([tool.ruff], [tool.mypy]); lint-imports checks the house plan's rooms.
lint:
	ruff check .
	mypy
	lint-imports

# The fuzz suite with a large example budget (the test run uses a small fixed one):
# random scenario files and command-line values, none may end in a traceback.
fuzz:
	THAADSIM_FUZZ=fuzz python -m pytest -q -s -p no:cacheprovider tests/integration/test_fuzz.py

# Re-resolve every dependency in a throw-away virtual environment and pin what it got.
# Run the suite (.ci/run) with the new pins before committing them.
constraints:
	@set -e; venv=$$(mktemp -d); trap 'rm -rf "$$venv"' EXIT; \
	python -m venv "$$venv"; \
	"$$venv/bin/pip" install -q -e '.[test]'; \
	{ echo "# Every package version the README's set-up commands resolve, pinned: \`make constraints\` refreshes it"; \
	  echo "# (a fresh virtual environment, \`pip install -e '.[test]'\`, then \`pip freeze --exclude-editable\`)."; \
	  "$$venv/bin/pip" freeze --exclude-editable; } > constraints.txt.new; \
	mv constraints.txt.new constraints.txt; echo "constraints.txt: $$(grep -c '==' constraints.txt) pins"

# The kernels and argument types the install compiles ahead of time (src/thaadsim/aot_exports.txt,
# thaadsim.aot): rerun after changing a kernel's arguments, then reinstall (`pip install -e .`).
aot-exports:
	THAADSIM_AOT=0 python tools/aot_exports.py
