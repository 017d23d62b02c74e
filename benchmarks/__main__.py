"""`python -m benchmarks [roster] [dashboard]` (`make bench`): the benchmarks against PostgreSQL."""

import sys

from benchmarks.run import main

if __name__ == "__main__":
    sys.exit(main())
