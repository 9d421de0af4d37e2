"""What search engines and social networks read about a story.

Every absolute address the site writes (canonical links, sharing tags,
JSON-LD, feeds, sitemaps, robots.txt, preview links, downloads) starts with
``site_root(request)``: ``settings.SITE_URL`` when it is set, as it must be in
production, so that they name the public site whatever host or proxy a
request came through; in development, where it is not, the address the
request reached (``make run PORT=8765`` links to port 8765).
"""

from dataclasses import dataclass

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

# How much of a story search results and shared links show: about as many
# characters of its title and of its standfirst (the story form warns past
# them), and the description tags give, the standfirst's first words.
TITLE_SHOWN_CHARACTERS = 70
STANDFIRST_SHOWN_CHARACTERS = 160
DESCRIPTION_WORDS = 40


def site_root(request):
    """The site's own address, scheme and host, without a final slash."""
    return settings.SITE_URL or f"{request.scheme}://{request.get_host()}"


def absolute_url(request, path):
    """``path`` (a site-relative URL) on the site's own address."""
    if path.startswith(("http://", "https://")):
        return path
    return site_root(request) + path


@dataclass(frozen=True)
class Picture:
    url: str
    mime_type: str
    width: int
    height: int
    alt: str
    length: int = 0  # bytes, for RSS enclosures; 0 when unknown


def story_picture(request, story):
    """The story's own picture, or None.

    Stories have no picture field yet. When one is added, build its Picture
    here: feeds (enclosure) and sharing tags (og:image, JSON-LD) read this one
    hook, and fall back to the masthead for sharing.
    """
    return None


def default_picture(request):
    """The masthead, shared for stories without a picture of their own."""
    return Picture(
        url=absolute_url(request, static("img/partage.png")),
        mime_type="image/png",
        width=1200,
        height=630,
        alt=f"{settings.SITE_NAME}, l’actualité, des faits et des chiffres",
    )


def publisher_logo(request):
    return Picture(
        url=absolute_url(request, static("img/logo.png")),
        mime_type="image/png",
        width=600,
        height=60,
        alt=settings.SITE_NAME,
    )


def paris_time(value):
    """The instant with its Paris offset, to the second, as feeds and tags print it."""
    return timezone.localtime(value).replace(microsecond=0)


def iso(value):
    return paris_time(value).isoformat()


@dataclass(frozen=True)
class StoryMetadata:
    """Canonical address, description, picture and JSON-LD of one story."""

    url: str
    description: str
    picture: Picture
    published: str
    modified: str
    section: str
    keywords: list
    structured_data: list


def story_metadata(request, story, topics):
    """Sharing and search metadata; ``topics`` are the story's."""
    url = absolute_url(request, story.get_absolute_url())
    home = absolute_url(request, reverse("articles:home"))
    keywords = [topic.name for topic in topics]
    picture = story_picture(request, story) or default_picture(request)
    description = Truncator(story.standfirst or story.title).words(DESCRIPTION_WORDS)
    published = iso(story.published_at) if story.published_at else None
    modified = iso(story.modified_at)
    if story.credit == settings.SITE_NAME:
        author = {"@type": "Organization", "name": story.credit, "url": home}
    else:
        author = {"@type": "Person", "name": story.credit or settings.SITE_NAME}
    logo = publisher_logo(request)
    article = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": story.title,
        "description": description,
        "dateModified": modified,
        "author": [author],
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": settings.SITE_NAME,
            "url": home,
            "logo": {
                "@type": "ImageObject",
                "url": logo.url,
                "width": logo.width,
                "height": logo.height,
            },
        },
        "image": [
            {
                "@type": "ImageObject",
                "url": picture.url,
                "width": picture.width,
                "height": picture.height,
            }
        ],
        "inLanguage": "fr",
        "isAccessibleForFree": True,
    }
    if published:
        article["datePublished"] = published
    if story.dateline:
        article["dateline"] = story.dateline
    if topics:
        article["articleSection"] = topics[0].name
        article["keywords"] = keywords
    trail = [(settings.SITE_NAME, home)]
    if topics:
        trail.append((topics[0].name, absolute_url(request, topics[0].get_absolute_url())))
    trail.append((story.title, url))
    breadcrumbs = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": item}
            for n, (name, item) in enumerate(trail, start=1)
        ],
    }
    return StoryMetadata(
        url=url,
        description=description,
        picture=picture,
        published=published,
        modified=modified,
        section=topics[0].name if topics else "",
        keywords=keywords,
        structured_data=[article, breadcrumbs],
    )
