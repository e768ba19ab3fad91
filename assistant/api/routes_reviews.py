"""``/api/v1/reviews`` and ``/api/v1/rules``: the reviewer and its rule catalogue over HTTP."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from assistant.api.bodies import okr_request_body, okr_set_from_request
from assistant.api.deps import PolicyDep
from assistant.api.errors import error_responses
from assistant.api.knowledge_pages import rule_page
from assistant.api.schemas import RuleDoc, RuleRow
from assistant.okr import Report
from assistant.policy import Policy
from assistant.review import CATALOGUE, review, rule_info
from assistant.review.catalogue import RuleInfo

router = APIRouter(prefix="/api/v1")

RuleId = Annotated[str, Path(max_length=100, description="A rule id, e.g. kr-vague.")]


@router.post(
    "/reviews",
    tags=["reviews"],
    summary="Review an OKR set",
    response_model=Report,
    responses=error_responses(400, 413, 415, 422),
    openapi_extra=okr_request_body(
        "The OKR set: JSON (the OKRSet shape, or any OKR file as JSON), YAML, Markdown or plain text, chosen by "
        "Content-Type; or a file upload."
    ),
)
async def create_review(request: Request, policy: PolicyDep) -> Response:
    """The rules' critique of an OKR set: score, findings with suggestions, and a verdict per objective and
    key result. The JSON is exactly what `okr review --format json` prints for the same file."""
    okr_set = await okr_set_from_request(request)
    report = review(okr_set, policy=policy)
    return Response(report.model_dump_json(), media_type="application/json")


def _row(rule: RuleInfo, policy: Policy) -> RuleRow:
    severity = policy.severity(rule.id)
    return RuleRow(id=rule.id, family=rule.family, severity=severity.value if severity else "off", title=rule.title)


@router.get("/rules", tags=["rules"], summary="List the rules", responses=error_responses(422))
def list_rules(policy: PolicyDep) -> list[RuleRow]:
    """Every rule with its family, title and severity under the profile (as `okr rules --format json`)."""
    return [_row(rule, policy) for rule in CATALOGUE]


@router.get("/rules/{rule_id}", tags=["rules"], summary="Explain one rule", responses=error_responses(404, 422))
def get_rule(rule_id: RuleId, policy: PolicyDep) -> RuleDoc:
    """One rule and its page: why it matters, bad examples, good rewrites (as `okr rules ID --format json`)."""
    info = rule_info(rule_id)
    return RuleDoc(**_row(info, policy).model_dump(), doc=rule_page(info.id))
