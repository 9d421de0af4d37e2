"""Text a person typed, made safe to store and to serve as XML.

One rule for every text field of the editorial models (``articles`` and
``trade``): the characters XML 1.0 cannot carry are removed, and line ends
become LF. Those characters are the C0 controls other than tab and newline
(NUL or ESC from a broken import…), lone surrogates, U+FFFE and U+FFFF: one
of them in a stored title would make every feed listing the story fail, and
none means anything on a page. Line ends are CR LF and CR (browsers post
textareas with CR LF) and the line and page breaks U+000B and U+000C (Word
pastes its manual line break as U+000B): they become LF, so that the words
on either side of one are not glued together.

Models call ``clean_text_fields(self)`` first thing in ``save()``, so every
path through ``save()`` (admin, shell, importer, seed) stores clean text.
This is silent on purpose rather than a form error: the characters are
invisible, the editor could not see what to fix, and nothing they wrote is
lost. The admin's form fields already refuse NUL with their own message
(Django's ``ProhibitNullCharactersValidator``). ``QuerySet.update()``,
``bulk_create()``, ``bulk_update()``, ``loaddata`` and raw SQL skip
``save()``: code writing typed text that way calls ``strip_controls()``
itself. Wire copy is refused instead (``articles.wire``): a NUL in a
dispatch means a broken file.
"""

import re

from django.db import models

# Not in XML 1.0's Char production (CR, U+000B and U+000C end lines first).
FORBIDDEN_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
LINE_END_RE = re.compile("\r\n?|[\x0b\x0c]")


def strip_controls(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry, with LF line ends."""
    return FORBIDDEN_RE.sub("", LINE_END_RE.sub("\n", text))


def find_forbidden(text: str) -> re.Match | None:
    """The first character XML 1.0 cannot carry (CR aside), or None."""
    return FORBIDDEN_RE.search(text)


def codepoint(char: str) -> str:
    """« U+000B »: how messages name an invisible character."""
    return f"U+{ord(char):04X}"


def clean_text_fields(instance: models.Model) -> None:
    """Apply ``strip_controls()`` to every loaded text field of ``instance``
    (CharField, TextField and their subclasses), before it is saved."""
    deferred = instance.get_deferred_fields()
    for field in instance._meta.concrete_fields:
        if not isinstance(field, (models.CharField, models.TextField)):
            continue
        if field.attname in deferred:
            continue
        value = getattr(instance, field.attname)
        if isinstance(value, str):
            setattr(instance, field.attname, strip_controls(value))


def xml_safe(value):
    """A feed value with ``strip_controls()`` applied to its text (a string,
    or each string of a list or tuple); other values as they are."""
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, (list, tuple)):
        return type(value)(xml_safe(v) for v in value)
    return value
