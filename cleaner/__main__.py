"""``python -m cleaner``: the command line, as the ``cleaner`` command runs it."""

import sys

from cleaner.cli import main

if __name__ == "__main__":
    sys.exit(main())
