"""The site's scripts still run under a policy without 'unsafe-inline': the sorting
exercise's drag-and-drop targets appear and a drop sets the colour's radio button."""

import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

DROP_ON_RED = """
const item = document.querySelector("[data-sort-item]");
const name = item.querySelector("input[type=radio]").name;
const data = new DataTransfer();
data.setData("text/plain", name);
document.querySelector(".sort__zone.colour--red").dispatchEvent(
  new DragEvent("drop", {dataTransfer: data, bubbles: true, cancelable: true})
);
return document.querySelector(`input[type=radio][name="${name}"][value="red"]`).checked;
"""


def test_the_sorting_exercise_works_under_the_sites_policy(browser, live_site):
    policy = urllib.request.urlopen(live_site + "/practice/traffic-light/5-9/").headers["Content-Security-Policy"]
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src

    browser.get(live_site + "/practice/traffic-light/5-9/")
    WebDriverWait(browser, 10).until(lambda b: b.find_elements(By.CSS_SELECTOR, ".sort__zone"))
    zones = [zone.text for zone in browser.find_elements(By.CSS_SELECTOR, ".sort__zone")]
    assert zones == ["Drop here: Green", "Drop here: Amber", "Drop here: Red"]
    assert browser.execute_script(DROP_ON_RED) is True
