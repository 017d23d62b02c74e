"""`python -m benchmarks` (`make bench`): the roster import benchmark against PostgreSQL."""

import sys

from benchmarks.run import main

if __name__ == "__main__":
    sys.exit(main())
