"""POST /api/v1/reviews and the rules endpoints: the reviewer over HTTP, identical to the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from api_fakes import FLAWED_YAML, SOUND_MD
from fastapi.testclient import TestClient
from testkit import write

from assistant.review import CATALOGUE

FIXTURES = Path(__file__).resolve().parents[1] / "parse" / "fixtures"
MEDIA = {".yaml": "application/yaml", ".json": "application/json", ".md": "text/markdown", ".txt": "text/plain"}


def okr_review_json(path: Path, *extra: str) -> dict[str, object]:
    """What `okr review FILE --format json` prints, run as a user runs it."""
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "review", str(path), "--format", "json", *extra],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    data: dict[str, object] = json.loads(done.stdout)
    return data


@pytest.fixture
def flawed_file(tmp_path: Path) -> Path:
    return write(tmp_path / "flawed.yaml", FLAWED_YAML)


@pytest.fixture
def sound_file(tmp_path: Path) -> Path:
    return write(tmp_path / "sound.md", SOUND_MD)


@pytest.mark.parametrize("name", ["yaml-full.yaml", "json-full.json", "md-table.md", "text-objective-kr-labels.txt"])
def test_review_by_content_type_matches_the_cli(client: TestClient, name: str) -> None:
    path = FIXTURES / name
    response = client.post("/api/v1/reviews", content=path.read_bytes(),
                           headers={"Content-Type": MEDIA[path.suffix]})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json() == okr_review_json(path)


def test_review_upload_matches_the_cli_and_profile_applies(client: TestClient, flawed_file: Path) -> None:
    with flawed_file.open("rb") as handle:
        response = client.post("/api/v1/reviews?profile=lenient", files={"file": ("flawed.yaml", handle)})
    assert response.status_code == 200, response.text
    assert response.json() == okr_review_json(flawed_file, "--profile", "lenient")
    assert response.json()["profile"] == "lenient"


def test_flawed_set_gets_findings_verdicts_and_rewrites(client: TestClient) -> None:
    response = client.post("/api/v1/reviews", content=FLAWED_YAML, headers={"Content-Type": "application/yaml"})
    report = response.json()
    rules = {f["rule"] for f in report["findings"]}
    assert {"set-objective-count", "kr-not-measurable", "kr-activity"} <= rules
    assert report["score"] < 80
    vague = next(f for f in report["findings"] if f["rule"] == "kr-not-measurable")
    assert vague["path"] == "objectives[0].key_results[0]" and vague["suggestion"]
    assert [kr["verdict"] for kr in report["objectives"][0]["key_results"]] == ["fail", "weak"]


def test_sound_set_scores_high(client: TestClient, sound_file: Path) -> None:
    response = client.post("/api/v1/reviews", content=sound_file.read_bytes(),
                           headers={"Content-Type": "text/markdown; charset=utf-8"})
    assert response.status_code == 200
    report = response.json()
    assert not [f for f in report["findings"] if f["severity"] == "error"]
    assert report == okr_review_json(sound_file)


def test_okr_set_json_in_the_contract_shape(client: TestClient) -> None:
    body = {"team": "Growth", "period": "2027-Q1", "objectives": [
        {"title": "Make onboarding effortless", "key_results": [
            {"text": "Increase weekly active teams from 800 to 1,200 by 2027-03-31"},
            {"text": "Improve onboarding"},
        ]},
    ]}
    response = client.post("/api/v1/reviews", json=body)
    assert response.status_code == 200, response.text
    assert "kr-not-measurable" in {f["rule"] for f in response.json()["findings"]}


@pytest.mark.parametrize(
    ("content", "media", "line"),
    [
        ("objectives:\n  - title: Grow\n    key_results: [\n", "application/yaml", "line 4"),
        ('{"objectives": [\n  {"title": "x",\n}', "application/json", "line 3"),
    ],
)
def test_parse_errors_are_422_with_the_line(client: TestClient, content: str, media: str, line: str) -> None:
    response = client.post("/api/v1/reviews", content=content, headers={"Content-Type": media})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "parse_error"
    assert line in error["message"]
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    ("content", "media", "status", "code"),
    [
        (b"", "text/plain", 422, "parse_error"),
        (b"team: x", "application/x-www-form-urlencoded", 415, "unsupported_format"),
        (b"%PDF-1.7\n\x00\x01\x02binary", "text/plain", 415, "unsupported_format"),
        (b"\xff\xfe\x00bad", "text/markdown", 422, "parse_error"),
    ],
)
def test_unusable_bodies_are_4xx(client: TestClient, content: bytes, media: str, status: int, code: str) -> None:
    response = client.post("/api/v1/reviews", content=content, headers={"Content-Type": media})
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code


def test_unknown_profile_is_422(client: TestClient) -> None:
    response = client.post("/api/v1/reviews?profile=nope", content=SOUND_MD, headers={"Content-Type": "text/markdown"})
    assert response.status_code == 422
    assert "lenient" in response.json()["error"]["message"]


def test_upload_without_a_file_field_is_400(client: TestClient) -> None:
    response = client.post("/api/v1/reviews", files={"other": ("x.md", b"# x")})
    assert response.status_code == 400
    assert "'file'" in response.json()["error"]["message"]


def test_rules_list_matches_the_catalogue_and_profile(client: TestClient) -> None:
    rules = client.get("/api/v1/rules").json()
    assert [r["id"] for r in rules] == [r.id for r in CATALOGUE]
    assert {r["severity"] for r in rules} <= {"error", "warning", "info", "off"}
    lenient = client.get("/api/v1/rules", params={"profile": "lenient"})
    assert lenient.status_code == 200


def test_rule_detail_has_its_page(client: TestClient) -> None:
    response = client.get("/api/v1/rules/kr-vague")
    assert response.status_code == 200
    rule = response.json()
    assert rule["id"] == "kr-vague" and rule["family"] == "kr"
    assert rule["doc"].startswith("# kr-vague")
    assert "## Bad" in rule["doc"]


def test_unknown_rule_is_404(client: TestClient) -> None:
    response = client.get("/api/v1/rules/kr-nope")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_rule"
    traversal = client.get("/api/v1/rules/..%2F..%2Fetc%2Fpasswd")
    assert traversal.status_code == 404
