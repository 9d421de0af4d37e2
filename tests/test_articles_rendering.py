import pytest

from articles.rendering import render_markdown

HOSTILE_INPUTS = [
    ("script tag", "<script>alert('x')</script>", ["<script", "alert("]),
    ("script in markdown paragraph", "Bonjour <script src=//evil.example/x.js></script>", ["<script", "evil.example"]),
    ("onerror handler", '<img src="x" onerror="alert(1)">', ["onerror", "<img"]),
    ("onclick on a link", '<a href="/" onclick="steal()">lien</a>', ["onclick", "steal()"]),
    ("javascript link", "[cliquez](javascript:alert(1))", ["javascript:"]),
    ("javascript link, mixed case", "[cliquez](JaVaScRiPt:alert(1))", ["javascript:"]),
    ("javascript link, encoded", '<a href="jav&#x09;ascript:alert(1)">x</a>', ["ascript:", "alert(1)"]),
    ("data url link", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", ["data:"]),
    ("data url image", "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)", ["data:", "<img"]),
    ("iframe", '<iframe src="https://evil.example"></iframe>', ["<iframe", "evil.example"]),
    ("style attribute", '<p style="position:fixed;top:0">x</p>', ["style=", "position:fixed"]),
    ("style element", "<style>body{display:none}</style>", ["<style", "display:none"]),
    ("comment hiding a tag", "<!-- --><script>alert(1)</script><!-- -->", ["<script", "<!--"]),
    ("comment with a tag inside", "<!-- <img src=x onerror=alert(1)> -->", ["onerror", "<!--"]),
    ("svg onload", "<svg onload=alert(1)><circle/></svg>", ["<svg", "onload"]),
    ("form and input", '<form action="https://evil.example"><input name="p"></form>', ["<form", "<input"]),
    ("object and embed", '<object data="x.swf"></object><embed src="x.swf">', ["<object", "<embed"]),
    ("meta refresh", '<meta http-equiv="refresh" content="0;url=https://evil.example">', ["<meta", "refresh"]),
    ("base tag", '<base href="https://evil.example/">', ["<base", "evil.example"]),
    ("vbscript link", "[x](vbscript:msgbox(1))", ["vbscript:"]),
]


@pytest.mark.parametrize(
    "markdown_text, forbidden",
    [pytest.param(text, forbidden, id=name) for name, text, forbidden in HOSTILE_INPUTS],
)
def test_hostile_markdown_never_reaches_html(markdown_text, forbidden):
    html = render_markdown(markdown_text).lower()
    for fragment in forbidden:
        assert fragment.lower() not in html


def test_tables_render_with_alignment_but_no_style():
    html = render_markdown("| Année | Valeur |\n|:--|--:|\n| 2024 | 43,8 |")
    assert "<table>" in html
    assert '<td align="right">43,8</td>' in html
    assert "style=" not in html


def test_headings_and_footnotes_render():
    html = render_markdown("## Le contexte\n\nUn fait[^1].\n\n[^1]: Selon le ministère.")
    assert "<h2>Le contexte</h2>" in html
    assert 'href="#fn:1"' in html
    assert "Selon le ministère." in html


def test_plain_text_angle_brackets_are_escaped():
    html = render_markdown("Si a < b et b > c alors a & c")
    assert "a &lt; b" in html
    assert "b &gt; c" in html
    assert "&amp;" in html


def test_french_quotes_and_apostrophes_are_typographic():
    html = render_markdown("L'objectif \"doubler\" et « la Ceinture et la Route ».")
    assert "L\u2019objectif" in html
    assert "«\u202fdoubler\u202f»" in html
    assert "«\u202fla Ceinture et la Route\u202f»" in html


def test_numbers_keep_their_unit_and_percent_sign_on_the_line():
    html = render_markdown("Soit 43,8 milliards de dollars, 1 700 km et 9,2 %.")
    assert "43,8&nbsp;milliards" in html
    assert "1\u202f700&nbsp;km" in html
    assert "9,2\u202f%." in html
    # A year or a number before an ordinary word may break as any word does.
    assert "En 2024 les" in render_markdown("En 2024 les échanges")


def test_french_spacing_twice_changes_nothing():
    from articles.markdown_fr import french_typography

    once = french_typography("« Doubler » d'ici 2030 : 9,2 % ; 1 700 kilomètres !")
    assert once == (
        "«\u202fDoubler\u202f» d\u2019ici 2030\u202f: 9,2\u202f%\u202f; "
        "1\u202f700\u00a0kilomètres\u202f!"
    )
    assert french_typography(once) == once


def test_code_keeps_its_spaces():
    html = render_markdown("`a : b`")
    assert "<code>a : b</code>" in html


def test_safe_links_keep_their_target():
    html = render_markdown("[source](https://example.org/page)")
    assert 'href="https://example.org/page"' in html
    assert 'rel="noopener noreferrer"' in html
