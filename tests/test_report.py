import base64
import json

import matplotlib.pyplot as plt

from sklearn_demo.report import Panel, ReportWriter, Section, figure_html, table_html


def test_figure_is_embedded_as_a_decodable_png():
    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([0, 1], [1, 0])
    tag = figure_html(fig, 'a "quoted" <alt>')
    assert 'alt="a &quot;quoted&quot; &lt;alt&gt;"' in tag
    payload = tag.split("base64,")[1].rstrip('">')
    assert base64.b64decode(payload)[:8] == b"\x89PNG\r\n\x1a\n"
    assert not plt.fignum_exists(fig.number)  # closed


def test_table_escapes_and_formats():
    html = table_html([{"name": "<b>", "auc": 0.91234, "n": 3, "missing": None}])
    assert "&lt;b&gt;" in html and ">0.912<" in html and ">3<" in html and "<td></td>" in html
    assert table_html([]) == ""


def test_writer_links_data_files_and_writes_them(tmp_path):
    writer = ReportWriter(tmp_path)
    csv_name = writer.write_csv("rows.csv", [{"a": 1, "b": 2.5}])
    json_name = writer.write_json("x.json", {"array": __import__("numpy").arange(3)})
    writer.add(Section("First", "first", [Panel("P", "read <i>me</i>", "<p>body</p>",
                                                 [csv_name, json_name])], intro="hello"))
    page = writer.write("Title & more", ["line <1>"], footer="<p>end</p>").read_text()
    assert page.startswith("<!DOCTYPE html>") and "Title &amp; more" in page
    assert 'href="#first"' in page and 'id="first"' in page and "line &lt;1&gt;" in page
    assert 'href="data/rows.csv"' in page and "read <i>me</i>" in page
    assert (tmp_path / "data" / "rows.csv").read_text().splitlines() == ["a,b", "1,2.5"]
    assert json.loads((tmp_path / "data" / "x.json").read_text()) == {"array": [0, 1, 2]}
    assert oct((tmp_path / "index.html").stat().st_mode & 0o777) != "0o600"
