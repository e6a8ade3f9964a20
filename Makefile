.PHONY: test bench lint

test:
	python -m pytest -n 2 -q

bench:
	@for f in benchmarks/bench_*.py; do python $$f || exit 1; done

lint:
	lint-imports
