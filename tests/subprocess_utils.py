# Copyright (c) zkd_mm contributors. All rights reserved.
"""Run Python snippets in a fresh interpreter, as a user's process would."""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def run_python(code: str, cwd=None, timeout: int = 300,
               env=None) -> subprocess.CompletedProcess:
    """Run ``code`` with this interpreter; stdout and stderr are captured."""
    full_env = dict(os.environ)
    full_env.pop('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', None)
    full_env.update(env or {})
    return subprocess.run([sys.executable, '-c', textwrap.dedent(code)],
                          cwd=cwd or REPO_ROOT, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


def assert_ok(result: subprocess.CompletedProcess) -> str:
    """Fail with the child's output unless it exited 0; return stdout."""
    assert result.returncode == 0, (
        f'exit {result.returncode}\nSTDOUT:\n{result.stdout[-4000:]}\n'
        f'STDERR:\n{result.stderr[-4000:]}')
    return result.stdout
