"""Static URLs carry a content hash, so nginx may cache them for a year."""
import os

from flask import url_for


def test_pages_link_static_files_by_content_hash(app, client):
    html = client.get("/login").get_data(as_text=True)
    with app.test_request_context():
        css = url_for("static", filename="css/app.css")
    assert css.startswith("/static/css/app.css?v=")
    assert f'href="{css}"' in html


def test_the_version_follows_the_content(app, tmp_path):
    app_static = app.static_folder
    app.static_folder = str(tmp_path)
    script = tmp_path / "x.js"
    try:
        script.write_text("one")
        with app.test_request_context():
            first = url_for("static", filename="x.js")
            script.write_text("two")
            os.utime(script, (1, 1))  # a release always brings a new modification time
            second = url_for("static", filename="x.js")
            missing = url_for("static", filename="missing.js")
    finally:
        app.static_folder = app_static
    assert first != second and "?v=" in first and "?v=" in second
    assert missing == "/static/missing.js"
