"""StreamField blocks for toolkit chapters (and, later, lessons).

Each block renders with its own template under `cms/blocks/` and carries a preview value
so editors see what it looks like before choosing it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from cms import phone_numbers
from cms.local_contacts import KINDS as LOCAL_CONTACT_KINDS

INDICATOR_CATEGORIES = [
    ("emotional", "Emotional signs"),
    ("behavioural", "Behavioural signs"),
    ("physical", "Physical signs"),
    ("adult_behaviour", "Signs in an adult's behaviour"),
    ("family_vulnerability", "Family vulnerabilities"),
    ("cse", "Signs of child sexual exploitation"),
    ("online", "Online signs"),
]

CALLOUT_VARIANTS = [
    ("key", "Key message"),
    ("important", "Important"),
    ("info", "Good to know"),
]


def refuse_known_numbers(text):
    """Raise a ValidationError naming each helpline or local-contact number typed into `text`.

    A typed number goes stale when the service changes it; the helplines and local contacts
    blocks show the number kept in one place (see cms/phone_numbers.py)."""
    found = phone_numbers.find_known(text)
    if found:
        raise ValidationError(" ".join(f.message for f in found), code="typed_phone_number")


class NoTypedNumbersMixin:
    """For a StructBlock: its text, character and list-of-text fields refuse helpline and
    local-contact numbers, with the message against the field that holds one."""

    def clean(self, value):
        try:
            cleaned, errors = super().clean(value), {}
        except blocks.StructBlockValidationError as error:
            cleaned, errors = None, dict(error.block_errors)
        for name, child in self.child_blocks.items():
            if name in errors:
                continue
            if isinstance(child, (blocks.CharBlock, blocks.TextBlock)):
                try:
                    refuse_known_numbers(value.get(name) or "")
                except ValidationError as error:
                    errors[name] = error
            elif isinstance(child, blocks.ListBlock) and isinstance(
                child.child_block, (blocks.CharBlock, blocks.TextBlock)
            ):
                item_errors = {}
                for i, item in enumerate(value.get(name) or []):
                    try:
                        refuse_known_numbers(item or "")
                    except ValidationError as error:
                        item_errors[i] = error
                if item_errors:
                    errors[name] = blocks.ListBlockValidationError(block_errors=item_errors)
        if errors:
            raise blocks.StructBlockValidationError(errors)
        return cleaned


class RichTextBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", settings.RICH_TEXT_FEATURES)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        refuse_known_numbers(value.source if value else "")
        return value

    class Meta:
        icon = "pilcrow"
        label = "Text"
        template = "cms/blocks/text.html"
        preview_value = (
            "<p>Children often show rather than tell. Record what you see and hear, "
            "in the child's own words.</p>"
        )
        description = "Paragraphs, lists, sub-headings and links."


class CalloutBlock(NoTypedNumbersMixin, blocks.StructBlock):
    variant = blocks.ChoiceBlock(choices=CALLOUT_VARIANTS, default="key")
    heading = blocks.CharBlock(required=False, max_length=120)
    text = blocks.TextBlock()

    class Meta:
        icon = "warning"
        label = "Key message / callout"
        template = "cms/blocks/callout.html"
        preview_value = {
            "variant": "key",
            "heading": "No police action is not no safeguarding action",
            "text": "Safeguarding decisions are made on the balance of probabilities.",
        }


class IndicatorGroupBlock(NoTypedNumbersMixin, blocks.StructBlock):
    category = blocks.ChoiceBlock(choices=INDICATOR_CATEGORIES)
    items = blocks.ListBlock(blocks.CharBlock(max_length=300), label="Indicators")

    class Meta:
        icon = "list-ul"
        label = "Group of indicators"


class IndicatorListBlock(NoTypedNumbersMixin, blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=120)
    intro = blocks.TextBlock(required=False)
    groups = blocks.ListBlock(IndicatorGroupBlock())

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        labels = dict(INDICATOR_CATEGORIES)
        context["labelled_groups"] = [(labels[g["category"]], g) for g in value["groups"]]
        return context

    class Meta:
        icon = "list-ul"
        label = "Indicator list"
        template = "cms/blocks/indicators.html"
        preview_value = {
            "heading": "Signs you might notice",
            "groups": [
                {"category": "emotional", "items": ["Changes in mood", "Nightmares"]},
                {"category": "online", "items": ["Secretive about who they talk to online"]},
            ],
        }


class ProcedureStepBlock(NoTypedNumbersMixin, blocks.StructBlock):
    title = blocks.CharBlock(max_length=160, label="Step")
    who = blocks.CharBlock(max_length=300, label="Who acts")
    what = blocks.TextBlock(label="What they do")
    timescale = blocks.CharBlock(required=False, max_length=200)

    class Meta:
        icon = "arrow-right"
        label = "Step"


class ProcedureStepsBlock(NoTypedNumbersMixin, blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=160)
    steps = blocks.ListBlock(ProcedureStepBlock())

    class Meta:
        icon = "list-ol"
        label = "Procedure steps"
        template = "cms/blocks/steps.html"
        preview_value = {
            "heading": "After a referral",
            "steps": [
                {
                    "title": "Strategy discussion",
                    "who": "Children's social care, police and health",
                    "what": "Share information and decide whether to start a section 47 enquiry.",
                    "timescale": "Usually within 24 hours of the decision to hold one",
                }
            ],
        }


class QuoteBlock(NoTypedNumbersMixin, blocks.StructBlock):
    text = blocks.TextBlock()
    attribution = blocks.CharBlock(max_length=250)

    class Meta:
        icon = "openquote"
        label = "Quote (voice of a child or survivor)"
        template = "cms/blocks/quote.html"
        preview_value = {
            "text": "People don't talk about it.",
            "attribution": "Young person, quoted by the Centre of expertise on child sexual abuse",
        }


class DefinitionBlock(NoTypedNumbersMixin, blocks.StructBlock):
    """A definition quoted word for word from law or published guidance, with its source.

    Kept apart from our own prose so readers can see whose words they are, and so the
    content tests know which text is quoted on purpose.
    """

    term = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(help_text="The definition, exactly as the source words it.")
    source = blocks.CharBlock(max_length=250, help_text="The law or guidance it comes from, with its year.")

    class Meta:
        icon = "doc-full-inverse"
        label = "Definition (quoted from law or guidance)"
        template = "cms/blocks/definition.html"
        preview_value = {
            "term": "Child",
            "text": "Anyone who has not yet reached their 18th birthday.",
            "source": "Working Together to Safeguard Children 2023",
        }


class LocalContactsBlock(NoTypedNumbersMixin, blocks.StructBlock):
    """The partnership's own contacts, chosen by kind; the details live in site settings."""

    heading = blocks.CharBlock(required=False, max_length=120, default="Who to contact in your area")
    items = blocks.ListBlock(blocks.ChoiceBlock(choices=list(LOCAL_CONTACT_KINDS.items())), label="Contacts")

    class Meta:
        icon = "group"
        label = "Local contacts"
        template = "cms/blocks/local_contacts.html"
        preview_value = {"heading": "Who to contact in your area", "items": ["front_door", "lado"]}


class ResourceListBlock(NoTypedNumbersMixin, blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=120, default="Resources")
    items = blocks.ListBlock(SnippetChooserBlock("cms.Resource"), label="Resources")

    class Meta:
        icon = "link"
        label = "Resource list"
        template = "cms/blocks/resources.html"
        preview_value = {"heading": "Resources", "items": []}


class HelplineListBlock(NoTypedNumbersMixin, blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=120, default="Helplines")
    items = blocks.ListBlock(SnippetChooserBlock("cms.Helpline"), label="Helplines")

    class Meta:
        icon = "mail"
        label = "Helpline list"
        template = "cms/blocks/helplines.html"
        preview_value = {"heading": "Helplines", "items": []}


class PhrasesBlock(NoTypedNumbersMixin, blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=120, default="What you can say")
    intro = blocks.TextBlock(required=False)
    items = blocks.ListBlock(blocks.CharBlock(max_length=300), label="Phrases")

    class Meta:
        icon = "comment"
        label = "What to say"
        template = "cms/blocks/phrases.html"
        preview_value = {
            "heading": "What you can say",
            "items": ["Help me to understand that a bit better.", "Tell me about that."],
        }


class ChapterContentBlock(blocks.StreamBlock):
    """What a section of a chapter may contain."""

    text = RichTextBlock()
    callout = CalloutBlock()
    indicators = IndicatorListBlock()
    steps = ProcedureStepsBlock()
    quote = QuoteBlock()
    definition = DefinitionBlock()
    resources = ResourceListBlock()
    local_contacts = LocalContactsBlock()
    helplines = HelplineListBlock()
    phrases = PhrasesBlock()


class SectionBlock(NoTypedNumbersMixin, blocks.StructBlock):
    """A titled part of a chapter: it becomes an H2 and an entry in the page's contents."""

    heading = blocks.CharBlock(max_length=160)
    content = ChapterContentBlock()

    class Meta:
        icon = "doc-full"
        label = "Section"
        template = "cms/blocks/section.html"
        preview_value = {
            "heading": "Responding to a disclosure",
            "content": [("text", "<p>Listen, stay calm and take what the child says seriously.</p>")],
        }


class KeyMessageBlock(blocks.TextBlock):
    """A chapter's key message: plain text that refuses helpline and local-contact numbers."""

    def clean(self, value):
        value = super().clean(value)
        refuse_known_numbers(value)
        return value

    def deconstruct(self):
        # Stored and edited exactly as a TextBlock; only the checking differs, which
        # migrations need not know about (Wagtail's MultipleChoiceBlock does the same).
        return ("wagtail.blocks.TextBlock", self._constructor_args[0], self._constructor_args[1])
