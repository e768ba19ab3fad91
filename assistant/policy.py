"""Limits and rule profiles.

Profiles encode the published schools: ``default`` is the strict 3-5 objectives x 2-3 key results focus,
``lenient`` allows 1-5 objectives and 2-5 key results. A TOML or YAML policy file starts from a profile and
overrides limits and severities (or turns a rule ``off``).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assistant.errors import InvalidPolicy
from assistant.okr import Severity
from assistant.review.catalogue import CATALOGUE, RULE_IDS


def _catalogue_severities() -> dict[str, Severity | None]:
    return {rule.id: rule.severity for rule in CATALOGUE}


class Range(BaseModel):
    # defer_build: the validators are built when a policy file is read, never for the built-in profiles,
    # which `okr review` uses without validating anything (see PROFILES)
    model_config = ConfigDict(defer_build=True)

    min: int = Field(ge=0)
    max: int = Field(ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is above max ({self.max})")
        return self

    def __str__(self) -> str:
        return f"{self.min}-{self.max}"


class Policy(BaseModel):
    model_config = ConfigDict(defer_build=True)

    name: str = "default"
    objectives: Range = Range.model_construct(min=3, max=5)
    key_results: Range = Range.model_construct(min=2, max=3)
    objective_max_words: int = Field(default=20, ge=3)
    severities: dict[str, Severity | None] = Field(default_factory=_catalogue_severities)

    def severity(self, rule_id: str) -> Severity | None:
        """Severity of ``rule_id`` under this policy; ``None`` means the rule is off."""
        return self.severities.get(rule_id)


# Built without validation (the values are known good; tests validate them): building the validators would
# cost `okr review` a noticeable part of its start-up.
PROFILES: dict[str, Policy] = {
    "default": Policy.model_construct(name="default"),
    "lenient": Policy.model_construct(
        name="lenient", objectives=Range.model_construct(min=1, max=5), key_results=Range.model_construct(min=2, max=5)
    ),
}


def get_policy(profile: str = "default", *, file: Path | None = None) -> Policy:
    """The policy for ``profile``, overridden by ``file`` (TOML or YAML) when given.

    A file may name its own base with ``profile = "lenient"``; ``[objectives]``/``[key_results]`` set
    ``min``/``max``; ``[severities]`` maps a rule id to error, warning, info or off.
    """
    if file is None:
        if profile not in PROFILES:
            raise InvalidPolicy(f"Unknown profile {profile!r}. Choose one of: {', '.join(sorted(PROFILES))}.")
        return PROFILES[profile].model_copy(deep=True)
    data = _read_policy_file(file)
    base_name = str(data.pop("profile", profile))
    base = get_policy(base_name)
    severities = dict(base.severities)
    written = data.pop("severities", None) or {}
    if not isinstance(written, dict):
        raise InvalidPolicy(f"{file}: [severities] must map rule ids to error, warning, info or off.")
    for rule_id, value in written.items():
        if rule_id not in RULE_IDS:
            raise InvalidPolicy(f"{file}: unknown rule id {rule_id!r} in [severities]; see `okr rules`.")
        if str(value).lower() == "off":
            severities[rule_id] = None
        elif str(value).lower() in {s.value for s in Severity}:
            severities[rule_id] = Severity(str(value).lower())
        else:
            raise InvalidPolicy(f"{file}: severity for {rule_id} must be error, warning, info or off, not {value!r}.")
    merged = base.model_dump()
    merged["name"] = str(data.pop("name", f"{base_name}+{file.name}"))
    for key in ("objectives", "key_results"):
        if key in data:
            limits = data.pop(key) or {}
            if not isinstance(limits, dict):
                raise InvalidPolicy(f"{file}: [{key}] must set min and/or max.")
            merged[key] = {**merged[key], **limits}
    if "objective_max_words" in data:
        merged["objective_max_words"] = data.pop("objective_max_words")
    if data:
        raise InvalidPolicy(f"{file}: unknown policy keys: {', '.join(sorted(data))}.")
    merged["severities"] = severities
    try:
        return Policy.model_validate(merged)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidPolicy(f"{file}: {where}: {first['msg']}") from None


def _read_policy_file(file: Path) -> dict[str, object]:
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidPolicy(f"Cannot read policy file {file}: {exc.strerror}.") from None
    try:
        if file.suffix.lower() == ".toml":
            import tomllib

            data: object = tomllib.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text) or {}
    except Exception as exc:  # tomllib and yaml raise their own error types
        raise InvalidPolicy(f"{file}: not valid {file.suffix.lstrip('.').upper() or 'YAML'}: {exc}") from None
    if not isinstance(data, dict):
        raise InvalidPolicy(f"{file}: a policy file must be a mapping of settings.")
    return data
