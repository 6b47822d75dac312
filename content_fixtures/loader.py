"""Writing checked data files into the site: agencies, snippets, settings and pages.

Each item's fingerprint is kept in `LoadedItem`; an item whose data file is unchanged is
left alone, a changed one is updated (pages get a new published revision), a missing one
is created, live: the first load of an empty site publishes everything, owned by the
Content editors team and reviewed on the day it was loaded (or the data's own date).

Content under approval that an editor has changed since the loader last wrote it is not
overwritten: the shipped version becomes a new draft, submitted to the approval workflow
by nobody (the loader), so an approver decides between them while staff keep seeing the
live version. The caller wraps `apply` in one transaction.
"""

import hashlib
import json
import re
from collections import Counter

from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.models import Page, Revision, Site, WorkflowMixin, WorkflowState

from cms.models import (
    Agency,
    ChapterPage,
    Helpline,
    HomePage,
    PartnershipSettings,
    Resource,
    ReviewedContent,
    ToolkitIndexPage,
)
from cms.roles import CONTENT_EDITORS
from cms.sanitiser import clean_html, clean_text
from content_fixtures.models import LoadedItem
from content_fixtures.schema import Bundle
from courses.models import CourseIndexPage, CoursePage, LessonPage, SurveyItem
from quizzes.interchange.data import build_question, current_bands
from quizzes.models import AgeBand, BandSet, Behaviour, Question, Quiz, QuizPool, Review, Vignette

# Wagtail stores bold and italic as <b> and <i>; fixtures may say <strong> and <em>.
_RICH_TEXT_TAGS = {"strong": "b", "em": "i"}
_TAG = re.compile(r"<(/?)(strong|em)>")


def to_rich_text(markup):
    return _TAG.sub(lambda m: f"<{m.group(1)}{_RICH_TEXT_TAGS[m.group(2)]}>", clean_html(markup))


def digest(data):
    # default=str: YAML reads a date such as a helpline's checked_on as a datetime.date.
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


class Loader:
    def __init__(self, bundle: Bundle):
        self.bundle = bundle
        self.counts = Counter()
        self._records = {(r.kind, r.key): r for r in LoadedItem.objects.all()}

    # -- bookkeeping -------------------------------------------------------------------

    def _unchanged(self, kind, key, data, exists):
        record = self._records.get((kind, key))
        return exists and record is not None and record.digest == digest(data)

    def _remember(self, kind, key, data, created):
        LoadedItem.objects.update_or_create(kind=kind, key=key, defaults={"digest": digest(data)})
        self.counts[f"{kind} {'created' if created else 'updated'}"] += 1

    def _edited(self, kind, key, instance):
        """Whether an editor has changed `instance` since the loader last wrote it: a
        revision by a person (the loader's own have no user) after that write, or after the
        loader's own version was last approved. Only content under approval keeps revisions."""
        record = self._records.get((kind, key))
        if instance.pk is None or record is None or not isinstance(instance, WorkflowMixin):
            return False
        since = record.loaded_at
        live = instance.live_revision
        if live is not None and live.user_id is None and live.created_at > since:
            since = live.created_at
        revisions = Revision.objects.for_instance(instance)
        return revisions.filter(user__isnull=False, created_at__gt=since).exists()

    def _hold(self, kind, key, instance, data):
        """Save the shipped version of `instance` (its fields set, not saved) as a new draft
        and submit it for approval in nobody's name; the live row is left as it is. A
        change already under review is withdrawn: the approver now sees the shipped one."""
        instance.save_revision(user=None, log_action=True)
        workflow = instance.get_workflow()
        if workflow is not None:
            in_progress = WorkflowState.objects.for_instance(instance).filter(
                status__in=[WorkflowState.STATUS_IN_PROGRESS, WorkflowState.STATUS_NEEDS_CHANGES]
            )
            for state in in_progress:
                state.cancel(user=None)
            workflow.start(instance, None)
        # The fingerprint moves on, so an unchanged file holds nothing twice; the time of
        # the loader's last real write stays, so the editor's change still counts next time.
        LoadedItem.objects.filter(kind=kind, key=key).update(digest=digest(data))
        self.counts[f"{kind} held"] += 1

    def _first_review(self, instance, reviewed_on=None):
        """A new page or snippet with an owner and review date: the Content editors team
        owns it and it was reviewed today (or on the data's own date)."""
        if not isinstance(instance, ReviewedContent):
            return
        if instance.owner_person_id is None and instance.owner_team_id is None:
            instance.owner_team = self._editors
        if instance.last_reviewed is None:
            instance.last_reviewed = reviewed_on or timezone.localdate()

    @property
    def _editors(self):
        if not hasattr(self, "_editors_group"):
            self._editors_group = Group.objects.filter(name=CONTENT_EDITORS).first()
        return self._editors_group

    def _upsert(self, model, kind, lookup, data, build, record_key=None):
        """Create or update a plain model row from `data`; `build` maps data to fields."""
        record_key = record_key or next(iter(lookup.values()))
        instance = model.objects.filter(**lookup).first()
        if self._unchanged(kind, record_key, data, instance is not None):
            self.counts[f"{kind} unchanged"] += 1
            return instance
        created = instance is None
        instance = instance or model(**lookup)
        for name, value in build(data).items():
            setattr(instance, name, value)
        if self._edited(kind, record_key, instance):
            self._hold(kind, record_key, instance, data)
            return model.objects.get(pk=instance.pk)
        if created:
            self._first_review(instance)
        instance.save()
        self._remember(kind, record_key, data, created)
        return instance

    # -- the steps ---------------------------------------------------------------------

    def apply(self):
        self.load_agencies()
        self.load_helplines()
        self.load_resources()
        home = self.load_home()
        toolkit = self.load_toolkit(home)
        self.load_chapters(toolkit)
        self.load_survey()
        self.load_courses(home)
        self.load_traffic_light()
        self.load_quizzes()
        self.load_partnership(home)
        self.load_search_promotions(toolkit)
        return self.counts

    def load_agencies(self):
        for position, item in enumerate(self.bundle.agencies):
            data = {**item, "sort_order": position}
            self._upsert(
                Agency,
                "agency",
                {"code": item["code"]},
                data,
                lambda d: {"name": clean_text(d["name"]), "sort_order": d["sort_order"]},
            )

    def load_helplines(self):
        for position, item in enumerate(self.bundle.helplines):
            data = {**item, "sort_order": position}
            self._upsert(
                Helpline,
                "helpline",
                {"key": item["key"]},
                data,
                lambda d: {
                    "name": clean_text(d["name"]),
                    "number": clean_text(d["number"]),
                    "last_reviewed": d["checked_on"],
                    "description": clean_text(d.get("description") or ""),
                    "url": d.get("url") or "",
                    "sort_order": d["sort_order"],
                },
            )

    def load_resources(self):
        agencies = {a.code: a for a in Agency.objects.all()}
        for item in self.bundle.resources:
            resource = Resource.objects.filter(key=item["key"]).first()
            if self._unchanged("resource", item["key"], item, resource is not None):
                self.counts["resource unchanged"] += 1
                continue
            created = resource is None
            resource = resource or Resource(key=item["key"])
            resource.title = clean_text(item["title"])
            resource.provider = clean_text(item.get("provider") or "")
            resource.url = item.get("url") or ""
            resource.description = clean_text(item.get("description") or "")
            resource.paid_membership = bool(item.get("paid_membership", False))
            resource.agencies = [agencies[code] for code in item.get("agencies") or []]
            if self._edited("resource", item["key"], resource):
                self._hold("resource", item["key"], resource, item)
                continue
            if created:
                self._first_review(resource)
            resource.save()
            self._remember("resource", item["key"], item, created)

    def _sync_page(self, kind, key, page, data, set_fields, parent):
        """Create `page` under `parent` if it is new, or republish it if its data changed.

        Returns True when the page was created."""
        created = page.pk is None
        if not created and self._unchanged(kind, key, data, True):
            self.counts[f"{kind} unchanged"] += 1
            return False
        set_fields(page, data)
        if self._edited(kind, key, page):
            self._hold(kind, key, page, data)
            return False
        if created:
            self._first_review(page)
            parent.add_child(instance=page)
        page.save_revision(log_action=True).publish()
        self._remember(kind, key, data, created)
        return created

    def load_home(self):
        data = self.bundle.site["home"]
        root = Page.get_first_root_node()
        home = HomePage.objects.first()
        if home is None:
            # Wagtail's migrations leave a "Welcome to Wagtail" page where ours belongs.
            for placeholder in root.get_children().filter(
                content_type__model="page", content_type__app_label="wagtailcore"
            ):
                placeholder.delete()
            home = HomePage(slug="home")
        self._sync_page("page", "home", home, data, self._home_fields, root)
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(
                hostname="localhost",
                port=80,
                root_page=home,
                is_default_site=True,
                site_name=self.bundle.site["partnership"]["name"],
            )
        elif site.root_page_id != home.pk:
            site.root_page = home
            site.save()
        return home

    def _home_fields(self, page, data):
        page.title = clean_text(data["title"])
        page.introduction = clean_text(data["introduction"])
        page.body = self._stream(data.get("blocks") or [])

    def load_toolkit(self, home):
        data = self.bundle.site["toolkit"]
        toolkit = ToolkitIndexPage.objects.child_of(home).first() or ToolkitIndexPage(slug=data["slug"])
        self._sync_page("page", "toolkit", toolkit, data, self._toolkit_fields, home)
        return toolkit

    def _toolkit_fields(self, page, data):
        page.title = clean_text(data["title"])
        page.introduction = clean_text(data["introduction"])

    def load_chapters(self, toolkit):
        existing = {p.slug: p for p in ChapterPage.objects.child_of(toolkit)}
        any_created = False
        for chapter in self.bundle.chapters:
            page = existing.setdefault(chapter["slug"], ChapterPage(slug=chapter["slug"]))
            any_created |= self._sync_page(
                "chapter", chapter["slug"], page, chapter, self._chapter_fields, toolkit
            )
        if any_created:
            self._order_children(toolkit, ChapterPage, [existing[c["slug"]] for c in self.bundle.chapters])

    def _order_children(self, parent, model, wanted):
        """Put `parent`'s children in the data files' order, if they are not already."""
        current = list(model.objects.child_of(parent).order_by("path"))
        wanted_ids = [p.pk for p in wanted]
        if [p.pk for p in current if p.pk in wanted_ids] == wanted_ids:
            return
        for page in wanted:
            Page.objects.get(pk=page.pk).move(parent, pos="last-child")

    def _chapter_fields(self, page, data):
        page.title = clean_text(data["title"])
        page.introduction = clean_text(data["introduction"])
        page.search_description = page.introduction[:255]
        page.source = clean_text(data["source"])
        page.search_terms = clean_text(data.get("search_terms") or "")[:255]
        page.key_messages = [("message", clean_text(m)) for m in data.get("key_messages") or []]
        page.body = [
            (
                "section",
                {
                    "heading": clean_text(section["heading"]),
                    "content": self._stream(section["blocks"]),
                },
            )
            for section in data["sections"]
        ]

    def load_survey(self):
        for position, item in enumerate(self.bundle.survey):
            data = {**item, "sort_order": position}
            self._upsert(
                SurveyItem,
                "survey-item",
                {"code": item["code"]},
                data,
                lambda d: {"text": clean_text(d["text"]), "sort_order": d["sort_order"]},
            )

    def load_courses(self, home):
        data = self.bundle.site["courses"]
        index = CourseIndexPage.objects.child_of(home).first() or CourseIndexPage(slug=data["slug"])
        self._sync_page("page", "courses", index, data, self._toolkit_fields, home)
        courses = {p.slug: p for p in CoursePage.objects.child_of(index)}
        agencies = {a.code: a for a in Agency.objects.all()}
        self._chapters = {p.slug: p for p in ChapterPage.objects.all()}
        created = False
        for course in self.bundle.courses:
            page = courses.setdefault(course["slug"], CoursePage(slug=course["slug"]))
            summary = {k: v for k, v in course.items() if k != "lessons"}
            created |= self._sync_page(
                "course",
                course["slug"],
                page,
                summary,
                lambda p, d: self._course_fields(p, d, agencies, courses),
                index,
            )
            lessons = {p.slug: p for p in LessonPage.objects.child_of(page)}
            new_lesson = False
            for lesson in course["lessons"]:
                lesson_page = lessons.setdefault(lesson["slug"], LessonPage(slug=lesson["slug"]))
                new_lesson |= self._sync_page(
                    "lesson",
                    f"{course['slug']}/{lesson['slug']}",
                    lesson_page,
                    lesson,
                    self._lesson_fields,
                    page,
                )
            if new_lesson:
                self._order_children(page, LessonPage, [lessons[x["slug"]] for x in course["lessons"]])
        if created:
            self._order_children(index, CoursePage, [courses[c["slug"]] for c in self.bundle.courses])

    def _course_fields(self, page, data, agencies, courses):
        page.title = clean_text(data["title"])
        page.introduction = clean_text(data["introduction"])
        page.search_description = page.introduction[:255]
        page.agency = agencies[data["agency"]] if data.get("agency") else None
        page.outcomes = [("outcome", clean_text(o)) for o in data["outcomes"]]
        page.estimated_minutes = data["estimated_minutes"]
        page.refresher_months = data.get("refresher_months", 36)
        page.source = clean_text(data.get("source") or "")
        # Files load in order: a prerequisite must be an earlier file (the core course is first).
        page.prerequisite = courses[data["requires"]] if data.get("requires") else None

    def _lesson_fields(self, page, data):
        page.title = clean_text(data["title"])
        page.introduction = clean_text(data["introduction"])
        page.estimated_minutes = data.get("estimated_minutes", 10)
        page.body = [
            ("section", {"heading": clean_text(s["heading"]), "content": self._stream(s["blocks"])})
            for s in data["sections"]
        ]

    def load_traffic_light(self):
        for item in self.bundle.band_sets:
            band_set = BandSet.objects.filter(key=item["key"]).first()
            if self._unchanged("band-set", item["key"], item, band_set is not None):
                self.counts["band-set unchanged"] += 1
                continue
            created = band_set is None
            if item.get("current"):
                BandSet.objects.filter(current=True).exclude(key=item["key"]).update(current=False)
            band_set, _ = BandSet.objects.update_or_create(
                key=item["key"],
                defaults={
                    "name": clean_text(item["name"]),
                    "current": bool(item.get("current")),
                    "edition": clean_text(item.get("edition") or ""),
                    "brook_current": bool(item.get("brook_current")),
                },
            )
            for position, band in enumerate(item["bands"]):
                AgeBand.objects.update_or_create(
                    band_set=band_set,
                    code=band["code"],
                    defaults={
                        "label": clean_text(band["label"]),
                        "min_age": band["min_age"],
                        "max_age": band["max_age"],
                        "sort_order": position,
                    },
                )
            self._remember("band-set", item["key"], item, created)
        bands = current_bands()
        for item in self.bundle.behaviours:
            data = {**item, "practice": True}
            self._upsert(
                Behaviour,
                "behaviour",
                {"key": item["key"]},
                data,
                lambda d: {
                    "band": bands[d["band"]],
                    "text": clean_text(d["text"]),
                    "colour": d["colour"],
                    "reasoning": clean_text(d["reasoning"]),
                    "practice": True,
                },
            )

    def load_quizzes(self):
        courses = {c.slug: c for c in CoursePage.objects.all()}
        agencies = {a.code: a for a in Agency.objects.all()}
        bands = current_bands()
        chapters = {p.slug: p for p in ChapterPage.objects.all()}
        for item in self.bundle.quizzes:
            course = courses[item["course"]]
            quiz = Quiz.objects.filter(slug=item["slug"]).first()
            summary = {k: v for k, v in item.items() if k not in ("questions", "vignettes")}
            if not self._unchanged("quiz", item["slug"], summary, quiz is not None):
                created = quiz is None
                quiz = quiz or Quiz(slug=item["slug"])
                quiz.course = course
                quiz.title = clean_text(item["title"])
                quiz.introduction = clean_text(item.get("introduction") or "")
                quiz.pass_mark = item.get("pass_mark", 70)
                quiz.max_attempts = item.get("max_attempts", 0)
                quiz.knowledge_check_size = item.get("knowledge_check", 0)
                quiz.certainty = item.get("certainty", False)
                quiz.review_when_failed = item.get("review_when_failed", Review.WRONG)
                quiz.review_when_finished = item.get("review_when_finished", Review.EVERYTHING)
                # Pools are settings, not history (past attempts keep what they drew): the
                # file's replace them, as the quiz's children, saved with it.
                quiz.pools = self._pools(item.get("draw") or [], agencies, bands)
                if self._edited("quiz", item["slug"], quiz):
                    self._hold("quiz", item["slug"], quiz, summary)
                    quiz = Quiz.objects.get(pk=quiz.pk)
                else:
                    quiz.save()
                    self._remember("quiz", item["slug"], summary, created)
            else:
                self.counts["quiz unchanged"] += 1
            self._require_quiz(course, quiz)
            vignettes = {v.key: v for v in Vignette.objects.filter(quiz=quiz)}
            for data in item.get("vignettes") or []:
                vignettes[data["key"]] = self._upsert(
                    Vignette,
                    "vignette",
                    {"quiz": quiz, "key": data["key"]},
                    data,
                    lambda d: {
                        "title": clean_text(d["title"]),
                        "text": clean_text(d["text"]),
                        "agency": agencies.get(d.get("agency")),
                        "age_band": bands.get(d.get("age_band")),
                    },
                    record_key=f"{item['slug']}/{data['key']}",
                )
            existing = {q.key: q for q in Question.objects.filter(quiz=quiz)}
            for position, data in enumerate(item["questions"], 1):
                key = f"{item['slug']}/{data['key']}"
                question = existing.get(data["key"])
                if self._unchanged("question", key, {**data, "position": position}, question is not None):
                    self.counts["question unchanged"] += 1
                    continue
                if question is not None and question.type_code != data["type"]:
                    question.delete()  # past answers keep their own copy of the question
                    question = None
                # A question an editor has changed gets the shipped version as a draft for
                # approval: built in memory, its parts unsaved, shared behaviours untouched.
                held = question is not None and self._edited("question", key, question)
                built = build_question(
                    quiz,
                    data,
                    sort_order=position,
                    vignettes=vignettes,
                    bands=bands,
                    chapters=chapters,
                    existing=question,
                    update_shared=not held,
                    save=not held,
                )
                if held:
                    self._hold("question", key, built, {**data, "position": position})
                else:
                    self._remember("question", key, {**data, "position": position}, question is None)

    def _pools(self, pools, agencies, bands):
        """The quiz's draw as the file gives it, as unsaved pools."""
        return [
            QuizPool(
                sort_order=n,
                label=clean_text(pool["label"]),
                count=pool["count"],
                category=pool.get("category") or "",
                question_type=pool.get("type") or "",
                age_band=bands.get(pool.get("age_band")),
                agency=agencies.get(pool.get("agency")),
                difficulty=pool.get("difficulty") or "",
            )
            for n, pool in enumerate(pools)
        ]

    def _require_quiz(self, course, quiz):
        """A course with a quiz requires passing it, before the after survey, and its
        knowledge check (if the quiz has one) before the lessons."""
        required = list(course.required_activities)
        wanted = [code for code in required if code not in ("quiz", "knowledge_check")]
        if quiz.knowledge_check_size:
            wanted.insert(1 if wanted[:1] == ["before_survey"] else 0, "knowledge_check")
        last = wanted.index("after_survey") if "after_survey" in wanted else len(wanted)
        wanted.insert(last, "quiz")
        if wanted != required:
            course.required_activities = wanted
            course.save_revision().publish()

    def load_partnership(self, home):
        data = self.bundle.site["partnership"]
        site = Site.objects.get(root_page=home)
        settings = PartnershipSettings.for_site(site)
        if self._unchanged("settings", "partnership", data, settings.pk is not None):
            self.counts["settings unchanged"] += 1
            return
        settings.name = clean_text(data["name"])
        settings.contact_email = data.get("contact_email") or ""
        settings.contact_phone = clean_text(data.get("contact_phone") or "")
        settings.contact_text = clean_text(data.get("contact_text") or "")
        settings.save()
        if site.site_name != settings.name:
            site.site_name = settings.name
            site.save()
        self._remember("settings", "partnership", data, created=False)

    def load_search_promotions(self, toolkit):
        data = self.bundle.site.get("search_promotions") or []
        if self._unchanged("settings", "search-promotions", data, True):
            self.counts["settings unchanged"] += 1
            return
        chapters = {p.slug: p for p in ChapterPage.objects.child_of(toolkit)}
        for position, item in enumerate(data):
            query = Query.get(item["query"])
            SearchPromotion.objects.update_or_create(
                query=query,
                page=chapters[item["chapter"]],
                defaults={"sort_order": position, "description": clean_text(item.get("description") or "")},
            )
        self._remember("settings", "search-promotions", data, created=False)

    # -- blocks ------------------------------------------------------------------------

    def _stream(self, blocks):
        """Turn data-file blocks into (block type, value) pairs for a StreamField."""
        return [self._block(block) for block in blocks]

    def _block(self, block):
        kind = block["type"]
        text = lambda name: clean_text(block.get(name) or "")  # noqa: E731
        if kind == "text":
            return ("text", to_rich_text(block["html"]))
        if kind == "callout":
            return (
                "callout",
                {"variant": block.get("variant") or "key", "heading": text("heading"), "text": text("text")},
            )
        if kind == "indicators":
            return (
                "indicators",
                {
                    "heading": text("heading"),
                    "intro": text("intro"),
                    "groups": [
                        {"category": g["category"], "items": [clean_text(i) for i in g["items"]]}
                        for g in block["groups"]
                    ],
                },
            )
        if kind == "steps":
            return (
                "steps",
                {
                    "heading": text("heading"),
                    "steps": [
                        {
                            name: clean_text(step.get(name) or "")
                            for name in ("title", "who", "what", "timescale")
                        }
                        for step in block["steps"]
                    ],
                },
            )
        if kind == "quote":
            return ("quote", {"text": text("text"), "attribution": text("attribution")})
        if kind == "definition":
            return ("definition", {"term": text("term"), "text": text("text"), "source": text("source")})
        if kind == "local_contacts":
            return (
                "local_contacts",
                {"heading": text("heading") or "Who to contact in your area", "items": block["items"]},
            )
        if kind == "phrases":
            return (
                "phrases",
                {
                    "heading": text("heading") or "What you can say",
                    "intro": text("intro"),
                    "items": [clean_text(i) for i in block["items"]],
                },
            )
        if kind == "resources":
            chosen = Resource.objects.in_bulk(block["items"], field_name="key")
            return (
                "resources",
                {"heading": text("heading") or "Resources", "items": [chosen[key] for key in block["items"]]},
            )
        if kind == "helplines":
            chosen = Helpline.objects.in_bulk(block["items"], field_name="key")
            return (
                "helplines",
                {"heading": text("heading") or "Helplines", "items": [chosen[key] for key in block["items"]]},
            )
        if kind == "chapter_link":
            return ("chapter_link", {"chapter": self._chapters[block["chapter"]], "text": text("text")})
        if kind == "chapter_section":
            return (
                "chapter_section",
                {"chapter": self._chapters[block["chapter"]], "section": clean_text(block["section"])},
            )
        raise AssertionError(f"unchecked block type {kind}")  # schema.py rejects these first
