"""Fixtures of the scaffold's tests: a real headless browser."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

# Debian's chromium and its driver (apt): Selenium is given both paths, so Selenium Manager
# never looks for (or downloads) a browser or a driver.
CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


@pytest.fixture
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
