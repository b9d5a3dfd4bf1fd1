"""ruff keeps the code to the project's style (including no print() in library code)."""

from __future__ import annotations

import subprocess
import sys

from tests.support import REPO


def test_ruff_is_clean():
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "kbtools", "tests", "bench"],
                          cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
