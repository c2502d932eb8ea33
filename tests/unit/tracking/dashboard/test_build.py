"""The committed dashboard build is what the sources build to, fits its budget, and uses no CDN.

Rebuilt here with the pinned esbuild and packages (`make test` runs `npm ci --prefix dashboard`
first) into a temporary directory and compared byte for byte, file names included: esbuild's
output is deterministic, so any difference means someone changed dashboard/src (or a package
version) without running `make dashboard`.
"""

import json
import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
DASHBOARD = ROOT / "dashboard"
STATIC = ROOT / "src" / "tracking" / "dashboard" / "static"
JS_BUDGET = 80 * 1024  # gzip -9 bytes of every script the dashboard page loads


def gzip9(data: bytes) -> int:
    return len(subprocess.run(["gzip", "-9", "-n", "-c"], input=data, capture_output=True, check=True).stdout)


def page_assets(page: str, ext: str) -> list[Path]:
    html = (STATIC / page).read_text()
    return [STATIC / name for name in re.findall(rf'"/dashboard/([\w.-]+\.{ext})"', html)]


def test_the_committed_build_is_what_the_sources_build_to(tmp_path):
    node = shutil.which("node")
    assert node, "node is needed to rebuild the dashboard (Node 20 is on every machine of this project)"
    assert (DASHBOARD / "node_modules" / "esbuild").is_dir(), "run `npm ci --prefix dashboard` (make test does)"
    out = subprocess.run([node, str(DASHBOARD / "build.mjs"), "--out", str(tmp_path)], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    built = {p.name for p in tmp_path.iterdir()}
    assert built == {p.name for p in STATIC.iterdir()}, "stale dashboard build: run `make dashboard` and commit " \
                                                       "src/tracking/dashboard/static"
    for name in built:
        assert (tmp_path / name).read_bytes() == (STATIC / name).read_bytes(), f"{name} is stale: run `make dashboard`"


def test_the_dashboard_scripts_fit_the_budget_and_every_asset_is_local():
    scripts = page_assets("index.html", "js")
    assert scripts, "index.html loads no script"
    assert sum(gzip9(p.read_bytes()) for p in scripts) <= JS_BUDGET
    for page in ("index.html", "docs.html", "redoc.html"):
        html = (STATIC / page).read_text()
        assert "http://" not in html and "https://" not in html, f"{page} names another origin"
        assert "<script>" not in html, f"{page} has an inline script (the CSP allows 'self' only)"
        for asset in page_assets(page, "js") + page_assets(page, "css"):
            assert asset.is_file(), f"{page} names {asset.name}, which the build did not write"


def test_every_package_is_pinned_exactly_in_the_lock_file():
    package = json.loads((DASHBOARD / "package.json").read_text())
    assert "dependencies" not in package  # everything is bundled at build time
    lock = json.loads((DASHBOARD / "package-lock.json").read_text())
    for name, version in package["devDependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} is not pinned exactly: {version}"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version


def test_the_readme_states_the_measured_sizes():
    readme = (ROOT / "README.md").read_text()
    for ext in ("js", "css"):
        assets = page_assets("index.html", ext)
        raw, gz = sum(p.stat().st_size for p in assets), sum(gzip9(p.read_bytes()) for p in assets)
        row = re.search(rf"^\| dashboard {ext.upper()} \| ([\d,]+) B \| ([\d,]+) B \|", readme, re.M)
        assert row, f"README.md has no `| dashboard {ext.upper()} | … |` size row"
        assert (int(row[1].replace(",", "")), int(row[2].replace(",", ""))) == (raw, gz), \
            f"README.md states {row[1]} / {row[2]} B for the dashboard {ext}, the build is {raw} / {gz} B"
