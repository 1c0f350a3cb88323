"""Safe HTML from training content: Markdown lessons and vignettes, GIFT question texts.

Content is data written by people, so nothing in it is trusted: Markdown is rendered, then the
HTML is sanitised with nh3 against a short allow-list. Raw HTML in the source keeps only
allowed tags; scripts and styles are removed with their content; event handlers, `style`
attributes (the CSP forbids them) and images are dropped; links keep http, https and mailto.
"""

import markdown
import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "code",
        "pre", "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th",
        "td", "caption", "dl", "dt", "dd", "sub", "sup", "del",
    }
)  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "ol": {"start"}}
_DROPPED_WITH_CONTENT = {"script", "style", "template", "iframe", "object", "noscript"}
_URL_SCHEMES = {"http", "https", "mailto"}


def sanitise(html: str) -> SafeString:
    """HTML with only the allowed tags and attributes left."""
    clean = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=_DROPPED_WITH_CONTENT,
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # sanitised by nh3 just above


def render_markdown(source: str) -> SafeString:
    """Markdown (CommonMark-like, with tables) as sanitised HTML."""
    html = markdown.markdown(source, extensions=["tables", "sane_lists"], output_format="html")
    return sanitise(html)


def render_text(text: str, fmt: str | None) -> SafeString:
    """A GIFT text in its format: markdown and html (and Moodle's auto-format, which may hold
    HTML) are sanitised; plain text is escaped."""
    if fmt == "markdown":
        return render_markdown(text)
    if fmt in ("html", "moodle"):
        return sanitise(text)
    return mark_safe(escape(text))  # escaped just here
