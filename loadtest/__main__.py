"""`python -m loadtest [--seconds 20] [--clients 16] [--workers 4] [--scale 20000] [--api-path /api/v1/batches/]`."""

import sys

from loadtest.run import main

if __name__ == "__main__":
    sys.exit(main())
