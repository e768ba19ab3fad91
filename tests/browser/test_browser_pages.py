"""The pages in real headless Chromium: review annotations, a streamed draft, document upload, keyboard use."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_helpers import screenshot
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser

FLAWED = """\
team: Field Apps
period: 2027-Q1
objectives:
  - title: Increase mobile revenue by 25% and continue supporting the app
    key_results:
      - Improve the onboarding experience
      - Launch the offline mode
      - Increase weekly active technicians from 3,600 to 5,000 by 2027-03-31
  - title: Make dispatch effortless for small teams
    aligns_to: CO-2
    key_results:
      - Cut median time to first published schedule from 19 days to 10 days by 2027-03-31
"""


def test_review_page_annotates_a_flawed_set(page: Page, live_url: str) -> None:
    page.goto(f"{live_url}/review")
    page.get_by_label("Paste OKRs").fill(FLAWED)
    page.get_by_role("button", name="Review").click()
    result = page.locator("#review-result")
    expect(result.locator(".objective")).to_have_count(2)
    first = result.locator(".objective").first
    expect(first.locator(".item-title")).to_contain_text("Increase mobile revenue by 25%")
    expect(first.locator(".badge").first).to_have_text("Weak")
    krs = first.locator(".kr")
    expect(krs).to_have_count(3)
    expect(krs.nth(0).locator(".badge")).to_have_text("Fail")
    expect(krs.nth(0)).to_contain_text("kr-not-measurable")
    expect(krs.nth(0).locator(".suggestion").first).to_contain_text("Suggested rewrite")
    expect(krs.nth(1)).to_contain_text("kr-activity")
    expect(krs.nth(2).locator(".badge")).to_have_text("Pass")
    expect(result.locator(".finding--error").first).to_be_visible()
    score = int(result.locator(".score-number").inner_text())
    assert 0 <= score < 80
    screenshot(page, "review-annotated")

    krs.nth(0).get_by_role("link", name="kr-not-measurable").click()
    expect(page).to_have_url(re.compile(r"/rules/kr-not-measurable$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("kr-not-measurable")
    expect(page.get_by_role("heading", name="Why it matters")).to_be_visible()
    screenshot(page, "rule-page")


def test_review_page_reports_parse_errors_in_place(page: Page, live_url: str) -> None:
    page.goto(f"{live_url}/review")
    page.get_by_label("Paste OKRs").fill("objectives:\n  - title: Grow\n    key_results: [\n")
    page.get_by_role("button", name="Review").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("line 4")
    expect(page.get_by_label("Paste OKRs")).to_have_value(re.compile("title: Grow"))


def test_draft_streams_objectives_then_the_result(page: Page, live_url: str) -> None:
    page.goto(f"{live_url}/draft")
    page.get_by_label("Team (required)").fill("EU Growth")
    page.get_by_label("Mission (required)").fill("Help European field-service firms adopt Quill quickly, from trial to paid.")
    page.get_by_label("Focus areas").fill("European trial conversion\nonboarding time")
    page.get_by_label("Period").fill("2027-Q1")
    page.locator("input[name=parents][value='CO-1']").check()
    page.locator("input[name=parents][value='CO-2']").check()
    page.get_by_role("button", name="Draft OKRs").click()

    streamed = page.locator("#draft-output .objective--streamed")
    expect(streamed.first).to_be_visible()
    assert page.locator("#draft-result").count() == 0, "the result arrived before any objective was shown"
    expect(page.locator(".progress")).to_contain_text("Parent CO-1")
    screenshot(page, "draft-streaming")

    result = page.locator("#draft-result")
    expect(result).to_be_visible()
    expect(result.locator(".objective")).to_have_count(3)
    expect(result.locator(".score-number")).to_have_text(re.compile(r"^\d+$"))
    expect(result.locator(".prov--sourced").first).to_be_visible()
    citation = result.locator("details.citation").first
    expect(citation.locator("blockquote")).to_be_hidden()
    citation.locator("summary").click()
    expect(citation.locator("blockquote")).to_be_visible()
    expect(citation.locator("blockquote")).to_contain_text("%")
    expect(page.get_by_role("button", name="Draft OKRs")).to_be_enabled()
    screenshot(page, "draft-result")


def test_draft_works_without_javascript(browser: Browser, live_url: str) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{live_url}/draft")
        page.get_by_label("Team (required)").fill("Support")
        page.get_by_label("Mission (required)").fill("Help customers get value from Quill in their first weeks.")
        page.locator("input[name=parents][value='CO-2']").check()
        page.get_by_label("Objectives").select_option("3")
        page.get_by_role("button", name="Draft OKRs").click()
        expect(page.locator("#draft-result .objective")).to_have_count(3, timeout=60_000)
        expect(page.locator("input[name=parents][value='CO-2']")).to_be_checked()
    finally:
        context.close()


def test_knowledge_page_uploads_searches_and_removes(page: Page, live_url: str, tmp_path: Path) -> None:
    document = tmp_path / "field-ops-notes.md"
    document.write_text("# Field operations\n\nDispatchers in Lyon reassign 14% of jobs by phone every morning.\n",
                        encoding="utf-8")
    page.goto(f"{live_url}/knowledge")
    expect(page.locator("#parents")).to_contain_text("CO-1")
    page.get_by_label("Upload a document").set_input_files(str(document))
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Added field-ops-notes.md")
    row = page.locator("#documents tr", has_text="field-ops-notes.md")
    expect(row).to_have_count(1)

    page.get_by_label("Search the documents").fill("how often dispatchers reassign jobs")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".hit").first).to_contain_text("field-ops-notes.md")
    expect(page.locator(".hit").first).to_contain_text("14% of jobs")
    screenshot(page, "knowledge")

    page.get_by_role("button", name="Remove field-ops-notes.md").click()
    expect(page.get_by_role("status")).to_contain_text("Removed document")
    expect(page.locator("#documents tr", has_text="field-ops-notes.md")).to_have_count(0)


def test_unsupported_upload_shows_the_error(page: Page, live_url: str, tmp_path: Path) -> None:
    deck = tmp_path / "plan.pptx"
    deck.write_bytes(b"PK\x03\x04not really")
    page.goto(f"{live_url}/knowledge")
    page.get_by_label("Upload a document").set_input_files(str(deck))
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("unsupported file type .pptx")


def test_keyboard_skip_link_and_focus(page: Page, live_url: str) -> None:
    page.goto(f"{live_url}/review")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to main content"
    expect(page.locator(".skip-link")).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    tag = page.evaluate("document.activeElement.tagName + ':' + (document.activeElement.id || '')")
    assert tag in {"A:", "TEXTAREA:okr-text"}, tag
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focused elements must show a focus ring"


def test_pages_render_without_console_errors(page: Page, live_url: str) -> None:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    for path in ("/", "/review?example=1", "/draft", "/knowledge", "/rules", "/rules/kr-vague", "/guide", "/docs"):
        response = page.goto(f"{live_url}{path}")
        assert response is not None and response.ok, path
    assert not errors, errors  # no failed asset, no script error, no CSP violation
    missing = page.goto(f"{live_url}/rules/kr-nope")
    assert missing is not None and missing.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    screenshot(page, "error-page")
