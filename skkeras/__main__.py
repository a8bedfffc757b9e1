"""``python -m skkeras``: the skkeras command line (see :mod:`skkeras._cli`)."""

import sys

from ._cli import main

if __name__ == "__main__":
    sys.exit(main())
