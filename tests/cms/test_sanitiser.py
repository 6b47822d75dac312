import re

from cms.sanitiser import clean_html, clean_text


def test_script_elements_and_their_contents_are_removed():
    assert clean_html("<p>Hello<script>alert('x')</script></p>") == "<p>Hello</p>"
    assert "alert" not in clean_html("<SCRIPT type='text/javascript'>alert(1)</SCRIPT >")


def test_event_handlers_and_unknown_attributes_are_removed():
    cleaned = clean_html('<p onclick="steal()" style="x" class="y">Text</p>')
    assert cleaned == "<p>Text</p>"
    assert "onerror" not in clean_html('<img src="x" onerror="steal()">')


def test_javascript_and_data_links_lose_their_href():
    for href in ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<b>x</b>", "vbscript:x"]:
        cleaned = clean_html(f'<a href="{href}">Link</a>')
        assert "href" not in cleaned, href
        assert "Link" in cleaned


def test_safe_markup_is_kept():
    html = (
        "<h3>Sub</h3><p><strong>Bold</strong> <em>it</em> "
        '<a href="https://www.nspcc.org.uk/">NSPCC</a></p><ul><li>One</li></ul>'
    )
    assert clean_html(html) == html


def test_style_link_and_iframe_are_removed():
    cleaned = clean_html('<style>p{}</style><link href="x"><iframe src="y"></iframe><p>ok</p>')
    assert cleaned == "<p>ok</p>"


def test_clean_text_strips_all_markup_but_keeps_ampersands_readable():
    assert clean_text("Tom & <b>Jerry</b><script>x()</script>") == "Tom & Jerry"


def test_escaped_markup_never_comes_back_as_markup():
    assert clean_text("&lt;script&gt;") == ""
    assert clean_text("&lt;script&gt;alert(1)&lt;/script&gt;Hi") == "Hi"
    assert clean_text("&amp;lt;img src=x onerror=alert(1)&amp;gt;Ann") == "Ann"
    assert clean_text("&#60;b&#62;Bold&#60;/b&#62;") == "Bold"
    for sneaky in ["&lt;a href=x&gt;", "&amp;amp;lt;script&amp;amp;gt;", "<<script>script>", "&lt;<b>b</b>&gt;"]:
        assert not re.search(r"<[a-zA-Z/!?]", clean_text(sneaky)), sneaky


def test_plain_text_with_angle_brackets_and_ampersands_stays_as_typed():
    assert clean_text("Children aged < 13 & > 5") == "Children aged < 13 & > 5"
    assert clean_text("5 &lt; 6") == "5 < 6"
    assert clean_text("  Team A  ") == "Team A"
