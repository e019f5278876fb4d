"""Headless Debian Chromium driven by Selenium through Debian's chromedriver (nothing downloaded).

``browser()`` skips a test clearly when chromium, chromedriver or selenium is missing, and fails it
instead under ``FHIRCONV_REQUIRE_BROWSER=1`` (which .ci/run sets). ``FHIRCONV_CHROMIUM`` and
``FHIRCONV_CHROMEDRIVER`` name other binaries.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import pytest

# Recorded before any page script runs, so a test can tell whether a document made a dialog appear.
DIALOG_PROBE = """
window.__dialogs = [];
['alert', 'confirm', 'prompt'].forEach(function (name) {
  window[name] = function (message) { window.__dialogs.push(name + ':' + message); return null; };
});
"""


def _missing(reason: str) -> None:
    msg = f"needs headless Chromium: {reason} (apt-get install chromium chromium-driver)"
    if os.environ.get("FHIRCONV_REQUIRE_BROWSER") == "1":
        pytest.fail(msg + " and FHIRCONV_REQUIRE_BROWSER=1", pytrace=False)
    pytest.skip(msg)


@contextmanager
def browser(width: int = 1400, height: int = 1000) -> Iterator[Any]:
    """A fresh headless Chromium session (console log kept, dialogs probed)."""
    chromium = (
        os.environ.get("FHIRCONV_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    driver_path = os.environ.get("FHIRCONV_CHROMEDRIVER") or shutil.which("chromedriver")
    if chromium is None or not os.path.isfile(chromium):
        _missing(f"no chromium ({chromium or 'not on PATH'})")
    if driver_path is None or not os.path.isfile(driver_path):
        _missing(f"no chromedriver ({driver_path or 'not on PATH'})")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _missing("the selenium package is not installed (pip install -e '.[test]')")
    assert chromium is not None and driver_path is not None
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--no-first-run",
        "--disable-extensions",
        "--force-device-scale-factor=1",
        f"--window-size={width},{height}",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.unhandled_prompt_behavior = "ignore"
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": DIALOG_PROBE})
        yield driver
    finally:
        driver.quit()


def console_errors(driver: Any) -> list[str]:
    return [str(e.get("message")) for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def dialogs(driver: Any) -> list[str]:
    """Dialogs the page tried to open (probe) plus any real one still showing."""
    from selenium.common.exceptions import NoAlertPresentException

    seen = list(driver.execute_script("return window.__dialogs || [];"))
    with suppress(NoAlertPresentException):
        seen.append("open:" + driver.switch_to.alert.text)
    return seen
