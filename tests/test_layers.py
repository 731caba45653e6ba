"""The layers of ARCHITECTURE.md hold: bot -> handlers -> storage, and inside handlers the
chat above the case rules. import-linter reads `.importlinter`; a new arrow the wrong way
(a case rule importing the chat, a handler importing Flask) fails here, not in review."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([lint, "--config", str(ROOT / ".importlinter")], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout


def test_the_chat_is_a_package_of_its_own():
    # The case rules live beside the chat, not inside it: the move must not be undone by a
    # module recreated at its old place.
    for old in ("events", "inquiry", "menu", "satisfaction", "flows"):
        assert not (ROOT / "handlers" / f"{old}.py").exists()
        assert not (ROOT / "handlers" / old).is_dir()
