"""The editors' pages in a real browser: `attrib serve` on the embedded store, driven in
headless Chromium (Debian's ``chromium`` and ``chromium-driver``) with Selenium.

They search, open a story and an article, check a pasted article, follow a sentence link
and move through the report with the keyboard; after every page they assert that the
browser asked nothing of any other server and logged no console error. They also take
the screenshots in docs/screenshots/.

No browser is not a reason to skip: the tests fail, saying what to install
(``apt-get install chromium chromium-driver``, ``pip install selenium``); .ci/run installs
both.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path

import pytest

from attrib.config import Config
from tests.web_archive import SEED_003, index_web_archive

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("ATTRIB_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = os.environ.get("ATTRIB_CHROMEDRIVER") or shutil.which("chromedriver") or "/usr/bin/chromedriver"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`attrib serve`'s app under uvicorn, in a thread, on a free loopback port."""
    import uvicorn

    from attrib.service import create_app
    from attrib.store import EmbeddedStore

    db = tmp_path_factory.mktemp("browser") / "attrib.db"
    store = EmbeddedStore(db)
    index_web_archive(store)
    store.close()
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(Config(db_path=db)), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser():
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).is_file()]
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail("selenium is not installed: pip install -e '.[test]'")
    if missing:
        pytest.fail(f"no headless browser: {', '.join(missing)} missing; apt-get install chromium chromium-driver "
                    "(or set ATTRIB_CHROMIUM and ATTRIB_CHROMEDRIVER)")
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must never fetch a driver
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="attrib-chromium-")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1280,860",
                 "--force-device-scale-factor=1"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def _clean(driver, server: str) -> None:
    """The page asked nothing of any other server, and the console holds no error."""
    urls = driver.execute_script(
        "return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))"
        ".map(function (e) { return e.name; });")
    assert urls and all(u.startswith(server + "/") for u in urls), urls
    errors = [entry for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "ERROR", "WARNING")]
    assert not errors, errors


def _shoot(driver, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / name))


def _wait(driver, condition, timeout: float = 30):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)


def test_search_and_open_a_story(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(server + "/")
    box = browser.find_element(By.NAME, "q")
    assert browser.switch_to.active_element == box  # the search box has the focus
    box.send_keys("Blinken Netanyahu minister", Keys.ENTER)
    _wait(browser, lambda d: "q=Blinken" in d.current_url)
    hits = browser.find_elements(By.CSS_SELECTOR, "li.hit")
    story = [h for h in hits if "Blinken meets Israeli leaders" in h.text]
    assert len(story) == 1 and len(hits) > 3, [h.text for h in hits]
    assert story[0].find_element(By.CSS_SELECTOR, ".badge.original").text.lower() == "original"
    copies = story[0].find_element(By.CSS_SELECTOR, "a.copies")
    assert copies.text == "2 copies"
    _clean(browser, server)
    _shoot(browser, "search.png")

    copies.click()
    _wait(browser, lambda d: "story=" in d.current_url)
    titles = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "li.hit h2 a")]
    assert len(titles) == 3 and titles[0].startswith("Blinken meets Israeli leaders")
    assert len(browser.find_elements(By.CSS_SELECTOR, "li.hit .badge.copy")) == 2
    _clean(browser, server)

    browser.find_element(By.LINK_TEXT, "Blinken presses Netanyahu on Gaza").click()
    _wait(browser, lambda d: "/articles/daily-copy" in d.current_url)
    facts = browser.find_element(By.CSS_SELECTOR, "dl.facts").text
    assert "Copied: this article reuses text" in facts and "000_bab4808bdd29a8aa (Example Wire)" in facts
    # page chrome in the article's text is dimmed
    dimmed = [s.text for s in browser.find_elements(By.CSS_SELECTOR, ".article .chrome")]
    assert "Hi, what are you looking for?" in dimmed
    _clean(browser, server)


@pytest.fixture(scope="module")
def report_page(server, browser):
    """The report of seed 003, pasted into the check form."""
    from selenium.webdriver.common.by import By

    browser.get(server + "/check")
    text = SEED_003.read_text(encoding="utf-8").partition("\n")[2]
    area = browser.find_element(By.NAME, "text")
    area.click()
    # typing 4,400 characters key by key takes a minute; a paste sets the value at once
    browser.execute_script("arguments[0].value = arguments[1];", area, text)
    area.send_keys(" ")
    browser.find_element(By.NAME, "title").send_keys("US Senate rejects measure to block arms sale")
    browser.find_element(By.NAME, "outlet").send_keys("Daily Paste")
    browser.find_element(By.NAME, "published_at").send_keys("2024-10-25")
    browser.execute_script("arguments[0].scrollTop = 0;", area)
    _clean(browser, server)
    _shoot(browser, "check.png")
    browser.find_element(By.CSS_SELECTOR, "form.check button").click()
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".report .cols"), timeout=60)
    _clean(browser, server)
    return browser


def test_check_a_pasted_article(server, report_page):
    from selenium.webdriver.common.by import By

    browser = report_page
    assert browser.find_element(By.CSS_SELECTOR, ".verdict").text.lower() == "copied"
    header = browser.find_element(By.CSS_SELECTOR, ".report header").text
    assert "US Senate rejects measure to block arms sale" in header and "Daily Paste" in header
    assert "Likely original: 000_bab4808bdd29a8aa" in header
    pairs = browser.find_elements(By.CSS_SELECTOR, ".col:first-child a.seg[href]")
    assert len(pairs) >= 15
    legend = browser.find_element(By.CSS_SELECTOR, ".legend").text
    assert "reworded (paraphrase)" in legend and "quote taken without credit" in legend
    flagged = browser.find_elements(By.CSS_SELECTOR, ".text .quote.flagged")
    assert {q.find_element(By.XPATH, "ancestor::div[@class='text']").get_attribute("aria-label") for q in flagged} \
        == {"text of this article", "text of the likely original"}


def test_follow_a_sentence_link(server, report_page):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    browser = report_page
    pairs = browser.find_elements(By.CSS_SELECTOR, ".col:first-child a.seg[href]")
    late = next(p for p in pairs if "Just hours before Blinken" in p.text)
    partner_id = late.get_attribute("href").rsplit("#", 1)[1]
    partner = browser.find_element(By.ID, partner_id)
    assert "Earlier on Tuesday, Hezbollah announced" in partner.text

    def visible_in_column(el) -> bool:
        return browser.execute_script(
            "var r = arguments[0].getBoundingClientRect(), c = arguments[0].closest('.text').getBoundingClientRect();"
            "return r.top >= c.top - 1 && r.bottom <= c.bottom + 1;", el)

    # hovering lights up both sides and brings the partner into view
    browser.execute_script("arguments[0].closest('.text').scrollTop = 0;", partner)
    assert not visible_in_column(partner)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", late)
    ActionChains(browser).move_to_element(late).perform()
    _wait(browser, lambda d: "active" in partner.get_attribute("class"))
    assert "active" in late.get_attribute("class") and visible_in_column(partner)
    assert browser.find_element(By.ID, "status").text.startswith("Sentence pair ")
    browser.execute_script("window.scrollTo(0, 0);")
    _shoot(browser, "report.png")
    # following the link moves the focus to the partner
    browser.execute_script("arguments[0].closest('.text').scrollTop = 0;", partner)
    late.click()
    _wait(browser, lambda d: d.switch_to.active_element == partner)
    assert browser.current_url.endswith("#" + partner_id) and visible_in_column(partner)
    _clean(browser, server)


def test_keyboard_navigation(server, report_page):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    browser = report_page
    # start from the top of the page: the site's name, first in the tab order
    browser.execute_script("window.scrollTo(0, 0); document.querySelector('.bar .brand').focus();")
    seen = [("a", "brand", "")]
    for _ in range(40):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        el = browser.switch_to.active_element
        seen.append((el.tag_name, el.get_attribute("class") or "", el.get_attribute("id") or ""))
        if el.tag_name == "a" and "seg" in (el.get_attribute("class") or "") and el.get_attribute("href"):
            break
    else:
        pytest.fail(f"Tab never reached a sentence pair: {seen}")
    # the navigation and the scrollable text come first, in reading order
    assert [s[0] for s in seen[:3]] == ["a", "a", "a"]
    assert ("div", "text", "") in seen
    first = el
    outline = browser.execute_script(
        "return getComputedStyle(arguments[0].querySelector('mark')).outlineStyle;", first)
    assert outline not in ("", "none"), "a focused pair shows a focus ring"
    partner = browser.find_element("id", first.get_attribute("href").rsplit("#", 1)[1])
    assert "active" in partner.get_attribute("class")
    status = browser.find_element("id", "status").text
    assert status.startswith("Sentence") or status.startswith("Passage")
    ActionChains(browser).send_keys(Keys.TAB).perform()
    assert browser.switch_to.active_element != first
    ActionChains(browser).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
    assert browser.switch_to.active_element == first
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    _wait(browser, lambda d: d.switch_to.active_element == partner)
    _clean(browser, server)
