"""Parent objectives: company and department OKRs that team objectives align to, in their own collection.

Each objective and each of its key results is one record, so a team mission finds its parent through the
objective's title or through any of its key results. Ids are given or derived as ``parent_ids`` says.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assistant.errors import InputError, UnknownParent
from assistant.okr import Level, OKRSet, Parent
from assistant.retrieval.chroma import collection
from assistant.retrieval.embeddings import Embedder
from assistant.retrieval.models import ParentMatch
from assistant.retrieval.parent_ids import PREFIXES, parents_from, slug

__all__ = ["PREFIXES", "ParentIndex", "parents_from", "slug"]

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.types import Metadata

_LEVEL_ORDER = {level: n for n, level in enumerate(Level)}


def _set_key(okr_set: OKRSet, level: Level) -> str:
    return f"{level.value}|{okr_set.team or ''}|{okr_set.period or ''}"


class ParentIndex:
    """Parents by id, and by meaning for suggestions."""

    def __init__(self, client: ClientAPI, name: str, *, embedder: Embedder) -> None:
        self.embedder = embedder
        self.records = collection(client, name)

    def import_set(self, okr_set: OKRSet, *, level: Level | None = None) -> list[Parent]:
        """Store the set's parents; a set imported before (same level, team and period) is replaced."""
        parents = parents_from(okr_set, level=level)
        key = _set_key(okr_set, level or okr_set.level)
        ids: list[str] = []
        texts: list[str] = []
        metadatas: list[Metadata] = []
        for parent in parents:
            common = {"level": parent.level.value, "period": parent.period or "", "set": key}
            ids.append(parent.id)
            texts.append(parent.title)
            metadatas.append(
                {**common, "kind": "objective", "parent": "", "owner": parent.owner or "",
                 "title": parent.title, "data": parent.model_dump_json()}
            )
            for kr in parent.key_results:
                ids.append(kr.id)
                texts.append(kr.text)
                metadatas.append(
                    {**common, "kind": "key_result", "parent": parent.id, "owner": parent.owner or "",
                     "title": kr.text, "data": ""}
                )
        clash = self.records.get(ids=ids, include=["metadatas"])
        for rid, meta in zip(clash["ids"], clash["metadatas"] or [], strict=True):
            if meta and meta.get("set") != key:
                raise InputError(
                    f"the id {rid!r} already belongs to a parent imported from another OKR set "
                    f"({meta.get('set')}): give the objectives distinct ids"
                )
        vectors = self.embedder.embed(texts)
        self.records.upsert(ids=ids, embeddings=vectors, documents=texts, metadatas=metadatas)
        old = set(self.records.get(where={"set": key}, include=[])["ids"])
        stale = sorted(old - set(ids))
        if stale:
            self.records.delete(ids=stale)
        return parents

    def all(self) -> list[Parent]:
        result = self.records.get(where={"kind": "objective"}, include=["metadatas"])
        parents = [Parent.model_validate_json(str(meta["data"])) for meta in result["metadatas"] or [] if meta]
        return sorted(parents, key=lambda p: (_LEVEL_ORDER[p.level], p.period or "", p.id))

    def get(self, parent_id: str) -> Parent:
        """The parent objective with this id, or owning the key result with this id."""
        result = self.records.get(ids=[parent_id], include=["metadatas"])
        metas = result["metadatas"] or []
        if metas and metas[0]:
            meta: Any = metas[0]
            if meta.get("kind") == "key_result":
                return self.get(str(meta["parent"]))
            return Parent.model_validate_json(str(meta["data"]))
        raise UnknownParent(
            f"No parent objective or key result has the id {parent_id!r}: `okr parents list` shows the ids, "
            "and `okr parents import FILE` adds company or department OKRs."
        )

    def ids(self) -> set[str]:
        return set(self.records.get(include=[])["ids"])

    def suggest(self, text: str, *, k: int) -> list[ParentMatch]:
        """Parent objectives ranked by how close their title or a key result is to ``text``."""
        if k <= 0 or not text.strip():
            return []
        vector = self.embedder.embed([text])[0]
        result = self.records.query(
            query_embeddings=vector.reshape(1, -1), n_results=max(50, k * 10), include=["metadatas", "distances"]
        )
        best: dict[str, float] = {}
        titles: dict[str, str] = {}
        for meta, distance in zip(
            (result["metadatas"] or [[]])[0], (result["distances"] or [[]])[0], strict=True
        ):
            if not meta:
                continue
            is_kr = meta.get("kind") == "key_result"
            pid = str(meta["parent"]) if is_kr else ""
            score = 1.0 - float(distance)
            if not is_kr:
                data = Parent.model_validate_json(str(meta["data"]))
                pid, titles[data.id] = data.id, data.title
            best[pid] = max(best.get(pid, -1.0), score)
        missing = [pid for pid in best if pid not in titles]
        if missing:
            for pid in missing:
                try:
                    titles[pid] = self.get(pid).title
                except UnknownParent:
                    best.pop(pid)
        ranked = sorted(best.items(), key=lambda item: item[1], reverse=True)[:k]
        return [ParentMatch(id=pid, title=titles[pid], score=round(score, 6)) for pid, score in ranked]
