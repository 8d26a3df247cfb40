"""`python -m bench.chat_latency`: see README.md beside this file."""

from bench.chat_latency.run import main

raise SystemExit(main())
