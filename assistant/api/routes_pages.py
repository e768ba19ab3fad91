"""Web pages: home, Review (annotated critique), Rules and guide pages, and the API reference.

Server-rendered, working without JavaScript. The Draft and Knowledge pages live in their own modules.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import UploadFile

from assistant.api.bodies import format_for_file, parse_okr_data
from assistant.api.deps import resources
from assistant.api.knowledge_pages import guide_page, guide_pages, rule_page
from assistant.api.rendering import markdown_html, render_page
from assistant.api.views import review_view, score_band
from assistant.errors import InputError, OKRError
from assistant.okr import Severity
from assistant.policy import PROFILES
from assistant.review import CATALOGUE, review, rule_info

router = APIRouter(include_in_schema=False)

FAMILIES = (("set", "The whole set"), ("objective", "Objectives"), ("kr", "Key results"))
EXAMPLE = """\
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


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    return render_page(request, "home.html", {}, active="home")


# --- Review ------------------------------------------------------------------------------------------------

def _review_form(text: str = "", profile: str = "default", filename: str = "") -> dict[str, Any]:
    return {"text": text, "profile": profile, "profiles": sorted(PROFILES), "filename": filename}


@router.get("/review", response_class=HTMLResponse)
def review_page(request: Request, example: Annotated[bool, Query()] = False) -> HTMLResponse:
    form = _review_form(EXAMPLE if example else "")
    return render_page(request, "review.html", {"form": form, "view": None, "error": None}, active="review")


@router.post("/review", response_class=HTMLResponse)
async def review_submit(request: Request) -> HTMLResponse:
    """Review pasted text or an uploaded file, and show every item with its verdict and findings."""
    form = await request.form(max_files=1, max_fields=10)
    text = str(form.get("text") or "")
    profile = str(form.get("profile") or "default")
    upload = form.get("file")
    filename = ""
    context: dict[str, Any] = {"view": None, "error": None}
    status = 200
    try:
        if isinstance(upload, UploadFile) and upload.filename:
            filename = upload.filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
            data = await upload.read()
            okr_set = await parse_okr_data(data, fmt=format_for_file(filename), source=filename)
            text = text or data.decode("utf-8", "replace")
        elif text.strip():
            okr_set = await parse_okr_data(text.encode("utf-8"), fmt=None, source="pasted text")
        else:
            raise InputError("Paste your OKRs into the box, or choose a file to upload.")
        policy = resources(request).policy(profile)
        report = review(okr_set, policy=policy)
        context["view"] = review_view(okr_set, report)
        context["report"] = report
        context["band"] = score_band(report.score)
    except OKRError as exc:
        context["error"] = exc
        status = exc.status
    finally:
        if isinstance(upload, UploadFile):
            await upload.close()
    context["form"] = _review_form(text, profile, filename)
    return render_page(request, "review.html", context, status=status, active="review")


# --- Rules and guide ---------------------------------------------------------------------------------------

@router.get("/rules", response_class=HTMLResponse)
def rules_page(request: Request) -> HTMLResponse:
    policy = resources(request).policy(None)
    families = []
    for family, heading in FAMILIES:
        rows = []
        for rule in CATALOGUE:
            if rule.family == family:
                severity = policy.severity(rule.id)
                rows.append({"id": rule.id, "title": rule.title, "severity": severity.value if severity else "off"})
        families.append({"key": family, "heading": heading, "rules": rows})
    context = {"families": families, "guide": guide_pages(), "profile": policy.name}
    return render_page(request, "rules.html", context, active="rules")


RulePath = Annotated[str, Path(max_length=100)]


@router.get("/rules/{rule_id}", response_class=HTMLResponse)
def rule_detail_page(request: Request, rule_id: RulePath) -> HTMLResponse:
    info = rule_info(rule_id)
    policy = resources(request).policy(None)
    severity = policy.severity(info.id)
    ids = [rule.id for rule in CATALOGUE]
    index = ids.index(info.id)
    root = str(request.scope.get("root_path", "")).rstrip("/")
    context = {
        "rule": info,
        "severity": severity.value if severity else "off",
        "default_severity": info.severity.value,
        "severities": [s.value for s in Severity],
        "body": markdown_html(rule_page(info.id), root=root, section="rules"),
        "previous": ids[index - 1] if index > 0 else None,
        "next": ids[index + 1] if index + 1 < len(ids) else None,
        "profile": policy.name,
    }
    return render_page(request, "rule.html", context, active="rules")


@router.get("/guide", response_class=HTMLResponse)
def guide_index(request: Request) -> HTMLResponse:
    return render_page(request, "guide_index.html", {"guide": guide_pages()}, active="rules")


@router.get("/guide/{name}", response_class=HTMLResponse)
def guide_detail_page(request: Request, name: RulePath) -> HTMLResponse:
    root = str(request.scope.get("root_path", "")).rstrip("/")
    body = markdown_html(guide_page(name), root=root, section="guide")
    return render_page(request, "guide.html", {"body": body, "name": name, "guide": guide_pages()}, active="rules")


# --- API reference ---------------------------------------------------------------------------------------------

_METHOD_ORDER = {"get": 0, "post": 1, "put": 2, "patch": 3, "delete": 4}


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """The API reference, rendered from the OpenAPI document (no CDN, no JavaScript)."""
    document = request.app.openapi()
    operations = []
    for path, methods in document.get("paths", {}).items():
        for method, operation in sorted(methods.items(), key=lambda item: _METHOD_ORDER.get(item[0], 9)):
            if method not in _METHOD_ORDER:
                continue
            body = operation.get("requestBody", {})
            operations.append({
                "method": method.upper(),
                "path": path,
                "anchor": f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", "").strip("-"),
                "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "tag": (operation.get("tags") or ["other"])[0],
                "parameters": operation.get("parameters", []),
                "body_types": list(body.get("content", {})),
                "responses": [(code, spec.get("description", "")) for code, spec in operation.get("responses", {}).items()],
                "secured": bool(operation.get("security")),
            })
    root = str(request.scope.get("root_path", "")).rstrip("/")
    context = {
        "operations": operations,
        "intro": markdown_html(document.get("info", {}).get("description", ""), root=root),
        "markdown": lambda text: markdown_html(text, root=root),
    }
    return render_page(request, "docs.html", context, active="docs")
