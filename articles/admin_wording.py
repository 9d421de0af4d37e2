"""What the admin says about a model, in French that reads well: « Nouvel
article », « Modifier l’article « … » », « L’article « … » est enregistré. »

Django's French builds these from a bare verbose name (« Ajout de article »,
« L’objet article … a été modifié avec succès »): it knows neither elision nor
gender. ``FrenchWording`` derives both from the verbose name and one flag,
``feminine``, through the ModelAdmin's public hooks. Other apps' admins use
it too (trade's, and the accounts' here).
"""

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.utils.text import capfirst

VOWELS = tuple("aeiouyàâéèêëîïôûh")


class FrenchWording:
    """A ModelAdmin mixin: French titles for the add and change pages, French
    messages after a save or a deletion, and deletion lists without the
    rows that only link two things (« Article_topics object (1) »)."""

    feminine = False

    # Words

    def the_name(self):
        """« l’article », « le thème », « la source »."""
        name = str(self.opts.verbose_name)
        if name.startswith(VOWELS):
            return f"l’{name}"
        return f"{'la' if self.feminine else 'le'} {name}"

    def new_title(self):
        """« Nouvel article », « Nouveau thème », « Nouvelle source »."""
        name = str(self.opts.verbose_name)
        if self.feminine:
            return f"Nouvelle {name}"
        return f"{'Nouvel' if name.startswith(VOWELS) else 'Nouveau'} {name}"

    def done_message(self, obj, participle):
        agreement = "e" if self.feminine else ""
        return f"{capfirst(self.the_name())} « {obj} » est {participle}{agreement}."

    # Titles

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        # Only the add and change pages: the history's restore page also
        # renders this form, under its own title.
        page = request.resolver_match.url_name if request.resolver_match else ""
        if page.endswith("_add"):
            context["title"] = self.new_title()
        elif page.endswith("_change") and obj is not None:
            may_change = self.has_change_permission(request, obj)
            verb = "Modifier" if may_change else "Consulter"
            context["title"] = f"{verb} {self.the_name()} « {obj} »"
        return super().render_change_form(request, context, add, change, form_url, obj)

    # Messages

    def response_add(self, request, obj, post_url_continue=None):
        request.admin_success_message = self.done_message(obj, "enregistré")
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        request.admin_success_message = self.done_message(obj, "enregistré")
        return super().response_change(request, obj)

    def response_delete(self, request, obj_display, obj_id):
        request.admin_success_message = self.done_message(obj_display, "supprimé")
        return super().response_delete(request, obj_display, obj_id)

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        # The success message Django sends from the response_* methods above
        # is replaced by the one they prepared; any other message is kept.
        if level == messages.SUCCESS and hasattr(request, "admin_success_message"):
            message = request.admin_success_message
            del request.admin_success_message
        super().message_user(request, message, level, *args, **kwargs)

    # Deletion

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        # Rows of automatic link tables (a story and its topics) have no name
        # of their own; deleting either end removes them, which the list
        # need not spell out.
        links = [
            model._meta
            for model in apps.get_models(include_auto_created=True)
            if model._meta.auto_created
        ]
        prefixes = tuple(f"{capfirst(opts.verbose_name)}: " for opts in links)
        plurals = {opts.verbose_name_plural for opts in links}
        counts = {name: n for name, n in counts.items() if name not in plurals}
        return without(deleted, prefixes), counts, perms_needed, protected


def without(items, prefixes):
    """The nested deletion list without the lines starting with ``prefixes``."""
    kept = []
    for item in items:
        if isinstance(item, list):
            item = without(item, prefixes)
            if item:
                kept.append(item)
        elif not str(item).startswith(prefixes):
            kept.append(item)
    return kept


# The accounts' pages speak the same French as the newsroom's.
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class AccountAdmin(FrenchWording, UserAdmin):
    pass


@admin.register(Group)
class RoleAdmin(FrenchWording, GroupAdmin):
    pass
