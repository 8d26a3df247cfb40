"""`python -m bench.video_ttff`: see README.md beside this file."""

from bench.video_ttff.run import main

raise SystemExit(main())
