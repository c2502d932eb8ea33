"""Headless Chromium for the tracker tests: Debian's `chromium` driven by Playwright for Python.

`make test` installs the browser (scripts/install-chromium.sh); a missing browser fails the tests.
The browser can reach 127.0.0.1 only: every other host name resolves to nothing, so a click on an
outbound link never leaves the machine. The user agent is a normal desktop Chrome one (Headless
Chrome's own would be flagged as a bot), set by flag so that it also applies to the beacons a
page sends while it unloads, which Playwright's per-page override does not reach.
"""

from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
USER_AGENT = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/156.0.0.0 Safari/537.36")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", f"--user-agent={USER_AGENT}"]
ARTIFACTS = Path(__file__).resolve().parents[1] / ".test-artifacts"


def launch(playwright):
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: run scripts/install-chromium.sh (make test does)")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
