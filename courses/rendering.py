"""Markdown to safe HTML, done once when content is saved (never per request)."""

import hashlib
import re
from urllib.parse import parse_qs, urlparse

import markdown
import nh3
from django.conf import settings
from django.utils.html import escape

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


def image_source_allowed(src: str) -> bool:
    """Images only from the site's own media (`/media/…`, or the same path on SITE_URL's
    host) or over https from a host in LESSON_IMAGE_HOSTS: no tracking pixels, no mixed
    content."""
    parsed = urlparse(src.strip())
    media_path = "/" + settings.MEDIA_URL.strip("/") + "/"
    if not parsed.scheme and not parsed.netloc:
        return parsed.path.startswith(media_path)
    host = (parsed.hostname or "").lower()
    site = urlparse(settings.SITE_URL)
    if parsed.scheme == site.scheme and host == (site.hostname or "").lower():
        return parsed.path.startswith(media_path)
    allowed_hosts = {name.lower() for name in settings.LESSON_IMAGE_HOSTS}
    return parsed.scheme == "https" and host in allowed_hosts


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not image_source_allowed(value):
        return None
    return value


# An <img> whose source was refused keeps no src: drop the element itself.
_IMAGE_WITHOUT_SOURCE = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")


def render_markdown(text: str) -> str:
    """Author Markdown → sanitised HTML. Raw HTML in the source is stripped by nh3;
    headings stay below the page's own h1; images from elsewhere than the site's media
    or LESSON_IMAGE_HOSTS are removed."""
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists", "fenced_code"])
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    html = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        attribute_filter=_filter_attribute,
    )
    return _IMAGE_WITHOUT_SOURCE.sub("", html)


# Placeholders lessons may use for the company's own contacts → the setting that fills them.
CONTACT_PLACEHOLDERS = {
    "{{social_team}}": "SOCIAL_MEDIA_TEAM",
    "{{social_email}}": "SOCIAL_MEDIA_EMAIL",
    "{{out_of_hours}}": "SOCIAL_MEDIA_OUT_OF_HOURS",
    "{{whistleblowing}}": "WHISTLEBLOWING_CHANNEL",
}


def fill_contacts(html: str) -> str:
    """Put the company's contacts (settings, escaped) into rendered lesson HTML. Done at
    display time, so changing a setting needs no reload of the curriculum."""
    for placeholder, name in CONTACT_PLACEHOLDERS.items():
        if placeholder in html:
            html = html.replace(placeholder, escape(str(getattr(settings, name))))
    return html


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
