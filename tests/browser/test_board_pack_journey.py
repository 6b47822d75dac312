"""The partnership manager opens Training numbers and downloads the board pack for the
quarter, as a PDF (rendered to pictures to look at) and as a Word document (read back)."""

import io
import subprocess
import urllib.request

from docx import Document
from pypdf import PdfReader
from selenium.webdriver.common.by import By

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_learning_journey import sign_out
from tests.browser.test_reports_journey import sign_in
from tests.browser.test_toolkit_journey import axe_problems
from tests.browser.waiting import click_and_wait


def fetch(browser, href):
    """The download, fetched with the browser's own session cookie."""
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in browser.get_cookies())
    request = urllib.request.Request(href, headers={"Cookie": cookies})
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.status, response.headers, response.read()


def test_the_manager_downloads_the_board_pack(browser, live_site, screenshot, tmp_path):
    sign_in(browser, live_site, "manager@example.org")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Reports"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Training numbers"
    line = browser.find_element(
        By.XPATH, "//p[starts-with(normalize-space(), 'Board pack for the partnership board')]"
    )
    assert line.text.startswith("Board pack for the partnership board: PDF · Word (for the quarter chosen")
    assert axe_problems(browser) == []
    screenshot("board-pack-links")

    pdf_href = line.find_element(By.LINK_TEXT, "PDF").get_attribute("href")
    status, headers, content = fetch(browser, pdf_href)
    assert status == 200 and headers["Content-Type"] == "application/pdf"
    assert "no-store" in headers["Cache-Control"]
    assert headers["Content-Disposition"].startswith('attachment; filename="board-pack_all-agencies_')
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    for section in ("Key messages", "Coverage against target", "Trends over the last 8 quarters"):
        assert section in text
    (tmp_path / "pack.pdf").write_bytes(content)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "4",
            str(tmp_path / "pack.pdf"),
            str(SCREENSHOTS / "board-pack-journey"),
        ],
        check=True,
    )
    assert sorted(SCREENSHOTS.glob("board-pack-journey-*.png"))

    word_href = line.find_element(By.LINK_TEXT, "Word").get_attribute("href")
    status, headers, content = fetch(browser, word_href)
    assert status == 200 and headers["Content-Disposition"].endswith('.docx"')
    document = Document(io.BytesIO(content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Key messages" in headings and "Coverage against target" in headings
    assert document.tables and all(table.style.name == "Table Grid" for table in document.tables)

    screenshot("board-pack-links-phone", width=360)
    browser.refresh()
    sign_out(browser)
