"""Waiting for the next page in browser tests: do what loads it (a click, Enter in a
form), then wait until the old page's marker is gone and the new page has loaded, so a
test never looks for something on the page it is leaving."""

from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait


def and_wait(browser, action):
    browser.execute_script("window.__beforeClick = true")
    action()
    WebDriverWait(browser, 15).until(
        lambda b: b.execute_script(
            "return window.__beforeClick === undefined && document.readyState === 'complete'"
        )
    )


def click_and_wait(browser, element):
    and_wait(browser, element.click)


def press_enter(browser, element, text=""):
    """Type `text` (if any) and press Enter in `element`, as a keyboard user would."""
    and_wait(browser, lambda: element.send_keys(text, Keys.ENTER))
