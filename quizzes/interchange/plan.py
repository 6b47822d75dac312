"""What an import would create: the same for the admin preview, the dry run and the real
import, which applies it in one transaction."""

from dataclasses import dataclass, field

from django.core.files.images import ImageFile
from django.db import transaction
from django.utils.text import slugify

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


def check_size(content):
    if len(content) > MAX_IMPORT_BYTES:
        raise ImportError_(
            f"The file is {len(content) / 1024 / 1024:.1f} MB; the largest that can be imported is "
            f"{MAX_IMPORT_BYTES // 1024 // 1024} MB. Split it into smaller files."
        )
    if not content.strip():
        raise ImportError_("The file is empty.")


def apply_plan(quiz, plan):
    """Create the planned vignettes, images and questions in `quiz`, all or nothing."""
    from cms.models import Agency
    from quizzes.interchange.data import build_question, current_bands
    from quizzes.models import Vignette

    with transaction.atomic():
        bands = current_bands()
        agencies = {a.code: a for a in Agency.objects.all()}
        vignettes = {v.key: v for v in Vignette.objects.filter(quiz=quiz)}
        for key, data in plan.vignettes.items():
            if key not in vignettes:
                vignettes[key] = Vignette.objects.create(
                    quiz=quiz,
                    key=key,
                    title=data["title"],
                    text=data["text"],
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
            )
            if data.get("image"):
                question.image = _store_image(data["image"])
                question.save(update_fields=["image"])
            created.append(question)
        return created


def _store_image(image):
    from io import BytesIO

    from wagtail.images import get_image_model

    return get_image_model().objects.create(
        title=image["title"][:255], file=ImageFile(BytesIO(image["bytes"]), name=image["name"])
    )
