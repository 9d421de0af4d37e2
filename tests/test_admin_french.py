"""The editors' desk speaks French everywhere: a walker visits every admin
page a superuser, an editor and a writer can reach (indexes, lists, forms,
histories, deletions, the password change) and the messages shown after an
addition, a change and a deletion, and fails on English or on Django's
generic French (« objet », « Ajout de article », « … supplémentaire »)."""

import gettext
import json
import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.utils import timezone

from articles.models import Article, Correction, SlugRedirect, Status
from articles.services import EDITORS, WRITERS, roles_sync
from trade.models import Acknowledgement, Basis, Scale, Target, Unit

from .admin_forms import form_data
from .factories import (
    make_article,
    make_brief,
    make_country,
    make_figure,
    make_pair,
    make_source,
    make_topic,
    make_user,
)

pytestmark = pytest.mark.django_db

# Words that betray English or Django's generic French. Case matters: the
# capitalised English words are button and heading words, not story text.
FORBIDDEN = [
    (re.compile(pattern), why)
    for pattern, why in [
        (r"\b[Oo]bje(?:c)?ts?\b", "« objet » / object"),
        (r"\b(?:Add|Change|Delete|View|Save|Select|Search|Filter|Home)\b", "English"),
        (r"\b(?:History|Historical|historical)\b", "English"),
        (r"Log out|View site|Documentation|Welcome", "English"),
        (r"\b(?:and|the|was|of|to|for|with|by)\b", "English"),
        (r"\b[A-Z][a-z]+_[a-z_]+\b", "a model's raw name"),
        (r"\brelationships?\b|\brelations? \w+-\w+", "an automatic model name"),
        (r"\b(?:Ajout|Modification|Suppression) de\b", "Django's « Ajout de »"),
        (r"\bsupplémentaire\b", "Django's « … supplémentaire »"),
        (r"\bde l[’'] ", "« de l’ » followed by a space"),
        (r"\bavec succès\b", "Django's « avec succès »"),
        (r"\bFigure\b|\bFIGURE\b|\bStory\b|\bTopic\b|\bCountry\b", "a model's name"),
        (r"\bSélectionnez l[’']", "Django's « Sélectionnez l’objet »"),
        (r"\bAdministration de\b|\bImpossible de supprimer\b", "Django's French"),
        (r"\b[Dd]e [aeiouyéèêàAEIOUYÉÈÊÀ]", "« de » without elision"),
        (r"\w'\w", "a straight apostrophe"),
    ]
]

# Addresses that are not pages, or leave the admin.
SKIPPED = ("/admin/logout/", "/admin/r/", "/admin/jsi18n/", "/admin/autocomplete/")
SKIPPED_PARTS = ("markdown-preview", "/apercu/revoquer/")


def texts_of(page):
    """What a reader of the page sees or hears: text, titles, placeholders,
    labels, button words, and the words the inline script adds."""
    page = BeautifulSoup(page, "html.parser")
    for hidden in page(["script", "style", "noscript"]):
        hidden.decompose()
    yield from page.stripped_strings
    for tag in page.find_all(True):
        for attribute in ("title", "placeholder", "aria-label", "alt"):
            if tag.get(attribute):
                yield tag[attribute]
        if tag.name == "input" and tag.get("type") in ("submit", "button", "reset"):
            yield tag.get("value", "")
        if tag.get("data-inline-formset"):
            options = json.loads(tag["data-inline-formset"])["options"]
            yield options["addText"]
            yield options["deleteText"]


def made_up_names():
    """The names Django makes up from a class name (« Facet entry ») for our
    models that give none: a pattern matching any of them, in any case."""
    names = {
        str(name)
        for model in apps.get_models()
        if model._meta.app_label in ("articles", "trade")
        and "verbose_name" not in model._meta.original_attrs
        for name in (model._meta.verbose_name, model._meta.verbose_name_plural)
    }
    alternatives = "|".join(re.escape(name) for name in sorted(names))
    return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE) if names else None


def findings_in(url, page):
    made_up = made_up_names()
    forbidden = FORBIDDEN + ([(made_up, "a name made up by Django")] if made_up else [])
    return [
        f"{url}: « {text} » ({why})"
        for text in texts_of(page)
        for pattern, why in forbidden
        if pattern.search(text)
    ]


def links_of(page):
    page = BeautifulSoup(page, "html.parser")
    for link in page.select("a[href]"):
        address = urlsplit(link["href"])
        if address.netloc or not address.path.startswith("/admin/"):
            continue
        if address.path.startswith(SKIPPED) or any(
            part in address.path for part in SKIPPED_PARTS
        ):
            continue
        yield address.path


@pytest.fixture
def newsroom():
    """One of everything the admin shows, a story linked to all of it."""
    roles_sync()
    topic = make_topic(name="Économie")
    other = make_article(title="Un autre article")
    story = make_article(title="Le port ouvre", topics=[topic], related=[other])
    Correction.objects.create(article=story, wrong="Deux quais.", right="Trois quais.")
    make_brief(title="Une brève")
    SlugRedirect.objects.create(old_slug="ancien-port", article=story)
    first, second = make_country(name="Kenya"), make_country(name="Inde")
    first.stories.set([story])
    pair = make_pair(first, second)
    figure = make_figure(stories=[story], reporter=first, partner=second)
    Target.objects.create(
        slug="doubler",
        pair=pair,
        indicator=figure.indicator,
        basis=Basis.GACS,
        statement="Doubler les échanges.",
        source=make_source(),
        unit=Unit.USD,
        scale=Scale.BILLIONS,
        target_year=timezone.now().year + 5,
        multiplier=2,
    )
    Acknowledgement.objects.create(figure=figure, check_key="cle", note="Vu.")
    return story


def walk(client, start):
    """Every admin page reachable by links from ``start``: their findings."""
    seen, queue, findings = set(), deque(start), []
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200:
            continue
        page = response.content.decode()
        findings += findings_in(url, page)
        queue.extend(links_of(page))
    return seen, findings


def registered_models():
    """Ours and Django's accounts (django-axes' logs only list attempts)."""
    return [
        model
        for model in apps.get_models()
        if admin.site.is_registered(model)
        and model._meta.app_label in ("articles", "trade", "auth")
    ]


@pytest.mark.parametrize("role", [None, EDITORS, WRITERS])
def test_every_admin_page_speaks_french(client, newsroom, role):
    if role is None:
        user = make_user(is_staff=True, is_superuser=True)
    else:
        user = make_user(role)
        if role == WRITERS:
            make_article(title="Mon brouillon", status=Status.DRAFT, created_by=user)
    client.force_login(user)
    story = newsroom
    # Two versions, to compare and to restore.
    Article.objects.get(pk=story.pk).save()
    versions = list(story.history.values_list("history_id", flat=True)[:2])
    start = [
        "/admin/",
        "/admin/password_change/",
        f"/admin/articles/article/{story.pk}/history/compare/"
        f"?de={versions[1]}&a={versions[0]}",
    ]
    seen, findings = walk(client, start)
    if role is None:
        for model in registered_models():
            base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
            assert base in seen and f"{base}add/" in seen, model
            assert any(
                re.fullmatch(rf"{base}\d+/delete/", url) for url in seen
            ), model
        assert f"/admin/articles/article/{story.pk}/history/{versions[1]}/" in seen
    else:
        assert {"/admin/articles/article/", "/admin/articles/article/add/"} <= seen
    assert findings == [], "\n".join(findings)


def messages_of(response):
    page = BeautifulSoup(response.content, "html.parser")
    return [li.get_text(" ", strip=True) for li in page.select(".messagelist li")]


def heading_of(response):
    return BeautifulSoup(response.content, "html.parser").h1.get_text(strip=True)


def test_messages_after_add_change_and_delete_speak_french(client, newsroom):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    add = client.get("/admin/articles/article/add/")
    data = form_data(
        add, "#article_form", title="La digue", slug="la-digue", status=Status.DRAFT
    )
    added = client.post("/admin/articles/article/add/", data, follow=True)
    story = Article.objects.get(slug="la-digue")
    url = f"/admin/articles/article/{story.pk}/change/"
    change = client.get(url)
    data = form_data(change, "#article_form", title="La grande digue", _continue="1")
    changed = client.post(url, data, follow=True)
    deleted = client.post(
        f"/admin/articles/article/{story.pk}/delete/", {"post": "yes"}, follow=True
    )
    topic_add = client.get("/admin/articles/topic/add/")
    data = form_data(topic_add, "#topic_form", name="Ports", slug="ports")
    topic_added = client.post(
        "/admin/articles/topic/add/", {**data, "_addanother": "1"}, follow=True
    )
    source = make_source(publisher="Douanes", title="Bilan")
    source_deleted = client.post(
        f"/admin/trade/source/{source.pk}/delete/", {"post": "yes"}, follow=True
    )

    assert heading_of(add) == "Nouvel article"
    assert heading_of(change) == "Modifier l’article « La digue »"
    assert heading_of(topic_add) == "Nouveau thème"
    assert messages_of(added) == ["L’article « La digue » est enregistré."]
    assert messages_of(changed) == ["L’article « La grande digue » est enregistré."]
    assert messages_of(deleted) == ["L’article « La grande digue » est supprimé."]
    assert messages_of(topic_added) == ["Le thème « Ports » est enregistré."]
    assert messages_of(source_deleted) == [
        "La source « Douanes — Bilan » est supprimée."
    ]
    for response in (added, changed, deleted, topic_added, source_deleted):
        assert findings_in(response.request["PATH_INFO"], response.content) == []


def test_pages_behind_forms_speak_french(client, newsroom):
    """Pages no link leads to: a search, a filtered list, a bulk deletion's
    confirmation, a refused form, a refused publishing step, a save refused
    for a colleague's, the password change's result."""
    user = make_user(is_staff=True, is_superuser=True)
    client.force_login(user)
    story = newsroom
    url = f"/admin/articles/article/{story.pk}/change/"
    opened = client.get(url)
    step = client.post(
        url,
        form_data(
            opened,
            "#article_form",
            **{
                "publication-step": "programmer",
                "publication-date": "2000-01-01",
                "publication-time": "06:00",
            },
        ),
    )
    Article.objects.get(pk=story.pk).save()  # a colleague's save
    conflict = client.post(url, form_data(opened, "#article_form", title="Autre"))
    searched = client.get("/admin/articles/article/", {"q": "port", "etat": "live"})
    bulk = client.post(
        "/admin/articles/article/",
        {"action": "delete_selected", "_selected_action": [story.pk]},
    )
    add = client.get("/admin/articles/topic/add/")
    refused = client.post("/admin/articles/topic/add/", form_data(add, "#topic_form"))
    password = client.post(
        "/admin/password_change/",
        {
            "old_password": "mot-de-passe",
            "new_password1": "Une-phrase-de-passe-42",
            "new_password2": "Une-phrase-de-passe-42",
        },
        follow=True,
    )

    assert "Le port ouvre" in searched.content.decode()
    assert heading_of(bulk) == "Supprimer plusieurs éléments"
    assert refused.status_code == 200 and "errornote" in refused.content.decode()
    # A published story cannot be scheduled.
    assert step.status_code == 400 and "rien n’a été enregistré" in (
        step.content.decode()
    )
    assert conflict.status_code == 409 and "keep-conflict" in conflict.content.decode()
    assert password.redirect_chain[-1][0] == "/admin/password_change/done/"
    for response in (searched, bulk, refused, step, conflict, password):
        assert findings_in(response.request["PATH_INFO"], response.content) == []


def test_the_compiled_catalog_says_what_the_catalog_says():
    # The .mo is what Django reads; after an edit of the .po it must be
    # compiled again (manage.py compilemessages), or the edit never shows.
    folder = settings.BASE_DIR / "locale" / "fr" / "LC_MESSAGES"
    with open(folder / "django.mo", "rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)
    source = (folder / "django.po").read_text(encoding="utf-8")
    singular = re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', source, re.M)
    plural = re.findall(
        r'^msgid "(.+)"\nmsgid_plural "(.+)"\nmsgstr\[0\] "(.*)"\nmsgstr\[1\] "(.*)"$',
        source,
        re.M,
    )
    assert len(singular) + len(plural) == source.count('\nmsgid "') - 1
    singular = [[text.replace('\\"', '"') for text in entry] for entry in singular]
    plural = [[text.replace('\\"', '"') for text in entry] for entry in plural]
    for msgid, msgstr in singular:
        assert catalog.gettext(msgid) == msgstr, msgid
    for msgid, msgid_plural, one, many in plural:
        assert catalog.ngettext(msgid, msgid_plural, 1) == one, msgid
        assert catalog.ngettext(msgid, msgid_plural, 2) == many, msgid
