"""`okr review` and `okr rules`, run as a user runs them: the real command in a subprocess."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from review_helpers import REPO, run_okr

SOUND = """\
team: Growth
period: 2027-Q1
level: team
objectives:
  - title: Make onboarding effortless
    aligns_to: CO-1
    owner: ana
    key_results:
      - Increase weekly active teams from 800 to 1,200
      - Reduce median time to first value from 9 to 4 days
  - title: Win the trust of enterprise buyers
    aligns_to: CO-2
    owner: raj
    key_results:
      - Grow net revenue retention from 104% to 112%
      - Reduce security review turnaround from 15 to 5 days
  - title: Make support a reason customers stay
    aligns_to: CO-1
    owner: li
    key_results:
      - Raise CSAT from 82% to 90%
      - Reduce median first response time from 9 to 4 hours
"""

FLAWED = """\
team: Growth
period: 2027-Q1
objectives:
  - title: Make onboarding effortless
    aligns_to: CO-9
    key_results:
      - Improve onboarding
      - Publish 12 blog posts
"""

PARENTS = """\
level: company
period: 2027
objectives:
  - id: CO-1
    title: Grow enterprise revenue in Europe
    key_results:
      - Reach $10M ARR
  - id: CO-2
    title: Become the most trusted platform for finance teams
    key_results:
      - Cut security incidents by half
"""

HEAVY = ("chromadb", "onnxruntime", "numpy", "langchain", "langchain_core", "langchain_openai", "llama_cpp",
         "fastapi", "openai")


@pytest.fixture
def sound(tmp_path: Path) -> Path:
    path = tmp_path / "sound.yaml"
    path.write_text(SOUND, encoding="utf-8")
    return path


@pytest.fixture
def flawed(tmp_path: Path) -> Path:
    path = tmp_path / "flawed.yaml"
    path.write_text(FLAWED, encoding="utf-8")
    return path


def assert_clean_failure(done: subprocess.CompletedProcess[bytes], code: int = 2) -> str:
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == code, (done.returncode, err, done.stdout[:500])
    assert "Traceback" not in err and "Traceback" not in done.stdout.decode("utf-8", "replace")
    assert err.strip(), "an unusable input must explain itself on stderr"
    return err


def test_sound_file_exits_0_with_markdown(sound: Path) -> None:
    done = run_okr("review", str(sound))
    out = done.stdout.decode()
    assert done.returncode == 0, done.stderr
    assert out.startswith("# OKR review")
    assert "## Objective 1: Make onboarding effortless — **PASS**" in out
    assert "\x1b[" not in out  # not a terminal: no colour


def test_error_finding_exits_1(flawed: Path) -> None:
    done = run_okr("review", str(flawed))
    out = done.stdout.decode()
    assert done.returncode == 1, done.stderr
    assert "`kr-not-measurable`" in out and "`kr-activity`" in out and "`set-objective-count`" in out


def test_json_contract(flawed: Path) -> None:
    done = run_okr("review", str(flawed), "--format", "json")
    assert done.returncode == 1
    data = json.loads(done.stdout)
    assert {"score", "profile", "findings", "objectives"} <= set(data) <= {
        "score", "profile", "findings", "objectives", "summary"}
    assert 0 <= data["score"] <= 100 and data["profile"] == "default"
    rules = {(f["rule"], f["path"]) for f in data["findings"]}
    assert ("kr-activity", "objectives[0].key_results[1]") in rules
    assert ("kr-not-measurable", "objectives[0].key_results[0]") in rules
    kr = data["objectives"][0]["key_results"][1]
    assert kr == {"path": "objectives[0].key_results[1]", "text": "Publish 12 blog posts", "verdict": "weak"}
    assert data["objectives"][0]["key_results"][0]["verdict"] == "fail"


def test_yaml_format(sound: Path) -> None:
    done = run_okr("review", str(sound), "--format", "yaml")
    assert done.returncode == 0
    data = yaml.safe_load(done.stdout)
    assert data["score"] == 100 and len(data["objectives"]) == 3


def test_stdin(sound: Path) -> None:
    done = run_okr("review", "-", "--format", "json", stdin=sound.read_bytes())
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["score"] == 100


def test_markdown_input_from_stdin() -> None:
    text = ("# Growth OKRs 2027-Q1\n\n## Objective 1: Make onboarding effortless\n"
            "- KR1: Publish 12 blog posts\n- KR2: Increase weekly active teams from 800 to 1,200\n")
    done = run_okr("review", "-", "--format", "json", stdin=text.encode())
    assert done.returncode == 1, done.stderr  # one objective: below the default 3-5
    data = json.loads(done.stdout)
    assert data["objectives"][0]["key_results"][0]["text"].endswith("Publish 12 blog posts")
    assert any(f["rule"] == "kr-activity" for f in data["findings"])


def test_from_option_names_the_input_format(tmp_path: Path) -> None:
    path = tmp_path / "okrs.txt"
    path.write_text(SOUND, encoding="utf-8")
    done = run_okr("review", str(path), "--from", "yaml", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["score"] == 100
    done = run_okr("review", "-", "--from", "json", stdin=b"team: x\n")
    assert_clean_failure(done)


def test_profile_option_changes_limits(tmp_path: Path) -> None:
    path = tmp_path / "one.yaml"
    path.write_text(SOUND.split("  - title: Win the trust")[0], encoding="utf-8")
    strict = run_okr("review", str(path), "--format", "json")
    assert strict.returncode == 1
    count = next(f for f in json.loads(strict.stdout)["findings"] if f["rule"] == "set-objective-count")
    assert "default profile (3-5)" in count["message"]
    lenient = run_okr("review", str(path), "--profile", "lenient", "--format", "json")
    assert lenient.returncode == 0, lenient.stdout
    assert json.loads(lenient.stdout)["profile"] == "lenient"


def test_policy_file_toml_and_yaml(tmp_path: Path, flawed: Path) -> None:
    toml = tmp_path / "policy.toml"
    toml.write_text('[severities]\nset-objective-count = "off"\nkr-not-measurable = "warning"\n', encoding="utf-8")
    done = run_okr("review", str(flawed), "--policy", str(toml), "--format", "json")
    assert done.returncode == 0, done.stdout
    rules = {f["rule"] for f in json.loads(done.stdout)["findings"]}
    assert "set-objective-count" not in rules and "kr-not-measurable" in rules

    yml = tmp_path / "policy.yaml"
    yml.write_text("objectives: {min: 1, max: 2}\n", encoding="utf-8")
    done = run_okr("review", str(flawed), "--policy", str(yml), "--format", "json")
    data = json.loads(done.stdout)
    assert "set-objective-count" not in {f["rule"] for f in data["findings"]}


def test_bad_policy_file_exits_2(tmp_path: Path, sound: Path) -> None:
    bad = tmp_path / "policy.toml"
    bad.write_text('[severities]\nkr-nonsense = "error"\n', encoding="utf-8")
    err = assert_clean_failure(run_okr("review", str(sound), "--policy", str(bad)))
    assert "kr-nonsense" in err


def test_unknown_profile_exits_2(sound: Path) -> None:
    err = assert_clean_failure(run_okr("review", str(sound), "--profile", "extreme"))
    assert "lenient" in err


def test_parents_file(tmp_path: Path, flawed: Path, sound: Path) -> None:
    parents = tmp_path / "company.yaml"
    parents.write_text(PARENTS, encoding="utf-8")
    done = run_okr("review", str(flawed), "--parents", str(parents), "--format", "json")
    unknown = [f for f in json.loads(done.stdout)["findings"] if f["rule"] == "objective-unknown-parent"]
    assert unknown and "CO-9" in unknown[0]["message"]
    done = run_okr("review", str(sound), "--parents", str(parents), "--format", "json")
    assert done.returncode == 0, done.stdout
    # without --parents the ids are not checked
    done = run_okr("review", str(flawed), "--format", "json")
    assert "objective-unknown-parent" not in {f["rule"] for f in json.loads(done.stdout)["findings"]}


def test_python_dash_m_assistant(sound: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "assistant", "review", str(sound)], capture_output=True,
                          cwd=REPO, env={**os.environ, "NO_COLOR": "1"}, check=False, timeout=60)
    assert done.returncode == 0, done.stderr


def test_colour_in_a_terminal(sound: Path, flawed: Path) -> None:
    script = Path(sys.executable).parent / "okr"
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "assistant"]
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    primary, secondary = pty.openpty()
    try:
        proc = subprocess.run([*cmd, "review", str(flawed)], stdout=secondary, stderr=subprocess.PIPE,
                              env=env, check=False, timeout=60)
        os.close(secondary)
        chunks = []
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(primary)
    assert proc.returncode == 1
    assert b"\x1b[" in b"".join(chunks)


# --- unusable input: exit 2, the line, no traceback, no hang -------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    err = assert_clean_failure(run_okr("review", str(tmp_path / "nope.yaml")))
    assert "nope.yaml" in err


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_bytes(b"")
    err = assert_clean_failure(run_okr("review", str(path)))
    assert "empty" in err


def test_empty_stdin() -> None:
    assert "empty" in assert_clean_failure(run_okr("review", "-", stdin=b"   \n"))


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "logo.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    assert "PNG" in assert_clean_failure(run_okr("review", str(path)))
    path = tmp_path / "blob.yaml"
    path.write_bytes(b"team: x\n\x00\x01\x02" * 50)
    assert "binary" in assert_clean_failure(run_okr("review", str(path)))


def test_non_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("team: Growth\nperiod: 2027-Q1\nobjectives:\n  - title: Caf\xe9 OKRs\n".encode("latin-1"))
    err = assert_clean_failure(run_okr("review", str(path)))
    assert "line 4" in err and "UTF-8" in err


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("team: Growth\nobjectives: 5\n", "line 2"),
        ("team: Growth\nobjectives:\n  - title: Grow\n    key_results:\n      - text: [1, 2]\n", "line 5"),
        ("team: Growth\nobjectives:\n  - title: {a: 1}\n", "line 3"),
        ("team: Growth\nperiod:\n  a: 1\nobjectives:\n  - title: Grow\n", "line 3"),
        ("team: Growth\nobjectives:\n  - title: Grow\n    key_results:\n      - text: Grow\n        target: lots\n",
         "line 6"),
    ],
)
def test_yaml_with_wrong_types_names_the_line(tmp_path: Path, text: str, line: str) -> None:
    path = tmp_path / "wrong.yaml"
    path.write_text(text, encoding="utf-8")
    assert line in assert_clean_failure(run_okr("review", str(path)))


def test_ten_megabyte_file(tmp_path: Path) -> None:
    path = tmp_path / "huge.md"
    line = "- KR: Increase weekly active teams from 800 to 1,200 by 2027-03-31\n"
    path.write_text("# Objective: Grow\n" + line * (10_000_000 // len(line) + 1), encoding="utf-8")
    assert path.stat().st_size > 10_000_000
    err = assert_clean_failure(run_okr("review", str(path)))
    assert "MB" in err


def test_two_thousand_objectives(tmp_path: Path) -> None:
    path = tmp_path / "many.yaml"
    body = "".join(
        f"  - title: Objective {i}\n    key_results:\n      - Increase signups from {i} to {i + 10}\n"
        f"      - Reduce churn from 5% to {i % 4 + 1}%\n"
        for i in range(2000)
    )
    path.write_text("team: all\nperiod: 2027-Q1\nobjectives:\n" + body, encoding="utf-8")
    done = run_okr("review", str(path), "--format", "json", timeout=60)
    if done.returncode == 2:
        err = assert_clean_failure(done)
        assert "line" in err and "objectives" in err
    else:  # reviewed: the count rule reports it
        assert done.returncode == 1
        assert any(f["rule"] == "set-objective-count" for f in json.loads(done.stdout)["findings"])


def test_deeply_nested_yaml(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    depth = 5000
    path.write_text("team: x\nobjectives: " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    err = assert_clean_failure(run_okr("review", str(path), timeout=60))
    assert "line" in err


def test_directory_is_refused(tmp_path: Path) -> None:
    assert_clean_failure(run_okr("review", str(tmp_path)))


# --- the review path stays light --------------------------------------------------------------------------------


def test_review_does_not_import_heavy_modules(sound: Path) -> None:
    code = (
        "import sys\n"
        "from assistant.cli import main\n"
        "try:\n"
        f"    main(['review', {str(sound)!r}, '--format', 'json'])\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        f"print('HEAVY=' + ','.join(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60,
                          env={**os.environ, "NO_COLOR": "1"})
    assert done.returncode == 0, done.stderr
    heavy = done.stdout.rsplit("HEAVY=", 1)[1].strip()
    assert heavy == "", f"okr review imported {heavy}"


# --- okr rules ------------------------------------------------------------------------------------------------


def test_rules_lists_every_rule() -> None:
    from assistant.review.catalogue import CATALOGUE

    done = run_okr("rules")
    out = done.stdout.decode()
    assert done.returncode == 0
    for rule in CATALOGUE:
        assert rule.id in out and rule.title in out
    assert "| kr-no-owner" in out and "info" in out


def test_rules_json() -> None:
    rows = json.loads(run_okr("rules", "--format", "json").stdout)
    assert len(rows) == 21
    activity = next(r for r in rows if r["id"] == "kr-activity")
    assert activity == {"id": "kr-activity", "family": "kr", "severity": "warning",
                        "title": "Key result is a task or output, not an outcome"}


def test_rules_profile_shows_policy_severities(tmp_path: Path) -> None:
    policy = tmp_path / "p.toml"
    policy.write_text('[severities]\nkr-no-owner = "off"\n', encoding="utf-8")
    rows = json.loads(run_okr("rules", "--format", "json", "--policy", str(policy)).stdout)
    assert next(r for r in rows if r["id"] == "kr-no-owner")["severity"] == "off"


def test_rules_id_prints_the_page() -> None:
    from assistant.resources import knowledge_dir

    page = (knowledge_dir() / "rules" / "kr-activity.md").read_text(encoding="utf-8")
    done = run_okr("rules", "kr-activity")
    assert done.returncode == 0
    assert done.stdout.decode().strip() == page.strip()


def test_rules_unknown_id() -> None:
    done = run_okr("rules", "kr-nonsense")
    err = done.stderr.decode()
    assert done.returncode != 0 and "Traceback" not in err
    assert "okr rules" in err


def test_profile_and_policy_file_from_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "one.yaml"
    path.write_text(SOUND.split("  - title: Win the trust")[0], encoding="utf-8")
    lenient = run_okr("review", str(path), "--format", "json", env={"OKR_PROFILE": "lenient"})
    assert lenient.returncode == 0, lenient.stdout
    assert json.loads(lenient.stdout)["profile"] == "lenient"
    policy = tmp_path / "policy.toml"
    policy.write_text('profile = "lenient"\nname = "team"\n', encoding="utf-8")
    from_file = run_okr("review", str(path), "--format", "json", env={"OKR_POLICY_FILE": str(policy)})
    assert json.loads(from_file.stdout)["profile"] == "team"
    unknown = run_okr("review", str(path), env={"OKR_PROFILE": "nosuch"})
    assert unknown.returncode == 2 and b"nosuch" in unknown.stderr
