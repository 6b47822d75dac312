"""Review dates: which content is due and in which band (the boundaries, in London time),
the "Due for review" report and its exports against the raw rows, "Reviewed, no change"
and who may do it, publishing an approved change as a review, the dashboard panel and
the public "Last reviewed" line."""

import calendar
import csv
import datetime
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import ModelLogEntry, PageLogEntry, Revision

from cms.models import ChapterPage, Helpline, Resource
from cms.reviews import due_items
from courses.models import CoursePage, LessonPage
from tests.factories import make_chapter, make_learner, make_resources
from tests.workflow_helpers import in_review, make_approver, make_editor

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
REPORT = "/admin/reports/due-for-review/"


def at(day, hour=12, minute=0, tz=LONDON):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz), tick=False
    )


def resource(title, last_reviewed, **fields):
    [made] = make_resources(1, last_reviewed=last_reviewed, **fields)
    Resource.objects.filter(pk=made.pk).update(title=title)
    made.title = title
    return made


def band_of(obj, **kwargs):
    for row in due_items(**kwargs):
        if type(row.object) is type(obj) and row.object.pk == obj.pk:
            return row.band
    return None


# -- bands -----------------------------------------------------------------------------


def test_bands_at_their_boundaries():
    # A resource is reviewed every 12 months; on 15 June 2027:
    cases = {
        "due today": (datetime.date(2026, 6, 15), "Due within 30 days"),
        "due yesterday": (datetime.date(2026, 6, 14), "Overdue"),
        "never reviewed": (None, "Overdue"),
        "due in 30 days": (datetime.date(2026, 7, 15), "Due within 30 days"),
        "due in 31 days": (datetime.date(2026, 7, 16), "Due within 60 days"),
        "due in 60 days": (datetime.date(2026, 8, 14), "Due within 60 days"),
        "due in 61 days": (datetime.date(2026, 8, 15), None),
    }
    made = {name: resource(name, last) for name, (last, _) in cases.items()}
    with at(datetime.date(2027, 6, 15)):
        for name, (_, expected) in cases.items():
            assert band_of(made[name]) == expected, name


def test_due_dates_follow_the_interval_and_the_calendar():
    six_monthly = resource("Six-monthly", datetime.date(2026, 8, 31), review_interval_months=6)
    with at(datetime.date(2027, 2, 1)):
        [row] = [r for r in due_items() if r.object.pk == six_monthly.pk and isinstance(r.object, Resource)]
        assert row.due == datetime.date(2027, 2, 28)  # 31 August + 6 months, clamped
        assert row.due_label == "28 February 2027"
        assert row.last_reviewed_label == "31 August 2026"


def test_today_is_the_day_in_london_across_british_summer_time():
    # Due on 1 July 2026. At 23:30 UTC on 1 July it is already 2 July in London: overdue.
    item = resource("BST", datetime.date(2025, 7, 1))
    utc = datetime.UTC
    with time_machine.travel(datetime.datetime(2026, 6, 30, 23, 30, tzinfo=utc), tick=False):
        assert band_of(item) == "Due within 30 days"  # 00:30 on 1 July in London: due today
    with time_machine.travel(datetime.datetime(2026, 7, 1, 22, 59, tzinfo=utc), tick=False):
        assert band_of(item) == "Due within 30 days"  # 23:59 on 1 July in London
    with time_machine.travel(datetime.datetime(2026, 7, 1, 23, 30, tzinfo=utc), tick=False):
        assert band_of(item) == "Overdue"
        assert next(r for r in due_items() if r.object == item).due_label == "Overdue since 1 July 2026"


def test_drafts_that_were_never_published_are_not_listed():
    draft = resource("Never published", None, live=False)
    assert band_of(draft) is None


def test_owner_and_type_filters():
    editor = make_approver()
    team = Group.objects.create(name="Housing team")
    editor.groups.add(team)
    mine = resource("Mine", None, owner_person=editor)
    teams = resource("My team's", None, owner_team=team)
    other = resource("Someone else's", None, owner_person=make_editor())
    helpline = Helpline.objects.filter(live=True).first()
    Helpline.objects.filter(pk=helpline.pk).update(owner_person=editor, last_reviewed=None)

    def keys(rows):
        return {(type(r.object), r.object.pk) for r in rows}

    assert keys(due_items(owner=editor)) == {
        (Resource, mine.pk),
        (Resource, teams.pk),
        (Helpline, helpline.pk),
    }
    assert keys(due_items(owner=team)) == {(Resource, teams.pk)}
    assert keys(due_items(owner=editor, kind="cms.helpline")) == {(Helpline, helpline.pk)}
    assert (Resource, other.pk) not in keys(due_items(owner=editor))


def test_queries_do_not_grow_with_rows():
    editor = make_editor()
    resource("One", None, owner_person=editor)
    with CaptureQueriesContext(connection) as few:
        rows_before = len(due_items())
    for n in range(15):
        resource(
            f"More {n}",
            None,
            owner_person=make_editor(),
            owner_team=Group.objects.get(name="Content editors"),
        )
    with CaptureQueriesContext(connection) as many:
        rows_after = len(due_items())
    assert rows_after == rows_before + 15
    assert len(many) == len(few)


# -- the report against raw rows ------------------------------------------------------------


def add_months(day, months):
    """Independent of cms.dates: calendar months, clamped to the month's end."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expected_rows(today, within=60):
    """(title, type, due or None) of every live reviewed row due by today+within, from the rows."""
    from cms.models.local_contacts import LocalContact

    labels = {
        ChapterPage: "Chapter page",
        CoursePage: "Course page",
        LessonPage: "Lesson page",
        Resource: "Resource",
        Helpline: "Helpline",
        LocalContact: "Local contact",
    }
    expected = set()
    for model, label in labels.items():
        for obj in model.objects.filter(live=True):
            due = add_months(obj.last_reviewed, obj.review_interval_months) if obj.last_reviewed else None
            if due is None or due <= today + datetime.timedelta(days=within):
                expected.add((getattr(obj, "title", None) or str(obj), label, due))
    return expected


@pytest.fixture
def spread():
    """Content due in every band on 10 March 2027, owned by a new approver (in no team that
    owns the shipped content, as every editor is)."""
    editor = make_approver(first_name="Rhiannon", last_name="Owner")
    made = {
        "overdue": resource("Overdue guide", datetime.date(2026, 3, 3), owner_person=editor),
        "soon": resource("Soon guide", datetime.date(2026, 3, 20), owner_person=editor),
        "later": resource("Later guide", datetime.date(2026, 4, 20), owner_person=editor),
        "never": resource("Never reviewed guide", None, owner_person=editor),
        "fine": resource("Fine guide", datetime.date(2026, 12, 1), owner_person=editor),
    }
    return editor, made


def report_rows(html):
    soup = BeautifulSoup(html, "html.parser")
    rows = []
    for tr in soup.select("table.listing tbody tr"):
        cells = [td.get_text(" ", strip=True) for td in tr.select("td")]
        rows.append(cells)
    return rows


def test_report_csv_and_xlsx_match_the_raw_rows(client, spread):
    editor, _ = spread
    with at(datetime.date(2027, 3, 10)):
        client.force_login(editor)
        expected = expected_rows(datetime.date(2027, 3, 10))
        response = client.get(REPORT, {"export": "csv"})
        assert response.status_code == 200
        rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
        got = {
            (
                r["Title"],
                r["Type"],
                None if r["Due"] == "Never reviewed" else datetime.date.fromisoformat(r["Due"]),
            )
            for r in rows
        }
        assert got == expected
        assert len(rows) == len(expected)

        response = client.get(REPORT, {"export": "xlsx"})
        sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        header, *data = list(sheet.values)
        assert header[:6] == ("Title", "Type", "Owner", "Last reviewed", "Due", "Status")
        xlsx = set()
        for title, kind, _owner, _last, due, _status, _edit in data:
            xlsx.add(
                (
                    title,
                    kind,
                    None
                    if due == "Never reviewed"
                    else due.date()
                    if isinstance(due, datetime.datetime)
                    else due,
                )
            )
        assert xlsx == expected


def test_report_filtered_to_an_owner_and_a_window(client, spread):
    editor, made = spread
    with at(datetime.date(2027, 3, 10)):
        client.force_login(editor)
        response = client.get(REPORT, {"owner": f"person-{editor.pk}"})
        assert response.status_code == 200
        rows = report_rows(response.content)
        assert [r[:5] for r in rows] == [
            ["Never reviewed guide", "Resource", "Rhiannon Owner", "Never", "Overdue (never reviewed)"],
            ["Overdue guide", "Resource", "Rhiannon Owner", "3 March 2026", "Overdue since 3 March 2027"],
            ["Soon guide", "Resource", "Rhiannon Owner", "20 March 2026", "20 March 2027"],
            ["Later guide", "Resource", "Rhiannon Owner", "20 April 2026", "20 April 2027"],
        ]
        assert [
            r[0]
            for r in report_rows(
                client.get(REPORT, {"owner": f"person-{editor.pk}", "window": "overdue"}).content
            )
        ] == [
            "Never reviewed guide",
            "Overdue guide",
        ]
        assert (
            len(report_rows(client.get(REPORT, {"owner": f"person-{editor.pk}", "window": "30"}).content))
            == 3
        )
        assert (
            report_rows(client.get(REPORT, {"owner": f"person-{editor.pk}", "kind": "cms.helpline"}).content)
            == []
        )
        soup = BeautifulSoup(response.content, "html.parser")
        link = soup.find("a", string=lambda s: s and "Soon guide" in s)
        assert link["href"] == reverse("wagtailsnippets_cms_resource:edit", args=[made["soon"].pk])


def test_report_with_a_bad_filter_says_so_and_does_not_fail(client, spread):
    editor, _ = spread
    client.force_login(editor)
    response = client.get(REPORT, {"owner": "person-notanumber", "window": "forever"})
    assert response.status_code == 200


def test_report_is_for_content_staff_only(client):
    client.force_login(make_learner())
    response = client.get(REPORT)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/")
    admin_only = get_user_model().objects.create_user("viewer@example.org", "viewer@example.org", "x")
    admin_only.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(admin_only)
    assert client.get(REPORT).status_code in (302, 403)


# -- reviewed, no change ---------------------------------------------------------------------


def mark_url(obj):
    content_type = ContentType.objects.get_for_model(type(obj))
    return reverse("cms_reviews:mark_reviewed", args=[content_type.pk, obj.pk])


def test_reviewed_no_change_from_the_report(client, spread):
    editor, made = spread
    revisions = Revision.objects.count()
    with at(datetime.date(2027, 3, 10), hour=23, minute=30):  # 23:30 in London and UTC in winter
        client.force_login(editor)
        page = client.get(REPORT, {"owner": f"person-{editor.pk}"})
        soup = BeautifulSoup(page.content, "html.parser")
        form = next(f for f in soup.select("td form") if f["action"] == mark_url(made["overdue"]))
        data = {i["name"]: i.get("value", "") for i in form.select("input[name]")}
        assert data["csrfmiddlewaretoken"]
        csrf_client = Client(enforce_csrf_checks=True)
        csrf_client.force_login(editor)
        csrf_client.get(REPORT)
        data["csrfmiddlewaretoken"] = csrf_client.cookies["csrftoken"].value
        response = csrf_client.post(form["action"], data, follow=True)
        assert response.redirect_chain[-1][0].startswith(REPORT)
        assert "“Overdue guide” marked as reviewed, no change, today." in response.content.decode()
    made["overdue"].refresh_from_db()
    assert made["overdue"].last_reviewed == datetime.date(2027, 3, 10)
    assert made["overdue"].last_reviewed_by == editor
    assert Revision.objects.count() == revisions  # nothing changed: no revision, nothing to approve
    entry = ModelLogEntry.objects.for_instance(made["overdue"]).get(action="cms.reviewed")
    assert entry.user == editor
    assert entry.label == "Reviewed, no change" or "Reviewed, no change" in str(entry.message)


def test_reviewed_no_change_needs_a_post_with_csrf(spread):
    editor, made = spread
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(editor)
    assert csrf_client.post(mark_url(made["soon"])).status_code == 403
    made["soon"].refresh_from_db()
    assert made["soon"].last_reviewed == datetime.date(2026, 3, 20)


def test_someone_who_cannot_change_it_cannot_mark_it_reviewed(client, spread):
    _, made = spread
    viewer = get_user_model().objects.create_user("onlyview@example.org", "onlyview@example.org", "x")
    viewer.user_permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="view_resource")
    )
    client.force_login(viewer)
    assert client.post(mark_url(made["soon"])).status_code == 403
    client.force_login(make_learner())
    response = client.post(mark_url(made["soon"]))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/")
    made["soon"].refresh_from_db()
    assert made["soon"].last_reviewed == datetime.date(2026, 3, 20)
    assert not ModelLogEntry.objects.for_instance(made["soon"]).filter(action="cms.reviewed").exists()


def test_a_missing_object_is_a_404(client):
    client.force_login(make_editor())
    content_type = ContentType.objects.get_for_model(Resource)
    assert (
        client.post(reverse("cms_reviews:mark_reviewed", args=[content_type.pk, "999999"])).status_code == 404
    )
    not_reviewed = ContentType.objects.get_for_model(get_user_model())
    assert client.post(reverse("cms_reviews:mark_reviewed", args=[not_reviewed.pk, "1"])).status_code == 404


def test_edit_screens_offer_reviewed_no_change(client):
    editor = make_editor()
    client.force_login(editor)
    chapter = make_chapter("Reviewed from its edit screen")
    helpline = Helpline.objects.filter(live=True).first()
    for obj, edit in [
        (chapter, reverse("wagtailadmin_pages:edit", args=[chapter.pk])),
        (helpline, reverse("wagtailsnippets_cms_helpline:edit", args=[helpline.pk])),
    ]:
        soup = BeautifulSoup(client.get(edit).content, "html.parser")
        url = mark_url(obj)
        link = soup.find("a", href=lambda h, url=url: h and h.startswith(url))
        assert link is not None and "Reviewed, no change" in link.get_text()
        confirm = client.get(link["href"])
        assert confirm.status_code == 200
        response = client.post(link["href"], {"next": edit})
        assert response.status_code == 302 and response["Location"] == edit
        obj.refresh_from_db()
        assert obj.last_reviewed_by == editor
    assert PageLogEntry.objects.filter(page=chapter, action="cms.reviewed", user=editor).exists()


# -- publishing an approved change is a review -------------------------------------------------


def approve_as(client, obj, approver):
    from tests.workflow_helpers import workflow_action_url

    client.force_login(approver)
    response = client.post(workflow_action_url(obj), {"comment": ""})
    assert response.status_code == 302


def test_publishing_an_approved_change_records_the_approver(client):
    editor, approver = make_editor(), make_approver()
    item = resource("Published after approval", datetime.date(2025, 1, 1))
    chapter = make_chapter("A chapter to approve")
    ChapterPage.objects.filter(pk=chapter.pk).update(
        last_reviewed=datetime.date(2025, 1, 1), last_reviewed_by=None
    )
    chapter.refresh_from_db()
    with at(datetime.date(2027, 1, 5)):
        for obj in (item, chapter):
            obj.title = obj.title + " (changed)"
            revision = obj.save_revision(user=editor)
            obj.get_workflow().start(obj, editor)
            assert in_review(obj) is not None
            approve_as(client, obj, approver)
            obj.refresh_from_db()
            assert obj.title.endswith("(changed)")
            assert obj.last_reviewed == datetime.date(2027, 1, 5)
            assert obj.last_reviewed_by == approver
            assert revision.user == editor


# -- dashboard panel and public pages ------------------------------------------------------------


def test_dashboard_panel_lists_what_she_owns_that_is_due(client, spread):
    editor, _ = spread
    with at(datetime.date(2027, 3, 10)):
        client.force_login(editor)
        soup = BeautifulSoup(client.get("/admin/").content, "html.parser")
        panel = soup.select_one("#due-for-review-section")
        assert panel is not None
        titles = [a.get_text(strip=True) for a in panel.select("tbody a")]
        assert titles == ["Never reviewed guide", "Overdue guide", "Soon guide"]  # not due within 60 only
        report = panel.find("a", string=lambda s: s and "See everything" in s)
        assert report["href"] == f"{REPORT}?owner=person-{editor.pk}&window=30"

        other = make_approver()
        client.force_login(other)
        assert (
            BeautifulSoup(client.get("/admin/").content, "html.parser").select_one("#due-for-review-section")
            is None
        )


def test_dashboard_panel_shows_ten_at_most(client):
    editor = make_approver()
    for n in range(12):
        resource(f"Item {n:02}", None, owner_person=editor)
    client.force_login(editor)
    panel = BeautifulSoup(client.get("/admin/").content, "html.parser").select_one("#due-for-review-section")
    assert len(panel.select("tbody tr")) == 10
    assert "You own 12 items" in panel.get_text()


def test_public_pages_show_the_last_review_only_when_there_is_one(client):
    client.force_login(make_learner())
    chapter = make_chapter("Reviewed chapter")
    ChapterPage.objects.filter(pk=chapter.pk).update(last_reviewed=datetime.date(2026, 3, 3))
    assert "Last reviewed: 3 March 2026" in client.get(chapter.url).content.decode()
    ChapterPage.objects.filter(pk=chapter.pk).update(last_reviewed=None)
    assert "Last reviewed" not in client.get(chapter.url).content.decode()

    course = CoursePage.objects.filter(live=True).first()
    lesson = LessonPage.objects.filter(live=True).descendant_of(course).first()
    CoursePage.objects.filter(pk=course.pk).update(last_reviewed=datetime.date(2026, 11, 21))
    LessonPage.objects.filter(pk=lesson.pk).update(last_reviewed=datetime.date(2026, 3, 3))
    assert "Last reviewed: 21 November 2026" in client.get(course.url).content.decode()
    assert "Last reviewed: 3 March 2026" in client.get(lesson.url).content.decode()


def test_a_publish_by_nobody_is_no_review_but_a_person_s_is():
    item = resource("Loaded by the content loader", datetime.date(2025, 1, 1))
    with at(datetime.date(2027, 1, 5)):
        item.save_revision(user=None).publish()
        item.refresh_from_db()
        assert item.last_reviewed == datetime.date(2025, 1, 1)
        writer = make_editor()
        item.save_revision(user=writer).publish()
        item.refresh_from_db()
        assert (item.last_reviewed, item.last_reviewed_by) == (datetime.date(2027, 1, 5), writer)
