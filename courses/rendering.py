"""Markdown to safe HTML, done once when content is saved (never per request)."""

import hashlib
from urllib.parse import parse_qs, urlparse

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
    "caption", "sup", "sub", "abbr", "dl", "dt", "dd",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "abbr": {"title"},
    "ol": {"start"},
}


def render_markdown(text: str) -> str:
    """Author Markdown → sanitised HTML. Raw HTML in the source is stripped by nh3;
    headings stay below the page's own h1."""
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists", "fenced_code"])
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def content_version(*parts: str) -> str:
    """A short, stable fingerprint of a text (which version of a policy was accepted)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:16]


VIDEO_HOSTS = {
    "www.youtube.com": "youtube",
    "youtube.com": "youtube",
    "m.youtube.com": "youtube",
    "youtu.be": "youtube",
    "vimeo.com": "vimeo",
    "player.vimeo.com": "vimeo",
}


def video_embed_url(url: str) -> str | None:
    """The embeddable player URL of an allow-listed video page, or None if not allowed."""
    parsed = urlparse(url or "")
    if parsed.scheme != "https":
        return None
    provider = VIDEO_HOSTS.get(parsed.hostname or "")
    if provider == "youtube":
        if parsed.hostname == "youtu.be":
            video_id = parsed.path.lstrip("/")
        elif parsed.path.startswith("/embed/"):
            video_id = parsed.path.removeprefix("/embed/")
        else:
            video_id = (parse_qs(parsed.query).get("v") or [""])[0]
        if video_id.replace("-", "").replace("_", "").isalnum():
            return f"https://www.youtube-nocookie.com/embed/{video_id}"
    if provider == "vimeo":
        video_id = parsed.path.rstrip("/").rsplit("/", 1)[-1]
        if video_id.isdigit():
            return f"https://player.vimeo.com/video/{video_id}"
    return None
