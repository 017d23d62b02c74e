"""Speed benchmarks of the roster import (issue 3, "Speed"): `make bench`, never timed tests.

Run against PostgreSQL, e.g. `bin/with-services .venv/bin/python -m benchmarks` (the targets, PASS/FAIL);
`python -m benchmarks.hotspots` profiles one commit and shows where its time goes."""
