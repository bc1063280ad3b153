"""The one way tests run ``mypy --strict`` over code they generate.

Every run shares one cache folder, ``.mypy_cache/tests`` in the repository, so the standard
library's stubs and qsmith's runtime are analysed once per machine rather than once per
test: a cold ``mypy --strict`` spends most of its time there, not in the scratch code.
mypy writes each cache file atomically and re-checks a module whose entry does not match,
so tests running at the same time (pytest-xdist) may share the folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from tests.support.shared import REPO_ROOT

MYPY_CACHE = REPO_ROOT / ".mypy_cache" / "tests"


def mypy_strict(
    *targets: str,
    cwd: Path,
    mypy_path: Sequence[Path] = (),
    config: Path | None = None,
    options: Sequence[str] = (),
    timeout: float = 900,
) -> subprocess.CompletedProcess[str]:
    """``mypy --strict TARGETS`` run in ``cwd`` with ``MYPYPATH=mypy_path``; never raises
    on a type error: the caller reads ``returncode`` and ``stdout``.

    ``config`` names a mypy configuration file; without one, a ``cwd`` outside the
    repository keeps the repository's own settings out.
    """
    command = [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(MYPY_CACHE)]
    if config is not None:
        command += ["--config-file", str(config)]
    env = {**os.environ, "MYPYPATH": os.pathsep.join(str(p) for p in mypy_path)}
    return subprocess.run(
        [*command, *options, *targets],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
