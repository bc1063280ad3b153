"""Build the five service models in ``models/`` from the public sources in ``../shared/upstream``.

Usage: ``python tools/build_models.py [--shared DIR] [--out DIR] [service ...]``

The builder is the package ``tools.model_build``; this script only puts the repository on
the import path and runs it, so every module loads once.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.model_build.__main__ import main

if __name__ == "__main__":
    raise SystemExit(main())
