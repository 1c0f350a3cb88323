"""Content is rendered from Markdown and sanitised: nothing from a file runs in the browser."""

from amparo.training.rendering import render_markdown, render_text


def test_markdown_renders_headings_emphasis_and_tables() -> None:
    html = render_markdown("## Title\n\nSome **bold**.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert html == (
        "<h2>Title</h2>\n<p>Some <strong>bold</strong>.</p>\n<table>\n<thead>\n<tr>\n<th>a</th>\n"
        "<th>b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n<td>2</td>\n</tr>\n</tbody>\n"
        "</table>"
    )


def test_a_script_in_content_does_not_survive() -> None:
    html = render_markdown('Hello\n\n<script>alert("x")</script>\n\nBye')
    assert (html, "alert" in html) == ("<p>Hello</p>\n\n\n<p>Bye</p>", False)


def test_a_raw_image_with_an_error_handler_does_not_survive() -> None:
    html = render_markdown('Look: <img src="x" onerror="alert(1)">')
    assert (html, "onerror" in html, "<img" in html) == ("<p>Look: </p>", False, False)


def test_links_keep_only_safe_schemes_and_get_a_safe_rel() -> None:
    html = render_markdown("[ok](https://example.org) [bad](javascript:alert(1))")
    assert html == (
        '<p><a href="https://example.org" rel="noopener noreferrer nofollow">ok</a> '
        '<a rel="noopener noreferrer nofollow">bad</a></p>'
    )


def test_style_attributes_and_event_handlers_are_dropped() -> None:
    html = render_markdown('<p style="color:red" onclick="x()">Text</p>')
    assert html == "<p>Text</p>"


def test_gift_texts_render_by_their_format() -> None:
    assert (
        render_text("<b>bold</b><script>x</script>", "html"),
        render_text("a <b> b", "plain"),
        render_text("*em*", "markdown"),
    ) == ("<b>bold</b>", "a &lt;b&gt; b", "<p><em>em</em></p>")
