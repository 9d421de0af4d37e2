"""Loading the seed again, or importing a dispatch again, never undoes an editor."""


import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, SlugRedirect, Status, Topic
from articles.services import EDITORS, SEED_WIRE
from trade.models import Acknowledgement, Figure, Source, Target

from .factories import make_user

pytestmark = pytest.mark.django_db

BRIEF = "commerce-sino-kazakh-438-milliards-de-dollars-en-2024"


def snapshot():
    """Everything a load could move: rows, their dates and their revisions."""
    return {
        "stories": sorted(
            Article.objects.values_list(
                "pk", "title", "slug", "status", "published_at", "updated_at", "body", "version"
            )
        ),
        "revisions": Article.history.count(),
        "links": sorted(Article.topics.through.objects.values_list("article_id", "topic_id")),
        "related": sorted(Article.related.through.objects.values_list("from_article_id", "to_article_id")),
        "topics": sorted(
            Topic.objects.values_list("pk", "name", "slug", "description", "menu_position")
        ),
        "figures": sorted(Figure.objects.values_list("pk", "slug", "value", "quote", "updated_at")),
        "figure_stories": sorted(Figure.stories.through.objects.values_list("figure_id", "article_id")),
        "sources": sorted(Source.objects.values_list("pk", "title")),
        "targets": sorted(Target.objects.values_list("pk", "statement", "note")),
        "acknowledgements": sorted(Acknowledgement.objects.values_list("pk", "check_key", "note")),
    }


def load_everything():
    call_command("load_seed", verbosity=0)
    call_command("load_trade_seed", verbosity=0)


def test_a_second_load_writes_nothing(trade_seeded, capsys):
    before = snapshot()
    call_command("load_seed")
    call_command("load_trade_seed")
    assert snapshot() == before
    out = capsys.readouterr().out
    assert "rien à créer, rien n’a été modifié" in out
    assert "Chiffres déjà là" in out


def test_loading_again_keeps_every_edit(trade_seeded):
    brief = Article.objects.get(slug=BRIEF)
    brief.title = "Commerce sino-kazakh : le chiffre de 2024 corrigé"
    brief.slug = "commerce-sino-kazakh-le-chiffre-de-2024"
    brief.save()
    brief.topics.set([Topic.objects.get(name="Chine")])
    trade_seeded.status = Status.DRAFT  # unpublished by an editor
    trade_seeded.save()
    figure = Figure.objects.get(slug="kz-cn-2024")
    figure.quote = "Une citation revue par la rédaction."
    figure.save()
    target = Target.objects.get()
    target.note = "Note de la rédaction."
    target.save()
    Acknowledgement.objects.create(check_key="essai", figure=figure, note="Vu par la rédaction.")
    before = snapshot()

    load_everything()
    load_everything()

    assert snapshot() == before
    assert not Article.objects.filter(slug=BRIEF).exists()
    assert SlugRedirect.objects.get(old_slug=BRIEF).article == brief


def test_a_renamed_brief_keeps_its_old_address_redirecting(client, trade_seeded):
    brief = Article.objects.get(slug=BRIEF)
    brief.slug = "le-commerce-sino-kazakh-en-2024"
    brief.save()
    load_everything()
    response = client.get(f"/articles/{BRIEF}/")
    assert response.status_code == 301
    assert response["Location"] == "/articles/le-commerce-sino-kazakh-en-2024/"


def test_a_deleted_seed_story_stays_deleted(trade_seeded):
    Article.objects.get(slug=BRIEF).delete()
    count = Article.objects.count()
    load_everything()
    assert Article.objects.count() == count
    assert not Article.objects.filter(slug=BRIEF).exists()


def test_the_menu_an_editor_chose_is_kept(seeded):
    Topic.objects.get(name="Chine").save()  # as the admin saves it
    Topic.objects.filter(name="Chine").update(menu_position=None)
    Topic.objects.filter(name="Kazakhstan").update(menu_position=1)
    before = snapshot()
    call_command("load_seed", verbosity=0)
    assert snapshot() == before


def test_a_renamed_topic_is_not_created_again(seeded):
    topic = Topic.objects.get(name="Chine")
    topic.name = "chine"
    topic.slug = "republique-populaire-de-chine"
    topic.save()
    count = Topic.objects.count()
    call_command("load_seed", verbosity=0)
    assert Topic.objects.count() == count


def test_an_empty_database_gets_everything(db):
    load_everything()
    assert Article.objects.published().count() == 6
    assert Figure.objects.exists()
    assert Target.objects.count() == 1


# Importing a dispatch again


def import_seed(*args):
    call_command("import_story", str(SEED_WIRE), *args, verbosity=0)


def test_importing_again_after_an_edit_is_refused_with_who_and_what(capsys):
    import_seed()
    story = Article.objects.get()
    editor = make_user(EDITORS, username="claire", first_name="Claire", last_name="Martin")
    story.title = "Un titre choisi par la rédaction"
    story.standfirst = "Un chapô réécrit."
    story._history_user = editor
    story.save()
    before = snapshot()

    with pytest.raises(CommandError) as refused:
        import_seed("--status", "published")

    message = str(refused.value)
    assert "\n" not in message
    assert "Claire Martin a modifié titre, chapô depuis le dernier import" in message
    assert "--force" in message
    assert snapshot() == before


def test_forcing_an_import_overwrites_with_a_revision_to_restore():
    import_seed()
    story = Article.objects.get()
    story.title = "Un titre choisi par la rédaction"
    story.save()
    revisions = story.history.count()

    import_seed("--force")

    story.refresh_from_db()
    assert story.title.startswith("Le Kazakhstan et la Chine")
    assert story.history.count() == revisions + 1
    latest, edited = story.history.all()[:2]
    assert latest.history_change_reason == "Import forcé de la dépêche"
    assert edited.title == "Un titre choisi par la rédaction"
    # Once forced, the import's fingerprint is the story's again.
    import_seed()


def test_importing_an_unchanged_dispatch_again_writes_nothing(capsys):
    import_seed("--topics", "Chine")
    before = snapshot()
    call_command("import_story", str(SEED_WIRE), "--topics", "Chine")
    assert snapshot() == before
    assert "Déjà à jour" in capsys.readouterr().out


def test_a_changed_dispatch_updates_an_untouched_story(tmp_path):
    import_seed()
    story = Article.objects.get()
    revised = tmp_path / "depeche.txt"
    text = SEED_WIRE.read_text(encoding="utf-8")
    revised.write_text(text.replace("intensifient leurs efforts", "redoublent d’efforts"), encoding="utf-8")
    call_command("import_story", str(revised), verbosity=0)
    story.refresh_from_db()
    assert "redoublent d’efforts" in story.standfirst
    assert Article.objects.count() == 1


def test_an_edit_to_a_field_the_import_leaves_alone_still_counts(tmp_path):
    """Nobody edited it since the import, or the import stops."""
    import_seed()
    story = Article.objects.get()
    story.body += "\n\nUn paragraphe ajouté par la rédaction."
    story.save()
    with pytest.raises(CommandError, match="texte"):
        import_seed("--title", "Un autre titre")
    story.refresh_from_db()
    assert story.body.endswith("Un paragraphe ajouté par la rédaction.")


def test_an_import_may_set_a_status_it_never_wrote():
    import_seed()
    import_seed("--status", "published")
    assert Article.objects.get().status == Status.PUBLISHED


def test_topics_an_editor_changed_are_not_reset_by_the_import():
    import_seed("--topics", "Chine,Kazakhstan")
    story = Article.objects.get()
    story.topics.set([Topic.objects.get(name="Chine")])
    with pytest.raises(CommandError, match="thèmes"):
        import_seed("--topics", "Chine,Kazakhstan", "--title", "Autre")
    assert list(story.topics.values_list("name", flat=True)) == ["Chine"]
