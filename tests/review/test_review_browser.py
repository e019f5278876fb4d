"""The review page in a real browser (headless Debian Chromium): scripts run without console errors,
clicking or pressing Enter on a highlight shows its resource, a hostile document opens no dialog, the
page reflows at 200 % zoom. Screenshots are saved under test-artifacts/ and their paths printed."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from chromium import browser, console_errors, dialogs
from support import REPO, SAMPLES, require_shared

from fhirconv.readers import read_bytes, read_path
from fhirconv.review import Verdict, render_review, sections_of

pytestmark = pytest.mark.browser
ARTIFACTS = REPO / "test-artifacts"


@lru_cache(maxsize=1)
def _converter() -> Any:
    from fhirconv.pipeline import Converter, ConvertOptions

    return Converter(ConvertOptions(gate="model"))


def _write(tmp_path: Path, doc: Any, name: str) -> Path:
    page = render_review(
        _converter().convert(doc), source=name, sections=sections_of(doc), verdict=Verdict("valid")
    )
    out = tmp_path / f"{name}.review.html"
    out.write_text(page, encoding="utf-8")
    return out


def _screenshot(driver: Any, name: str, capsys: pytest.CaptureFixture[str]) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    assert driver.save_screenshot(str(path))
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 10_000
    with capsys.disabled():
        print(f"\n[browser] screenshot: {path}")
    return path


def _check_click(driver: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    marks = driver.find_elements(By.CSS_SELECTOR, "mark.hl")
    assert len(marks) > 3
    target = next(m for m in marks if "t-Condition" in (m.get_attribute("class") or ""))
    ref = target.get_attribute("data-ref")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", target)
    target.click()
    detail = driver.find_element(By.ID, "detail")
    assert detail.get_attribute("data-shown") == ref
    shown = json.loads(detail.find_element(By.CSS_SELECTOR, "pre.json").text)
    assert shown["resourceType"] == "Condition"
    codes = {td.text for td in detail.find_elements(By.CSS_SELECTOR, "table tbody tr td:nth-child(2)")}
    expected = {c["code"] for c in shown.get("code", {}).get("coding", [])} | {
        c["code"] for c in shown["verificationStatus"]["coding"]
    }
    assert expected and expected <= codes
    assert detail.find_element(By.CSS_SELECTOR, ".dlabel").text.strip()
    assert "selected" in (target.get_attribute("class") or "")
    # keyboard: focus another highlight and press Enter
    other = next(m for m in marks if m.get_attribute("data-ref") != ref)
    driver.execute_script("arguments[0].focus();", other)
    other.send_keys(Keys.ENTER)
    assert detail.get_attribute("data-shown") == other.get_attribute("data-ref")
    # a resource in the side list selects it too
    link = driver.find_element(By.CSS_SELECTOR, f'nav.resources a.res-link[data-ref="{ref}"]')
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", link)
    link.click()
    assert detail.get_attribute("data-shown") == ref


def test_seed_page_in_chromium(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed = sorted(require_shared("seeds").glob("*.txt"))[0]
    page = _write(tmp_path, read_path(seed), "seed")
    with browser() as driver:
        driver.get(page.as_uri())
        _check_click(driver)
        _screenshot(driver, "review-seed", capsys)
        assert console_errors(driver) == []
        assert dialogs(driver) == []


@pytest.mark.parametrize("name", ["chest_pain_stemi.txt", "lupus_nephritis.nxml"])
def test_sample_page_in_chromium(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = _write(tmp_path, read_path(SAMPLES / name), name.split(".")[0])
    with browser() as driver:
        driver.get(page.as_uri())
        _check_click(driver)
        # every dated event on the timeline is drawn with a non-empty box
        sizes = driver.execute_script(
            "return Array.from(document.querySelectorAll('svg.timeline g.ev'))"
            ".map(function (g) { var b = g.getBBox(); return b.width * b.height; });"
        )
        assert sizes and all(s > 0 for s in sizes)
        assert console_errors(driver) == []
        assert dialogs(driver) == []


def test_hostile_document_opens_no_dialog(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (
        "A 30-year-old man had fever <script>alert(1)</script> and cough.\u2028 "
        "</script><img src=x onerror=alert(2)><svg onload=alert(3)> He was given aspirin 100 mg."
    )
    page = _write(tmp_path, read_bytes(text.encode(), "hostile.txt"), "hostile")
    with browser() as driver:
        driver.get(page.as_uri())
        assert dialogs(driver) == []
        body = driver.find_element("css selector", "#narrative .text").text
        assert "<script>alert(1)</script>" in body
        _check_click(driver)
        assert console_errors(driver) == []


def test_the_dialog_probe_can_fail(tmp_path: Path) -> None:
    """Control: an unescaped page does open a dialog, so the checks above can fail."""
    page = tmp_path / "unsafe.html"
    page.write_text("<!DOCTYPE html><p>x</p><script>alert(1)</script>", encoding="utf-8")
    with browser() as driver:
        driver.get(page.as_uri())
        assert dialogs(driver) == ["alert:1"]


def test_reflows_at_200_percent_zoom(tmp_path: Path) -> None:
    """200 % zoom on a 1280 px screen leaves a 640 CSS px viewport: nothing may need sideways scrolling."""
    page = _write(tmp_path, read_path(SAMPLES / "chest_pain_stemi.txt"), "zoom")
    with browser(width=640, height=900) as driver:
        driver.get(page.as_uri())
        width = driver.execute_script("return document.documentElement.clientWidth;")
        scroll = driver.execute_script("return document.documentElement.scrollWidth;")
        assert width <= 640 and scroll <= width


def test_print_stylesheet(tmp_path: Path) -> None:
    """Printed, the interactive panel goes and the highlights keep their colours."""
    page = _write(tmp_path, read_path(SAMPLES / "chest_pain_stemi.txt"), "print")
    with browser() as driver:
        driver.get(page.as_uri())
        shown = driver.execute_script("return getComputedStyle(document.getElementById('detail')).display;")
        assert shown != "none"
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        styles = driver.execute_script(
            "var m = document.querySelector('mark.hl');"
            "return [getComputedStyle(document.getElementById('detail')).display,"
            " getComputedStyle(m).backgroundColor, getComputedStyle(m).printColorAdjust];"
        )
        assert styles[0] == "none"
        assert styles[1] not in ("rgba(0, 0, 0, 0)", "transparent") and styles[2] == "exact"
