"""Lesson Markdown keeps images only from the site's own media or allowed hosts."""

import pytest

from courses.rendering import render_markdown
from courses.tests.factories import course_with_lessons


@pytest.fixture(autouse=True)
def _sites(settings):
    settings.SITE_URL = "https://ambassador.example.com"
    settings.MEDIA_URL = "media/"
    settings.LESSON_IMAGE_HOSTS = ["images.example.com"]


@pytest.mark.parametrize(
    "src",
    [
        "/media/lessons/diagram.png",
        "https://ambassador.example.com/media/lessons/diagram.png",
        "https://images.example.com/brand/logo.png",
        "https://IMAGES.example.com/brand/logo.png",
    ],
)
def test_images_from_the_sites_media_or_an_allowed_host_are_kept(src):
    html = render_markdown(f"![Our logo]({src})")
    assert f'src="{src}"' in html
    assert 'alt="Our logo"' in html


@pytest.mark.parametrize(
    "src",
    [
        "http://tracker.example.net/pixel.gif",  # a tracking pixel, mixed content
        "https://tracker.example.net/pixel.gif",
        "//tracker.example.net/pixel.gif",
        "http://images.example.com/brand/logo.png",  # an allowed host, but not https
        "https://images.example.com.evil.net/logo.png",
        "https://ambassador.example.com/accounts/logout/",  # the site, outside media
        "media/relative.png",  # relative to the lesson page, not the media folder
        "data:image/gif;base64,R0lGODlhAQABAAAAACw=",
    ],
)
def test_other_images_are_removed(src):
    html = render_markdown(f"Before ![pixel]({src}) after")
    assert "<img" not in html
    assert "Before" in html and "after" in html


def test_raw_html_images_are_filtered_the_same_way():
    html = render_markdown('<img src="http://tracker.example.net/p.gif"> text')
    assert "tracker" not in html


def test_a_saved_lesson_keeps_no_external_image(db):
    course = course_with_lessons(modules=1, lessons=1)
    lesson = course.modules.get().lessons.get()
    lesson.body = "![x](http://tracker.example.net/p.gif)\n\n![ok](/media/lessons/ok.png)"
    lesson.save()
    lesson.refresh_from_db()
    assert "tracker" not in lesson.body_html
    assert 'src="/media/lessons/ok.png"' in lesson.body_html
