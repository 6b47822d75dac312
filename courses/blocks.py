"""Lesson blocks: everything a toolkit chapter can hold, plus ways to pull the toolkit in."""

from wagtail import blocks

from cms.blocks import ChapterContentBlock, NoTypedNumbersMixin, SectionBlock


class ChapterLinkBlock(NoTypedNumbersMixin, blocks.StructBlock):
    chapter = blocks.PageChooserBlock(page_type="cms.ChapterPage")
    text = blocks.CharBlock(required=False, max_length=200, help_text="Optional sentence before the link.")

    class Meta:
        icon = "link"
        label = "Link to a toolkit chapter"
        template = "courses/blocks/chapter_link.html"
        preview_value = {"text": "Read more in the toolkit."}


class ChapterSectionBlock(blocks.StructBlock):
    """Shows one section of a toolkit chapter inside a lesson, so the two never drift apart:
    an edit to the chapter shows in the lesson too."""

    chapter = blocks.PageChooserBlock(page_type="cms.ChapterPage")
    section = blocks.CharBlock(
        max_length=160, help_text="The heading of the chapter section to show, exactly as written."
    )

    class Meta:
        icon = "doc-full-inverse"
        label = "Section of a toolkit chapter"
        template = "courses/blocks/chapter_section.html"
        preview_value = {"section": "Strategy discussions"}

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        chapter = value["chapter"]
        context["embedded"] = None
        if chapter is not None:
            chapter = chapter.specific
            for section in chapter.body:
                if section.value["heading"].strip() == value["section"].strip():
                    context["embedded"] = section.value
                    break
        context["chapter"] = chapter
        return context


class LessonContentBlock(ChapterContentBlock):
    chapter_link = ChapterLinkBlock()
    chapter_section = ChapterSectionBlock()


class LessonSectionBlock(SectionBlock):
    content = LessonContentBlock()
