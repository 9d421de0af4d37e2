"""HTML lives in templates: the project's Python builds no markup. No
``format_html``/``format_html_join``, no string literal holding a tag (outside
docstrings), and ``mark_safe`` only where it marks what is already safe."""
import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["articles", "trade", "gazette", "frontcache", "pagecache"]
BUILDERS = {"format_html", "format_html_join"}
SAFE_MARKERS = {"mark_safe", "SafeString"}
# (file, function) where marking a string safe is not building markup: the
# JSON-LD filter escapes "<", ">" and "&" itself, and the story panels' tag
# joins what each panel's template rendered (escaping anything else).
SAFE_MARKERS_ALLOWED = {
    ("articles/templatetags/gazette.py", "json_ld"),
    ("articles/templatetags/story_panels.py", "story_panels"),
}
# A closing tag, an opening tag with an attribute, or a void element: what a
# piece of markup holds, and what URL patterns (« <slug:slug> ») and regular
# expressions (« <[A-Za-z/!][^<>\n]*> ») do not.
TAG = re.compile(
    r"</[A-Za-z][\w-]*\s*>"
    r"|<[A-Za-z][\w-]*\s+[\w-]+\s*="
    r"|<(?:br|hr|wbr|img|input|meta|link)\b",
    re.IGNORECASE,
)
# Any tag at all, in what is marked safe.
LOOSE_TAG = re.compile(r"<[A-Za-z/!]")


def sources():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix()


def docstrings(tree):
    """The ids of the string constants that are docstrings."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(
            node,
            (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef),
        ):
            body = node.body
            if (
                body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
            ):
                found.add(id(body[0].value))
    return found


def called_name(node):
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def markup_in_python(source, path):
    """Where ``source`` (the file at ``path``) builds HTML, as messages."""
    tree = ast.parse(source)
    skip = docstrings(tree)
    problems = []

    def visit(node, function):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            function = node.name
        if isinstance(node, ast.alias) and node.name in BUILDERS:
            problems.append(f"{path}:{node.lineno}: imports {node.name}")
        elif isinstance(node, ast.Name) and node.id in BUILDERS:
            problems.append(f"{path}:{node.lineno}: {node.id}")
        elif isinstance(node, ast.Attribute) and node.attr in BUILDERS:
            problems.append(f"{path}:{node.lineno}: {node.attr}")
        elif isinstance(node, ast.Call) and called_name(node) in SAFE_MARKERS:
            marked = [*node.args, *(k.value for k in node.keywords)]
            literals = [
                n.value
                for arg in marked
                for n in ast.walk(arg)
                if isinstance(n, ast.Constant) and isinstance(n.value, str)
            ]
            if (path, function) not in SAFE_MARKERS_ALLOWED or any(
                LOOSE_TAG.search(text) for text in literals
            ):
                problems.append(
                    f"{path}:{node.lineno}: {called_name(node)} in {function}"
                )
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in skip
            and TAG.search(node.value)
        ):
            problems.append(f"{path}:{node.lineno}: markup {node.value[:40]!r}")
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(tree, None)
    return problems


def test_project_python_builds_no_html():
    problems = []
    for path in sources():
        problems += markup_in_python((ROOT / path).read_text(), path)
    assert problems == []


def test_the_scan_reads_every_package():
    scanned = {path.split("/")[0] for path in sources()}
    assert scanned == set(PACKAGES)
    assert "articles/admin.py" in sources()


@pytest.mark.parametrize(
    "source",
    [
        "from django.utils.html import format_html\n",
        "from django.utils import html\nhtml.format_html_join('', '{}', [])\n",
        "def state(obj):\n    return f'<span class=\"state\">{obj}</span>'\n",
        "def link(url):\n    return '<a href=\"%s\">lien</a>' % url\n",
        "LINE = '<br>'\n",
        "from django.utils.safestring import mark_safe\n"
        "def body(obj):\n    return mark_safe(obj.body_html)\n",
        "def json_ld(data):\n    return SafeString(data)\n",
    ],
)
def test_the_scan_finds_markup_built_in_python(source):
    assert markup_in_python(source, "articles/admin.py")


@pytest.mark.parametrize(
    "source",
    [
        'def f():\n    """A <time> element, <mark>ed</mark>."""\n',
        "ROUTE = 'sitemap-<section>.xml'\n",
        "ROUTE = '<path:object_id>/history/compare/'\n",
        r"TAGS = r'<[A-Za-z/!][^<>\n]*>'" "\n",
        "ESCAPES = {ord('<'): '\\\\u003C'}\n",
    ],
)
def test_the_scan_lets_docstrings_routes_and_patterns_be(source):
    assert markup_in_python(source, "articles/admin.py") == []


def test_the_allowed_safe_markers_are_only_theirs():
    source = "def json_ld(data):\n    return mark_safe(data)\n"
    assert markup_in_python(source, "articles/templatetags/gazette.py") == []
    assert markup_in_python(source, "articles/templatetags/story_panels.py")
    tagged = "def json_ld(data):\n    return mark_safe('<b>' + data)\n"
    assert markup_in_python(tagged, "articles/templatetags/gazette.py")
