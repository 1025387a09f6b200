"""The engine and the reference knowledge must not import Django: checked by import-linter, in the tests."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold() -> None:
    lint = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    result = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 broken" in result.stdout, result.stdout


def test_engine_imports_without_django() -> None:
    code = (
        "import sys, importlib, pkgutil, wsis.engine, wsis.reference.loader\n"
        "for m in pkgutil.walk_packages(wsis.engine.__path__, 'wsis.engine.'):\n"
        "    if 'spark' not in m.name: importlib.import_module(m.name)\n"
        "wsis.reference.loader.load()\n"
        "assert 'django' not in sys.modules, sorted(k for k in sys.modules if k.startswith('django'))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
