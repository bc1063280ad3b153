"""The committed models are exactly what tools/build_models.py makes from the shared sources."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.models.ast_index import MODELS_DIR, SERVICES
from tests.support.shared import REPO_ROOT, shared_path


def test_build_reproduces_the_committed_models(tmp_path: Path) -> None:
    upstream = shared_path("upstream", "extracted", "REPORT.md").parents[1]
    script = REPO_ROOT / "tools" / "build_models.py"
    subprocess.run(
        [sys.executable, str(script), "--shared", str(upstream.parent), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    for service in SERVICES:
        built = (tmp_path / f"{service}.json").read_text()
        assert built == (MODELS_DIR / f"{service}.json").read_text(), service
