"""`python -m tinygrad_ann.exercises NOTEBOOK...`: grade each notebook, print every result."""

import sys

from .notebooks import main

sys.exit(main())
