"""The report's templates: values escaped as html.escape does, HTML passed through, tables cut
with a note, compact markup."""

from __future__ import annotations

from markupsafe import Markup

from bondsim.outputs.mini_markdown import markdown_html
from bondsim.outputs.report_html import (
    Cell,
    Column,
    Row,
    bullets,
    escape,
    figure,
    folded,
    note,
    render,
    section,
    table,
)


def test_values_are_escaped_as_html_escape_does_quotes_included():
    assert escape("owners' <book> & \"terms\"") == \
        "owners&#x27; &lt;book&gt; &amp; &quot;terms&quot;"
    assert escape(Markup("<code>x</code>")) == "<code>x</code>"  # HTML passes through
    assert note("a <b> & 'c'") == '<p class="note">a &lt;b&gt; &amp; &#x27;c&#x27;</p>'
    assert note(Markup("No <code>x.csv</code>")) == '<p class="note">No <code>x.csv</code></p>'


def test_a_table_is_compact_right_aligns_numbers_and_marks_rows():
    columns = [Column("parameter"), Column("value", numeric=True)]
    rows = [Row([Cell("markup_annual", code=True), Cell("0.3", numeric=True)], "assumption"),
            Row([Cell("a<b"), Cell("1,000", numeric=True)])]
    assert table(columns, rows, total=2) == (
        '<div class="table"><table><thead><tr><th>parameter</th><th class="num">value</th>'
        '</tr></thead><tbody><tr class="assumption"><td><code>markup_annual</code></td>'
        '<td class="num">0.3</td></tr><tr><td>a&lt;b</td><td class="num">1,000</td></tr>'
        "</tbody></table></div>")


def test_a_cut_table_says_how_many_rows_and_where_they_all_are():
    rows = [Row([Cell(str(i))]) for i in range(3)]
    cut = table([Column("n")], rows, total=1234, source="draws.csv", stacked=True)
    assert cut.startswith('<div class="table"><table class="stacked">')
    assert cut.endswith('</table></div><p class="note">First 3 of 1,234 rows; all of them are '
                        "in <code>draws.csv</code>.</p>")
    assert table([Column("n")], rows, total=9).endswith("First 3 of 9 rows.</p>")


def test_sections_folds_lists_and_figures():
    assert section("Fit", "Against <code>targets.csv</code>.", "<table></table>") == \
        "<h3>Fit</h3><p>Against <code>targets.csv</code>.</p><table></table>"
    assert section("Package versions", None, "T") == "<h3>Package versions</h3>T"
    assert folded("Every other outcome (3)", "<p>x</p>") == \
        "<details open><summary><h4>Every other outcome (3)</h4></summary><p>x</p></details>"
    assert bullets(["a & b", "c"]) == "<ul><li>a &amp; b</li><li>c</li></ul>"
    assert figure("QUJD", "Fit \"now\"", "fit.png") == (
        '<figure><img src="data:image/png;base64,QUJD" alt="Fit &quot;now&quot;">'
        '<figcaption>Fit &quot;now&quot; <span class="file">(fit.png)</span></figcaption>'
        "</figure>")


def test_the_page_keeps_its_style_sheet_and_ends_with_a_newline():
    page = render("report.html", title="bondsim run: a&b", folder_name="out", made="now",
                  sections=[{"key": "summary", "heading": "What was run",
                             "body": Markup("<p>x</p>")}])
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">\n<head>\n')
    assert "<title>bondsim run: a&amp;b</title>\n<style>\n:root {" in page
    assert "}\n</style>\n</head>" in page
    assert '<nav><ol><li><a href="#summary">What was run</a></li></ol></nav>\n' in page
    assert '<section id="summary"><h2>What was run</h2><p>x</p></section>\n<footer>' in page
    assert page.endswith("</footer>\n</body>\n</html>\n")


def test_the_caveat_markdown_is_converted_as_before():
    text = ("- **Fixed composition.** No ageing; see [the ODD](ODD.md).\n"
            "  Continued `need_per_person`.\n\n# Also\nOwners' *own* rule.")
    assert markdown_html(text) == (
        "<ul><li><strong>Fixed composition.</strong> No ageing; see the ODD. Continued "
        "<code>need_per_person</code>.</li></ul><h4>Also</h4><p>Owners&#x27; <em>own</em> "
        "rule.</p>")
