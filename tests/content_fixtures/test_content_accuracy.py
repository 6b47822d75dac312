"""What the toolkit's data files say stays accurate: helpline numbers as the organisations
publish them, re-checked within the year, and no withdrawn law, body or guidance.

The expected numbers are written out here, not read from the data, so that a wrong edit to
helplines.yaml fails a test. The product team checked them on 30 November 2026; whoever
re-checks a number updates its checked_on in helplines.yaml, and this list if it changed.
"""

import datetime
import shutil
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from django.core.management import CommandError, call_command
from django.utils import timezone

from cms.models import ChapterPage, Helpline, Resource

DATA = Path(__file__).resolve().parents[2] / "content_fixtures" / "data"

CHECKED_NUMBERS = {
    "childline": "0800 1111",
    "nspcc": "0808 800 5000",
    "rape-crisis": "0808 500 2222",  # the 24/7 Support Line, since 2022
    "victim-support": "0808 168 9111",
    "survivors-trust": "0808 801 0818",
    "mens-advice-line": "0808 801 0327",
    "mankind": "01823 334244",
    "galop": "0800 999 5428",
    "mind": "0300 123 3393",  # the Infoline; 0300 304 7000 is SANEline's
    "samaritans": "116 123",
    "stop-it-now": "0808 1000 900",
}

# Terms that are wrong in law or name something that no longer exists, with what replaced them.
WITHDRAWN = {
    "statutory rape": "rape or sexual assault of a child under 13 (Sexual Offences Act 2003, ss 5-8)",
    "Child Protection Register": "a child protection plan (the register was abolished in 2008)",
    "Working Together to Safeguard Children 2018": "Working Together to Safeguard Children 2023",
    "Working Together to Safeguard Children 2015": "Working Together to Safeguard Children 2023",
    "Working Together to Safeguard Children</em>, 2015": "Working Together to Safeguard Children 2023",
    "Working Together to Safeguard Children</em>, 2018": "Working Together to Safeguard Children 2023",
    "National Probation Service": "the Probation Service",
    "safeguarding children board.": "the safeguarding partners (since 2019)",
    "PSHE was not then a statutory requirement": "relationships, sex and health education (statutory since 2020)",
    "0300 304 7000": "Mind Infoline, 0300 123 3393",
    "0808 802 9999": "Rape Crisis 24/7 Support Line, 0808 500 2222",
}

# The toolkit's own data; the course modules and quizzes are checked with their content.
TOOLKIT_FILES = sorted(
    [*DATA.glob("*.yaml"), *(DATA / "chapters").glob("*.yaml")], key=lambda p: p.relative_to(DATA)
)

pytestmark = pytest.mark.django_db


def helplines_file():
    return yaml.safe_load((DATA / "helplines.yaml").read_text(encoding="utf-8"))


def test_every_helpline_has_the_number_its_organisation_publishes():
    assert {h["key"]: h["number"] for h in helplines_file()} == CHECKED_NUMBERS
    assert dict(Helpline.objects.values_list("key", "number")) == CHECKED_NUMBERS


def test_every_helpline_number_was_checked_within_the_last_year():
    today = timezone.localdate()
    for helpline in helplines_file():
        checked = helpline.get("checked_on")
        assert isinstance(checked, datetime.date), f"{helpline['key']}: no checked_on date"
        assert today - datetime.timedelta(days=365) <= checked <= today, (
            f"{helpline['key']}: checked on {checked:%d %B %Y}; re-check it against the organisation's website"
        )
    loaded = dict(Helpline.objects.values_list("key", "last_reviewed"))
    assert loaded == {helpline["key"]: helpline["checked_on"] for helpline in helplines_file()}


@pytest.mark.parametrize("path", TOOLKIT_FILES, ids=lambda p: str(p.relative_to(DATA)))
def test_no_withdrawn_term_remains(path):
    text = path.read_text(encoding="utf-8")
    found = [f"'{term}' (say: {instead})" for term, instead in WITHDRAWN.items() if term.lower() in text.lower()]
    assert not found, f"{path.relative_to(DATA)} still says " + "; ".join(found)


def test_the_chapters_say_what_current_law_and_guidance_say(client):
    def text(slug):
        response = client.get(f"/toolkit/{slug}/")
        assert response.status_code == 200
        return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())

    protection = text("protection-procedures")
    assert '"Found" means where the child is when the concern arises, not where the harm happened' in protection
    assert "should not have therapy withheld or delayed because of an investigation or a prosecution" in protection
    assert "therapeutic intervention should not start until it has happened" not in protection
    assert "Sexual Offences Act 2003, sections 5 to 8" in text("child-sexual-exploitation")
    assert "on a child protection plan" in text("safety-planning")
    assert "statutory in England" in text("healthy-relationships")


def test_free_resources_are_not_marked_as_needing_paid_membership():
    free = [
        "rip-exploring-emotions-supervision-podcast",
        "psdp-containing-difficult-emotions",
        "psdp-helping-social-workers",
    ]
    assert list(Resource.objects.filter(key__in=free, paid_membership=True)) == []


def test_child_on_child_guidance_points_to_keeping_children_safe_in_education_part_5():
    kcsie = Resource.objects.get(key="kcsie-part-5")
    assert kcsie.url == "https://www.gov.uk/government/publications/keeping-children-safe-in-education--2"
    assert kcsie.title.startswith("Keeping children safe in education: Part 5")
    hsb = ChapterPage.objects.get(slug="sexual-behaviour-and-hsb")
    listed = {
        resource.key
        for section in hsb.body
        for block in section.value["content"]
        if block.block_type == "resources"
        for resource in block.value["items"]
    }
    assert "kcsie-part-5" in listed
    assert "cse-definition-guide" not in listed


@pytest.mark.parametrize("checked_on", [None, "30 November 2026", "2026-11-30T10:00:00"])
def test_a_helpline_without_a_proper_checked_on_date_is_refused(tmp_path, checked_on):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    helplines = helplines_file()
    if checked_on is None:
        del helplines[0]["checked_on"]
    else:
        helplines[0]["checked_on"] = checked_on
    (data / "helplines.yaml").write_text(yaml.safe_dump(helplines, sort_keys=False), encoding="utf-8")
    with pytest.raises(CommandError, match="helplines.yaml: helpline 1"):
        call_command("load_content", data_dir=data)
