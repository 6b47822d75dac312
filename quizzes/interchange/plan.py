"""What an import would create: the same for the admin preview, the dry run and the real
import, which applies it in one transaction. An import adds to a quiz and never changes
what is already there: a behaviour or case study it names by an existing key is reused as
it is, and the preview lists it.

Nothing imported reaches learners until someone else approves it: every question, case
study and behaviour an import creates is a draft (not live; its first revision saved by
the importing user) sent to the approval workflow in that user's name."""

import re
from dataclasses import dataclass, field
from io import BytesIO

from django.core.files.images import ImageFile
from django.db import transaction
from django.utils.text import slugify
from wagtail.images import get_image_model

from cms.models import Agency
from cms.sanitiser import clean_text
from quizzes import kinds
from quizzes.interchange.data import build_question, current_bands
from quizzes.models import Behaviour, Vignette

MAX_IMPORT_BYTES = 5 * 1024 * 1024


class ImportError_(Exception):  # noqa: N801 (ImportError is a builtin)
    """A file that cannot be imported; the message says why. Nothing is created."""


@dataclass
class ImportPlan:
    questions: list = field(default_factory=list)  # question data dicts, plus "tags" and "image"
    vignettes: dict = field(default_factory=dict)  # key -> {title, text, agency, age_band}
    skipped: list = field(default_factory=list)  # "Essay: 'Kappa Essay Question'"
    warnings: list = field(default_factory=list)

    def unique_key(self, name, taken=()):
        base = slugify(name)[:70] or "question"
        used = {q["key"] for q in self.questions} | set(taken)
        key, n = base, 2
        while key in used:
            key, n = f"{base}-{n}", n + 1
        return key


def plain_text(html):
    """Imported text as one line of plain text: line breaks become spaces, markup goes."""
    return " ".join(clean_text(re.sub(r"<(br|/p|/li)\b[^>]*>", " ", html or "", flags=re.I)).split())


def check_size(content):
    if len(content) > MAX_IMPORT_BYTES:
        raise ImportError_(
            f"The file is {len(content) / 1024 / 1024:.1f} MB; the largest that can be imported is "
            f"{MAX_IMPORT_BYTES // 1024 // 1024} MB. Split it into smaller files."
        )
    if not content.strip():
        raise ImportError_("The file is empty.")


def reused(quiz, plan):
    """What the import would use as it already is: shared traffic-light behaviours and the
    quiz's own case studies named by an existing key. Listed in the preview, so an editor
    sees that the file's version of them is not what the questions will show."""
    behaviours = (
        Behaviour.objects.filter(key__in=_behaviour_keys(plan)).select_related("band").order_by("key")
    )
    vignettes = Vignette.objects.filter(quiz=quiz, key__in=plan.vignettes).order_by("key")
    return [
        *(
            f"Traffic-light behaviour “{b.key}” ({b.band.label}, {b.get_colour_display()}): {b.text}"
            for b in behaviours
        ),
        *(f"Case study “{v.key}”: {v.title}" for v in vignettes),
    ]


def workflow_on():
    """Whether imported questions go through approval: a workflow is attached to a kind of
    question (the one Wagtail starts when an editor changes one)."""
    return any(kind.model.get_default_workflow() is not None for kind in kinds.all_kinds())


def imported_message(count, drafts):
    """What an import says it did, in the admin and the command."""
    if not drafts:
        return f"{count} question{'' if count == 1 else 's'} imported"
    if count == 1:
        return "1 question imported as a draft and sent for approval"
    return f"{count} questions imported as drafts and sent for approval"


def apply_plan(quiz, plan, user=None):
    """Create the planned vignettes, images and questions in `quiz`, all or nothing: if
    anything fails, the transaction rolls back and the image files stored so far are
    deleted too. Everything created is a draft submitted for approval by `user`; where no
    workflow is attached (an administrator turned it off) it is published as before."""
    stored = []
    try:
        with transaction.atomic():
            behaviours_before = set(
                Behaviour.objects.filter(key__in=_behaviour_keys(plan)).values_list("pk", flat=True)
            )
            vignettes_before = set(Vignette.objects.filter(quiz=quiz).values_list("pk", flat=True))
            created = _apply(quiz, plan, stored)
            new_vignettes = Vignette.objects.filter(quiz=quiz).exclude(pk__in=vignettes_before)
            new_behaviours = Behaviour.objects.filter(key__in=_behaviour_keys(plan)).exclude(
                pk__in=behaviours_before
            )
            for obj in [*new_behaviours, *new_vignettes, *created]:
                submit_for_approval(obj, user)
            return created
    except Exception:
        for image in stored:
            image.file.storage.delete(image.file.name)
        raise


def _behaviour_keys(plan):
    return {
        behaviour["key"]
        for data in plan.questions
        for behaviour in ([data["behaviour"]] if "behaviour" in data else data.get("behaviours", []))
    }


def submit_for_approval(obj, user):
    """Make a newly created `obj` a draft in the workflow: not live, its first revision by
    `user`, submitted by `user`. Without a workflow it is published instead."""
    workflow = obj.get_workflow()
    if workflow is None:
        obj.save_revision(user=user).publish(user=user)
        return
    obj.live = False
    obj.save(update_fields=["live"])
    obj.save_revision(user=user)
    workflow.start(obj, user)


def _apply(quiz, plan, stored):
    bands = current_bands()
    agencies = {a.code: a for a in Agency.objects.all()}
    vignettes = {v.key: v for v in Vignette.objects.filter(quiz=quiz)}
    for key, data in plan.vignettes.items():
        if key not in vignettes:
            vignettes[key] = Vignette.objects.create(
                quiz=quiz,
                key=key,
                title=clean_text(data["title"]),
                text=clean_text(data["text"]),
                agency=agencies.get(data.get("agency")),
                age_band=bands.get(data.get("age_band")),
            )
    taken = set(quiz.questions.values_list("key", flat=True))
    start = (quiz.questions.order_by("-sort_order").values_list("sort_order", flat=True).first() or 0) + 1
    created = []
    for offset, data in enumerate(plan.questions):
        data = dict(data)
        if data["key"] in taken:
            data["key"] = plan.unique_key(data["key"], taken | {q.key for q in created})
        question = build_question(
            quiz,
            data,
            sort_order=start + offset,
            vignettes=vignettes,
            bands=bands,
            tags=data.get("tags", ()),
            update_shared=False,
        )
        if data.get("image"):
            question.image = _store_image(data["image"])
            stored.append(question.image)
            question.save(update_fields=["image"])
        created.append(question)
    return created


def _store_image(image):
    return get_image_model().objects.create(
        title=image["title"][:255], file=ImageFile(BytesIO(image["bytes"]), name=image["name"])
    )
