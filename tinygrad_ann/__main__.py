"""`python -m tinygrad_ann demo`: see tinygrad_ann.cli."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
