"""One browser for the package, a fresh context (no storage, no cookies) and fake site per test."""

import pytest
from playwright.sync_api import sync_playwright

from tests.browser import launch
from tests.integration.tracking.tracker_script.fake_site import FakeSite


@pytest.fixture(scope="package")
def browser():
    with sync_playwright() as p:
        browser = launch(p)
        yield browser
        browser.close()


@pytest.fixture
def site(browser):
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    fake = FakeSite(page).install()
    yield fake
    context.close()
    assert not errors, f"errors in the page: {errors}"
