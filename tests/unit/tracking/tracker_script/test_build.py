"""The committed tracker build is what the sources build to, and it stays within its size budget.

The build is rebuilt here with the pinned esbuild (`make test` runs `npm ci --prefix tracker`
first) into a temporary directory and compared byte for byte: esbuild's output is deterministic,
so any difference means someone changed tracker/src without running `make tracker`.
"""

import re
import shutil
import subprocess
from pathlib import Path

from tracking.tracker_script.service import BUILT_FILES, content_hash

ROOT = Path(__file__).resolve().parents[4]
TRACKER = ROOT / "tracker"
STATIC = ROOT / "src" / "tracking" / "tracker_script" / "static"
BUDGET = {"t.js": 2048, "t.vitals.js": 1024}  # gzip -9 bytes: the core's budget is the 2 KB


def gzip9(path: Path) -> int:
    """Bytes after `gzip -9` (without the file name in the header, as a server would send it)."""
    return len(subprocess.run(["gzip", "-9", "-n", "-c", str(path)], capture_output=True, check=True).stdout)


def test_the_committed_build_is_what_the_sources_build_to(tmp_path):
    node = shutil.which("node")
    assert node, "node is needed to rebuild the tracker (Node 20 is on every machine of this project)"
    assert (TRACKER / "node_modules" / "esbuild").is_dir(), "run `npm ci --prefix tracker` (make test does)"
    out = subprocess.run([node, str(TRACKER / "build.mjs"), "--out", str(tmp_path)], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    for name in BUILT_FILES:
        assert (tmp_path / name).read_bytes() == (STATIC / name).read_bytes(), \
            f"{name} is stale: run `make tracker` and commit src/tracking/tracker_script/static"


def test_every_built_file_fits_its_gzip_budget():
    for name, budget in BUDGET.items():
        assert gzip9(STATIC / name) <= budget, f"{name}: {gzip9(STATIC / name)} bytes gzipped > {budget}"


def test_the_core_loads_the_vitals_chunk_by_its_content_hash():
    core = (STATIC / "t.js").read_text()
    assert f"/t.vitals.{content_hash((STATIC / 't.vitals.js').read_bytes())}.js" in core


def test_the_readme_states_the_measured_sizes():
    readme = (ROOT / "README.md").read_text()
    for name in BUILT_FILES:
        raw, gz = (STATIC / name).stat().st_size, gzip9(STATIC / name)
        row = re.search(rf"^\| `{re.escape(name)}` \| ([\d,]+) B \| ([\d,]+) B \|", readme, re.M)
        assert row, f"README.md has no size row for {name}"
        assert (int(row[1].replace(",", "")), int(row[2].replace(",", ""))) == (raw, gz), \
            f"README.md states {row[1]} / {row[2]} B for {name}, the build is {raw} / {gz} B"


def test_the_sources_are_es2019_modules_without_a_runtime_dependency():
    package = (TRACKER / "package.json").read_text()
    assert '"dependencies"' not in package  # esbuild is the only (dev) dependency, pinned exactly
    assert re.search(r'"esbuild": "\d+\.\d+\.\d+"', package)
    assert (TRACKER / "package-lock.json").is_file()
