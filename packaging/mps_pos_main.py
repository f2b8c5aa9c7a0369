"""The frozen app's entry point: PyInstaller needs a script, and this one is `mps-pos`."""

import sys

from pos_app.app import main

if __name__ == "__main__":
    sys.exit(main())
