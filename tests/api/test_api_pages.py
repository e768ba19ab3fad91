"""The web pages without JavaScript: forms post, results render, errors are friendly, markup is accessible."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from api_fakes import FLAWED_YAML, MemoryStore
from fastapi.testclient import TestClient

from assistant.review import CATALOGUE

DRAFT_FORM = {
    "team": "EU Growth",
    "mission": "Help European field-service firms adopt Quill quickly, from trial to paid.",
    "focus": "European trial conversion\nonboarding time",
    "maturity": "established",
    "period": "2027-Q1",
    "parents": ["CO-1", "CO-2"],
}


class Markup(HTMLParser):
    """Collects what the accessibility checks need: form controls, labels, ids, landmarks."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str]] = []
        self.label_for: set[str] = set()
        self.ids: list[str] = []
        self.tags: list[str] = []
        self.wrapped = 0
        self._label_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        self.tags.append(tag)
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if tag == "label":
            self._label_depth += 1
            if "for" in attributes:
                self.label_for.add(attributes["for"])
        if tag in {"input", "select", "textarea"} and attributes.get("type") not in {"hidden", "submit"}:
            if self._label_depth:
                self.wrapped += 1
            else:
                self.controls.append(attributes)

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._label_depth -= 1


def parse(html: str) -> Markup:
    markup = Markup()
    markup.feed(html)
    return markup


@pytest.mark.parametrize("path", ["/", "/review", "/draft", "/knowledge", "/rules", "/rules/kr-activity", "/guide",
                                  "/guide/baselines", "/docs"])
def test_every_page_is_accessible_markup(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    html = response.text
    markup = parse(html)
    assert '<html lang="en">' in html
    assert 'class="skip-link" href="#main"' in html and '<main id="main"' in html
    assert markup.tags.count("h1") == 1
    assert len(markup.ids) == len(set(markup.ids)), "duplicate ids"
    for control in markup.controls:
        assert control.get("id") in markup.label_for, f"unlabelled control {control}"
    assert "/static/app.css" in html and "cdn" not in html.lower()


def test_review_page_annotates_every_item(client: TestClient) -> None:
    response = client.post("/review", data={"text": FLAWED_YAML, "profile": "default"})
    assert response.status_code == 200
    html = response.text
    assert "Objective 1" in html and "Make onboarding effortless" in html
    assert "KR 1.1" in html and "Improve onboarding" in html and "KR 1.2" in html
    assert 'href="/rules/kr-not-measurable"' in html and 'href="/rules/set-objective-count"' in html
    assert 'badge--fail' in html and "Suggested rewrite" in html
    score = re.search(r'<span class="score-number">(\d+)</span>', html)
    assert score is not None and int(score.group(1)) < 80
    assert "Improve onboarding" in re.search(r'<textarea id="okr-text"[^>]*>(.*?)</textarea>', html, re.S).group(1)  # type: ignore[union-attr]


def test_review_page_takes_an_upload(client: TestClient) -> None:
    response = client.post("/review", data={"profile": "lenient"},
                           files={"file": ("team.yaml", FLAWED_YAML.encode(), "application/yaml")})
    assert response.status_code == 200
    assert "Profile lenient" in response.text and "team.yaml" in response.text
    assert "set-objective-count" not in response.text  # one objective is fine under lenient


def test_review_page_errors_are_in_place_with_status(client: TestClient) -> None:
    response = client.post("/review", data={"text": "objectives:\n  - title: Grow\n    key_results: [\n"})
    assert response.status_code == 422
    assert 'role="alert"' in response.text and "line 4" in response.text
    assert "objectives:" in response.text  # the text is kept for fixing
    empty = client.post("/review", data={"text": "   "})
    assert empty.status_code == 400 and "Paste your OKRs" in empty.text


def test_review_page_escapes_what_it_shows(client: TestClient) -> None:
    hostile = FLAWED_YAML.replace("Make onboarding effortless", "<script>alert(1)</script> onboarding")
    response = client.post("/review", data={"text": hostile})
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_review_example_link_fills_the_form(client: TestClient) -> None:
    assert "team: Field Apps" in client.get("/review?example=1").text


def test_draft_page_lists_parents_and_drafts_without_javascript(client: TestClient) -> None:
    page = client.get("/draft").text
    assert 'value="CO-1"' in page and 'value="CO-1.KR1"' in page and "Win the European market" in page
    response = client.post("/draft", data=DRAFT_FORM)
    assert response.status_code == 200, response.text[:500]
    html = response.text
    assert 'id="draft-result"' in html
    assert html.count('class="objective"') == 3
    assert "<details class=\"citation\">" in html and "European trial conversion was 11.2%" in html
    assert "prov--sourced" in html and "prov--proposed" in html
    assert re.search(r'<span class="score-number">\d+</span>', html)
    assert 'value="CO-1" checked' in html  # the form keeps its choices


def test_draft_page_form_errors_render_in_place(client: TestClient) -> None:
    response = client.post("/draft", data={**DRAFT_FORM, "mission": ""})
    assert response.status_code == 400 and "Mission" in response.text and 'role="alert"' in response.text
    too_many = client.post("/draft", data={**DRAFT_FORM, "objectives": "9"})
    assert too_many.status_code == 400


def test_draft_page_stream_sends_rendered_objectives(client: TestClient) -> None:
    with client.stream("POST", "/draft/stream", data=DRAFT_FORM) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        text = response.read().decode()
    events = re.findall(r"^event: (\w+)$", text, re.M)
    assert events.count("objective") == 3 and events[-1] == "result"
    assert "objective--streamed" in text and "draft-result" in text
    bad = client.post("/draft/stream", data={**DRAFT_FORM, "team": ""})
    assert bad.status_code == 400 and "text/html" in bad.headers["content-type"]


def test_knowledge_page_upload_remove_and_search(client: TestClient, memory_store: MemoryStore) -> None:
    uploaded = client.post("/knowledge/documents", files={"file": ("people-plan.md", b"# People\n\nHire two EU recruiters.")},
                           follow_redirects=False)
    assert uploaded.status_code == 303
    assert uploaded.headers["location"] == "/knowledge?notice=uploaded&name=people-plan.md"
    page = client.get(uploaded.headers["location"])
    assert "Added people-plan.md" in page.text and "people-plan.md" in page.text
    found = client.get("/knowledge", params={"q": "recruiters"})
    assert "Hire two EU recruiters." in found.text
    removed = client.post("/knowledge/documents/people-plan-md/remove", follow_redirects=False)
    assert removed.status_code == 303
    assert "people-plan.md" not in {d.document for d in memory_store.list_documents()}
    missing = client.post("/knowledge/documents/people-plan-md/remove")
    assert missing.status_code == 404 and 'role="alert"' in missing.text


def test_knowledge_page_refuses_unsupported_uploads_in_place(client: TestClient) -> None:
    response = client.post("/knowledge/documents", files={"file": ("deck.pptx", b"PK\x03\x04")})
    assert response.status_code == 415
    assert "unsupported file type .pptx" in response.text and 'role="alert"' in response.text


def test_knowledge_page_imports_parents(client: TestClient, memory_store: MemoryStore) -> None:
    text = "level: company\nobjectives:\n  - id: CO-9\n    title: Be loved by dispatchers\n    key_results:\n      - Raise NPS from 20 to 40\n"
    response = client.post("/knowledge/parents", data={"text": text}, follow_redirects=False)
    assert response.status_code == 303
    assert "CO-9" in memory_store.parent_ids()
    assert "Be loved by dispatchers" in client.get("/knowledge").text
    nothing = client.post("/knowledge/parents", data={"text": ""})
    assert nothing.status_code == 400


def test_rules_pages(client: TestClient) -> None:
    catalogue = client.get("/rules").text
    for rule in CATALOGUE:
        assert f'href="/rules/{rule.id}"' in catalogue
    page = client.get("/rules/kr-vague").text
    assert "Why it matters" in page and "<h2>Bad</h2>" in page
    assert 'href="/rules/kr-not-measurable"' in page and 'href="/guide/smart-key-results"' in page
    assert 'rel="prev"' in page and 'rel="next"' in page
    guide = client.get("/guide/smart-key-results")
    assert (guide.status_code == 200 and 'href="/rules/' in guide.text) or "Writing SMART" in guide.text
    assert client.get("/rules/nope").status_code == 404


def test_markdown_pages_never_pass_raw_html() -> None:
    from assistant.api.rendering import markdown_html

    html = str(markdown_html("# T\n\n<script>x()</script>\n\n[a](javascript:alert(1)) [b](kr-vague.md) [c](../guide/x.md)"))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert 'href="/rules/kr-vague"' in html and 'href="/guide/x"' in html


def test_api_reference_lists_every_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    html = client.get("/docs").text
    for path in spec["paths"]:
        assert f"<code>{path}</code>" in html
    assert "/api/v1/reviews" in spec["paths"] and "/api/v1/drafts/stream" in spec["paths"]


def test_static_files_are_shipped(client: TestClient) -> None:
    css = client.get("/static/app.css")
    assert css.status_code == 200 and "text/css" in css.headers["content-type"]
    js = client.get("/static/app.js")
    assert js.status_code == 200 and "text/event-stream" in js.text
