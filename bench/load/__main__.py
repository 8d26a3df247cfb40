"""`python -m bench.load`: the load goal's run of `bench.chat_latency` (see README.md beside this file).

5,000 concurrent conversations at 500 messages/s unless told otherwise; every other option of
`python -m bench.chat_latency` passes through (`--nodes 2 --database-url postgresql+asyncpg://...`
for two nodes on Redis, `--duration 600 --targets showdesk` for the soak).
"""

import sys

from bench.chat_latency.run import RESULTS, main

args = sys.argv[1:]
if not any(a == "--conversations" or a.startswith("--conversations=") for a in args):
    args = ["--conversations", "5000", *args]
if not any(a == "--output" or a.startswith("--output=") for a in args):
    args = [*args, "--output", str(RESULTS / "load.json")]
raise SystemExit(main(args))
