import sys

from backcare.cli import main

sys.exit(main())
