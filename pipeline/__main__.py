import os
import sys

from pipeline.cli.main import main

try:
    sys.exit(main())
except BrokenPipeError:
    # The reader went away (`python -m pipeline … | head`): stop quietly, as Unix tools do.
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(141)
