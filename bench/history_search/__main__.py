"""`python -m bench.history_search`: see run.py's docstring and README.md beside it."""

from bench.history_search.run import main

raise SystemExit(main())
