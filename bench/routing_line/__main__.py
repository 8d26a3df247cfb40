"""`python -m bench.routing_line`: see run.py's docstring and README.md beside it."""

from bench.routing_line.run import main

raise SystemExit(main())
