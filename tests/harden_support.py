"""The real ``cvpress`` command for the hardening tests (issue 13): a subprocess, bounded."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def cvpress(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``cvpress ARGS`` in ``cwd``; a hang fails the test at ``timeout`` instead of blocking."""
    return subprocess.run(
        [sys.executable, "-m", "cvpress", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
