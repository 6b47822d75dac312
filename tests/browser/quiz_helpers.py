"""Answering a shipped quiz in the browser from its data file (the answer key), by mouse or
by keyboard only."""

from pathlib import Path

import yaml
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

QUIZ_FILES = Path(__file__).resolve().parents[2] / "content_fixtures" / "data" / "quizzes"


def answer_key(slug):
    for path in QUIZ_FILES.glob("*.yaml"):
        data = yaml.safe_load(path.read_text())
        if data["slug"] == slug:
            return {" ".join(q["text"].split()): q for q in data["questions"]}
    raise LookupError(slug)


def _press(element, keyboard):
    if keyboard:
        element.send_keys(Keys.SPACE)
    else:
        element.click()


def _choose(select, value, keyboard):
    """Pick the option with `value` in a <select>, by arrow keys when keyboard-only."""
    options = select.find_elements(By.TAG_NAME, "option")
    index = next(i for i, o in enumerate(options) if o.get_attribute("value") == str(value))
    if keyboard:
        select.send_keys(Keys.HOME)
        for _ in range(index):
            select.send_keys(Keys.DOWN)
    else:
        options[index].click()
    assert select.get_attribute("value") == str(value)


def _by_label(question, text):
    for label in question.find_elements(By.CSS_SELECTOR, "label"):
        if " ".join(label.text.split()) == " ".join(text.split()):
            return question.find_element(By.ID, label.get_attribute("for"))
    raise LookupError(text)


def answer_all(browser, slug, keyboard=False):
    """Give the right answer to every question on the attempt page."""
    key = answer_key(slug)
    for question in browser.find_elements(By.CSS_SELECTOR, ".question"):
        legend = question.find_element(By.CSS_SELECTOR, ".question__legend")
        number = legend.find_element(By.CSS_SELECTOR, ".question__number").text
        text = " ".join(legend.text.replace(number, "", 1).split())
        data = key[text]
        kind = data["type"]
        if kind in ("single_choice", "multiple_response"):
            for option in data["options"]:
                if option["correct"]:
                    _press(_by_label(question, option["text"]), keyboard)
        elif kind == "spot_indicators":
            for item in data["observations"]:
                if item["indicator"]:
                    _press(_by_label(question, item["text"]), keyboard)
        elif kind == "true_false":
            _press(_by_label(question, "True" if data["correct"] else "False"), keyboard)
        elif kind == "traffic_light":
            colour = data["behaviour"]["colour"]
            _press(question.find_element(By.CSS_SELECTOR, f"input[value='{colour}']"), keyboard)
        elif kind == "traffic_light_sort":
            by_text = {" ".join(b["text"].split()): b["colour"] for b in data["behaviours"]}
            for item in question.find_elements(By.CSS_SELECTOR, ".sort__item"):
                colour = by_text[" ".join(item.find_element(By.TAG_NAME, "legend").text.split())]
                _press(item.find_element(By.CSS_SELECTOR, f"input[value='{colour}']"), keyboard)
        elif kind == "order":
            places = {" ".join(s["text"].split()): n for n, s in enumerate(data["steps"], 1)}
            for step in question.find_elements(By.CSS_SELECTOR, "[data-order-step]"):
                label = " ".join(step.find_element(By.TAG_NAME, "label").text.split())
                _choose(step.find_element(By.TAG_NAME, "select"), places[label], keyboard)
        elif kind == "matching":
            wanted = {" ".join(p["term"].split()): " ".join(p["definition"].split()) for p in data["pairs"]}
            for match in question.find_elements(By.CSS_SELECTOR, ".match"):
                select = match.find_element(By.TAG_NAME, "select")
                term = " ".join(match.find_element(By.TAG_NAME, "label").text.split())
                value = next(
                    o.get_attribute("value")
                    for o in select.find_elements(By.TAG_NAME, "option")
                    if " ".join(o.text.split()) == wanted[term]
                )
                _choose(select, value, keyboard)
