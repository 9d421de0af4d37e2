"""Django's form renderer, with its most used templates written in Python.

A listing's filter form prints five inputs and selects and their labels:
each was a template rendered through its own include chain, about half a
millisecond apiece, more than the rest of the form. These writers print
exactly what Django's templates print (tests/test_gazette_forms.py renders
both and compares them); any other template is rendered as before.
"""

import html

from django.forms.renderers import DjangoTemplates
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.html import escape
from django.utils.safestring import SafeData

_CONTEXT = Context(autoescape=True)


def text(value):
    """``{{ value }}``: localised, escaped unless safe. A plain string, by far
    the most common, is escaped at once (hundreds per form)."""
    if type(value) is str:
        return html.escape(value)
    return render_value_in_context(value, _CONTEXT)


def formatted(value):
    """``{{ value|stringformat:'s' }}``: %s-formatted, escaped unless safe."""
    printed = "%s" % (str(value) if isinstance(value, tuple) else value)
    return printed if isinstance(value, SafeData) else escape(printed)


def attributes(attrs):
    """django/forms/attrs.html: ` name="value"`, a bare name for True."""
    return "".join(
        f" {text(name)}" + ("" if value is True else f'="{formatted(value)}"')
        for name, value in (attrs or {}).items()
        if value is not False
    )


def _input(context):
    """django/forms/widgets/input.html, which text, date, search… include."""
    widget = context["widget"]
    value = widget["value"]
    value = "" if value is None else f' value="{formatted(value)}"'
    return (
        f'<input type="{text(widget["type"])}" name="{text(widget["name"])}"'
        f'{value}{attributes(widget["attrs"])}>'
    )


def _option(option):
    return (
        f'<option value="{formatted(option["value"])}"'
        f'{attributes(option["attrs"])}>{text(option["label"])}</option>'
    )


def _select(context):
    """django/forms/widgets/select.html and its select_option.html."""
    widget = context["widget"]
    parts = [
        f'<select name="{text(widget["name"])}"'
        f'{attributes(widget["attrs"])}>'
    ]
    for group_name, options, _ in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{text(group_name)}">')
        parts.extend(f"\n  {_option(option)}\n" for option in options)
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _label(context):
    """django/forms/label.html."""
    label = text(context["label"])
    if not context["use_tag"]:
        return label
    tag = text(context["tag"])
    return f"<{tag}{attributes(context['attrs'])}>{label}</{tag}>"


INPUTS = (
    "color date datetime email hidden number password search tel text time url"
).split()

WRITERS = {
    "django/forms/label.html": _label,
    "django/forms/widgets/select.html": _select,
    **{f"django/forms/widgets/{name}.html": _input for name in INPUTS},
}


class FormRenderer(DjangoTemplates):
    """Django's default renderer; the templates of ``WRITERS`` in Python."""

    def render(self, template_name, context, request=None):
        write = WRITERS.get(template_name)
        if write is None:
            return super().render(template_name, context, request=request)
        return write(context)
