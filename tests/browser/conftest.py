"""A real server and a real browser.

The site is served by `manage.py runserver` from its own SQLite file, prepared with the
same commands `make run` uses, and driven by Debian's Chromium through chromedriver with
flags for a closed network. Without Chromium the tests skip with the reason, except
under CI=true, where they must run.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The served site's demo authenticator secret (seed_demo's DEMO_TOTP_SECRET), as a phone would hold it.
DEMO_TOTP_SECRET = "BROWSERDEMOTOTPSECRETFORTHESITE2"
PASSWORD = "browser-demo-password"
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR") or ROOT / "var" / "screenshots")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _require_browser():
    if CHROMIUM and CHROMEDRIVER:
        return
    reason = "Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def mailbox(tmp_path_factory):
    """The folder where the served site writes each email it sends, one file per email."""
    return tmp_path_factory.mktemp("mail")


@pytest.fixture(scope="session")
def site_env(tmp_path_factory, mailbox):
    """The environment the served site and its management commands run in."""
    _require_browser()
    var_dir = tmp_path_factory.mktemp("site")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="cms.settings.dev",
        DEMO_PASSWORD=PASSWORD,
        DEMO_TOTP_SECRET=DEMO_TOTP_SECRET,
        EMAIL_FILE_PATH=str(mailbox),
    )
    return env


@pytest.fixture(scope="session")
def on_site(site_env, live_site):
    """Run Python against the served site's database (`manage.py shell -c`); what it prints."""

    def run(code):
        done = subprocess.run(
            [sys.executable, "manage.py", "shell", "--verbosity", "0", "-c", code],
            cwd=ROOT,
            env=site_env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    return run


@pytest.fixture(scope="session")
def live_site(site_env):
    """Base URL of the site served from a fresh database with the shipped content."""
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--noinput", "-v0"], ["load_content"], ["seed_demo"]):
        subprocess.run(manage + command, cwd=ROOT, env=site_env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(
        manage + ["runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=site_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("the development server did not start")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def _chromium(profile, javascript=True):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        f"--user-data-dir={profile}",
    ]:
        options.add_argument(flag)
    if not javascript:
        # As a learner who turned JavaScript off: the page's scripts never run, while
        # WebDriver's own scripts (used to wait and measure) still do.
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    os.environ.setdefault("SE_OFFLINE", "true")
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    return driver


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    _require_browser()
    driver = _chromium(tmp_path_factory.mktemp("chromium-profile"))
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def browser_without_javascript(tmp_path_factory):
    """A second browser, with JavaScript turned off in its settings."""
    _require_browser()
    driver = _chromium(tmp_path_factory.mktemp("chromium-profile-no-js"), javascript=False)
    yield driver
    driver.quit()


@pytest.fixture(autouse=True)
def _signed_out(request):
    """Each browser test starts signed out, whatever the one before it left behind."""
    if "browser" in request.fixturenames:
        browser = request.getfixturevalue("browser")
        browser.delete_all_cookies()
    yield


@pytest.fixture
def screenshot(browser):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name, width=1280):
        browser.set_window_size(width, 900)  # the page's height at this width
        height = browser.execute_script("return document.body.scrollHeight")
        browser.set_window_size(width, min(max(height, 700), 6000))
        browser.execute_script("window.scrollTo(0, 0)")
        path = SCREENSHOTS / f"{name}.png"
        browser.save_screenshot(str(path))
        browser.set_window_size(1280, 900)
        return path

    return take


# Two-step sign-in as a person with a phone would do it: codes come from pyotp, never from the
# site. The site refuses a code used before within its window, and several journeys sign the
# same account in within a minute, so each account's last time step is kept and a later one is
# used, waiting for the next 30 seconds if both the current and the next step are spent.
TOTP_SECRETS = {}  # accounts that set up their authenticator during the run: email -> secret
_last_step = {}  # email -> the last time step whose code was given


def totp_code(email):
    import pyotp

    totp = pyotp.TOTP(TOTP_SECRETS.get(email, DEMO_TOTP_SECRET))
    while True:
        step = int(time.time()) // 30
        # The current step or the next one (MFA_TOTP_TOLERANCE = 1 accepts both, and the current
        # one stays accepted if the clock moves on before the code arrives).
        fresh = [s for s in (step, step + 1) if s > _last_step.get(email, -1)]
        if fresh:
            _last_step[email] = fresh[0]
            return totp.generate_otp(fresh[0])
        time.sleep(30 - time.time() % 30 + 0.5)


def second_step(browser, email):
    """After the password: give a code when the site asks for one, or set up an authenticator
    app (keeping its secret) when the account must have one and has none yet."""
    from selenium.webdriver.common.by import By

    from tests.browser.waiting import click_and_wait

    path = browser.current_url.split("://", 1)[-1].split("/", 1)[-1].split("?")[0]
    if path == "accounts/2fa/authenticate/":
        _type(browser, "id_code", totp_code(email))
        click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    elif path == "accounts/two-step-sign-in/":
        click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Set up an authenticator app"))
        if "/accounts/reauthenticate/" in browser.current_url:
            _type(browser, "id_password", PASSWORD)
            click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
        TOTP_SECRETS[email] = browser.find_element(By.ID, "authenticator_secret").text
        _type(browser, "id_code", totp_code(email))
        click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))


def _type(browser, field_id, value):
    from selenium.webdriver.common.by import By

    element = browser.find_element(By.ID, field_id)
    element.clear()
    element.send_keys(value)
