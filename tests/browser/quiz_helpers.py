"""Answering a shipped quiz in the browser from its data file (the answer key), by mouse or
by keyboard only, a page at a time.

Keyboard only means what a keyboard user does: Tab moves the focus forward to the next
field (never a click, never focusing an element from the script), Space ticks a box or
picks the focused radio button, arrow keys move through a radio group or a closed select,
and Enter presses the focused button."""

from pathlib import Path

import yaml
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.browser.waiting import and_wait, click_and_wait

QUIZ_FILES = Path(__file__).resolve().parents[2] / "content_fixtures" / "data" / "quizzes"
CERTAINTY = {"Not sure": "1", "Fairly sure": "2", "Very sure": "3"}


def answer_key(slug):
    for path in QUIZ_FILES.glob("*.yaml"):
        data = yaml.safe_load(path.read_text())
        if data["slug"] == slug:
            return {" ".join(q["text"].split()): q for q in data["questions"]}
    raise LookupError(slug)


def words(text):
    return " ".join(text.split())


# -- the keyboard -----------------------------------------------------------------------

IS_FOCUSED = """
const [wanted, active] = [arguments[0], document.activeElement];
return active === wanted
  || (wanted.type === 'radio' && active.type === 'radio' && active.name === wanted.name
      && active.form === wanted.form);
"""


def press(browser, *keys):
    ActionChains(browser).send_keys(*keys).perform()


def tab_to(browser, element, limit=200):
    """Press Tab until `element` has the focus (for a radio button: its group, where Tab
    stops once)."""
    for _ in range(limit):
        press(browser, Keys.TAB)
        if browser.execute_script(IS_FOCUSED, element):
            return
    raise AssertionError(f"Tab never reached {element.get_attribute('outerHTML')[:200]}")


GROUP_STEPS = """
const wanted = arguments[0];
const group = [...wanted.form.elements].filter(e => e.type === 'radio' && e.name === wanted.name);
const from = group.indexOf(document.activeElement);
return [from, group.length, document.activeElement.checked];
"""


def _pick_radio(browser, radio):
    """With focus on the radio's group: Space picks the focused button, then each Down
    arrow moves to the next one in the group and picks it."""
    start, size, checked = browser.execute_script(GROUP_STEPS, radio)
    if not checked:
        press(browser, Keys.SPACE)
    target = browser.execute_script(GROUP_STEPS.replace("document.activeElement", "wanted"), radio)[0]
    press(browser, *[Keys.ARROW_DOWN] * ((target - start) % size))


def _choose_option(browser, select, value):
    """With focus on a closed <select>: Home, then Down to the option with `value`."""
    options = select.find_elements(By.TAG_NAME, "option")
    index = next(i for i, o in enumerate(options) if o.get_attribute("value") == str(value))
    press(browser, Keys.HOME, *[Keys.ARROW_DOWN] * index)


def _do(browser, element, value, keyboard):
    """Tick a checkbox, pick a radio button, or choose `value` in a select."""
    tag, kind = element.tag_name, element.get_attribute("type")
    if not keyboard:
        if tag == "select":
            next(
                o for o in element.find_elements(By.TAG_NAME, "option") if o.get_attribute("value") == value
            ).click()
        elif not element.is_selected():
            element.click()
    else:
        if tag != "select" and kind == "checkbox" and element.is_selected():
            return
        tab_to(browser, element)
        if tag == "select":
            _choose_option(browser, element, value)
        elif kind == "radio":
            _pick_radio(browser, element)
        else:
            press(browser, Keys.SPACE)
    if tag == "select":
        assert element.get_attribute("value") == str(value)
    else:
        assert element.is_selected(), element.get_attribute("id")


def press_button(browser, button, keyboard):
    """Press a button or follow a link that loads another page, and wait for it."""
    if keyboard:
        tab_to(browser, button)
        and_wait(browser, lambda: press(browser, Keys.ENTER))
    else:
        click_and_wait(browser, button)


# -- the answers ------------------------------------------------------------------------


def _by_label(question, text):
    for label in question.find_elements(By.CSS_SELECTOR, "label"):
        if words(label.text) == words(text):
            return question.find_element(By.ID, label.get_attribute("for"))
    raise LookupError(text)


def _right_answer(question, data):
    """(element, value) pairs that give the right answer to one question on the page."""
    kind = data["type"]
    if kind in ("single_choice", "multiple_response"):
        return [(_by_label(question, o["text"]), None) for o in data["options"] if o["correct"]]
    if kind == "spot_indicators":
        return [(_by_label(question, o["text"]), None) for o in data["observations"] if o["indicator"]]
    if kind == "true_false":
        return [(_by_label(question, "True" if data["correct"] else "False"), None)]
    if kind == "traffic_light":
        colour = data["behaviour"]["colour"]
        return [(question.find_element(By.CSS_SELECTOR, f"input[value='{colour}']"), None)]
    if kind == "traffic_light_sort":
        by_text = {words(b["text"]): b["colour"] for b in data["behaviours"]}
        return [
            (item.find_element(By.CSS_SELECTOR, f"input[value='{by_text[words(legend.text)]}']"), None)
            for item in question.find_elements(By.CSS_SELECTOR, ".sort__item")
            for legend in [item.find_element(By.TAG_NAME, "legend")]
        ]
    if kind == "order":
        places = {words(s["text"]): n for n, s in enumerate(data["steps"], 1)}
        return [
            (
                step.find_element(By.TAG_NAME, "select"),
                str(places[words(step.find_element(By.TAG_NAME, "label").text)]),
            )
            for step in question.find_elements(By.CSS_SELECTOR, "[data-order-step]")
        ]
    if kind == "matching":
        wanted = {words(p["term"]): words(p["definition"]) for p in data["pairs"]}
        chosen = []
        for match in question.find_elements(By.CSS_SELECTOR, ".match"):
            select = match.find_element(By.TAG_NAME, "select")
            definition = wanted[words(match.find_element(By.TAG_NAME, "label").text)]
            option = next(
                o for o in select.find_elements(By.TAG_NAME, "option") if words(o.text) == definition
            )
            chosen.append((select, option.get_attribute("value")))
        return chosen
    raise LookupError(kind)


def question_position(question):
    return int(question.get_attribute("id").removeprefix("question-"))


def question_text(question):
    legend = question.find_element(By.CSS_SELECTOR, ".question__legend")
    number = legend.find_element(By.CSS_SELECTOR, ".question__number").text
    return words(legend.text.replace(number, "", 1))


FORM_FIELDS = "return [...document.querySelectorAll('form.quiz-form input, form.quiz-form select')]"


def answer_all(browser, slug, keyboard=False, certainty=None, leave=()):
    """Give the right answer to every question on this page (but those at the positions in
    `leave`), and say how sure she is (a CERTAINTY label) where the quiz asks. Fields are
    answered in the order Tab reaches them. The positions answered."""
    key = answer_key(slug)
    steps, answered = [], []
    for question in browser.find_elements(By.CSS_SELECTOR, ".question"):
        position = question_position(question)
        if position in leave:
            continue
        answered.append(position)
        steps += _right_answer(question, key[question_text(question)])
        if certainty:
            value = CERTAINTY[certainty]
            for radio in question.find_elements(By.CSS_SELECTOR, f".certainty input[value='{value}']"):
                steps.append((radio, None))
    fields = browser.execute_script(FORM_FIELDS)
    steps.sort(key=lambda step: fields.index(step[0]))
    for element, value in steps:
        _do(browser, element, value, keyboard)
    return answered


def go(browser, where, keyboard=False):
    """Press the page's button that saves and goes to `where`: previous, next or summary."""
    press_button(browser, browser.find_element(By.CSS_SELECTOR, f"button[name=go][value={where}]"), keyboard)


def answer_every_page(browser, slug, keyboard=False, certainty=None, leave=(), on_each_page=None):
    """From the page shown to the summary: answer each page and save it with its button.
    `on_each_page(browser)` runs on each page before it is answered."""
    answered = []
    while "/summary/" not in browser.current_url:
        assert browser.find_elements(By.CSS_SELECTOR, "form.quiz-form"), browser.current_url
        if on_each_page:
            on_each_page(browser)
        answered += answer_all(browser, slug, keyboard, certainty, leave)
        last = not browser.find_elements(By.CSS_SELECTOR, "button[name=go][value=next]")
        go(browser, "summary" if last else "next", keyboard)
    return answered


def submit(browser, keyboard=False):
    """On the summary page: the button that marks the attempt."""
    press_button(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"), keyboard)
