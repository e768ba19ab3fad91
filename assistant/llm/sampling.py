"""Sampling for the local backend: a grammar checked against the chosen token only, and strings ended early.

``lazy_grammar`` makes a ``Llama``'s grammar-constrained generations sample through ``LazyGrammarSampler``, which
applies the grammar to the whole vocabulary only when the unconstrained choice breaks it, and which, given a
``StringStop``, ends string fields early where the caller drops or writes itself what would follow.
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from llama_cpp import Llama, LlamaGrammar


@contextlib.contextmanager
def lazy_grammar(llama: Llama, *, enabled: bool, string_stops: dict[str, str] | None = None) -> Iterator[None]:
    """While active, generations on ``llama`` with a grammar sample through ``LazyGrammarSampler``
    (which also ends the ``string_stops`` string fields at their stops: see ``StringStop``)."""
    if not enabled:
        yield
        return
    original = llama._init_sampler

    def init_sampler(**options: Any) -> Any:
        grammar = options.pop("grammar", None)
        free = original(**options)
        if grammar is None:
            return free
        stop = StringStop(llama, string_stops) if string_stops else None
        return LazyGrammarSampler(llama, free, grammar, stop=stop)

    llama._init_sampler = init_sampler  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        del llama._init_sampler  # back to the class's method


class LazyGrammarSampler:
    """Grammar-constrained sampling that checks the grammar against one token instead of the vocabulary.

    llama-cpp-python applies the grammar to all 151,936 candidates before choosing (about 20 ms a token
    here, more than half the time of a token). llama.cpp's own tools sample unconstrained first and apply the
    grammar to the whole vocabulary only when that choice breaks it; this does the same. Greedy decoding
    gives the same tokens either way, and sampling draws from the same constrained distribution.
    """

    def __init__(self, llama: Llama, free: Any, grammar: LlamaGrammar, *, stop: StringStop | None = None) -> None:
        import llama_cpp
        from llama_cpp._internals import LlamaTokenDataArray

        self._api: Any = llama_cpp
        self._free = free  # the usual chain (penalties, top-k, ..., greedy or dist) without the grammar
        self._grammar = llama_cpp.llama_sampler_init_grammar(
            llama._model.vocab, grammar._grammar.encode("utf-8"), grammar._root.encode("utf-8")
        )
        self._n_vocab = llama.n_vocab()
        self._all: Any = LlamaTokenDataArray(n_vocab=self._n_vocab)
        self._one_data: Any = (llama_cpp.llama_token_data * 1)()
        self._one: Any = llama_cpp.llama_token_data_array(
            data=ctypes.cast(self._one_data, llama_cpp.llama_token_data_p), size=1, selected=-1, sorted=False
        )
        self._stop = stop
        self.checked = 0
        self.rejected = 0

    def sample(self, ctx: Any, idx: int = -1) -> int:
        import numpy as np

        logits = np.ctypeslib.as_array(self._api.llama_get_logits_ith(ctx.ctx, idx), shape=(self._n_vocab,))
        token = self._select(logits, constrained=False)
        self.checked += 1
        if not self._allowed(token):
            self.rejected += 1
            token = self._select(logits, constrained=True)
        if self._stop is not None:
            token = next((t for t in self._stop.instead(token) if self._allowed(t)), token)
            self._stop.accept(token)
        self._api.llama_sampler_accept(self._grammar, token)
        self._free.accept(token)
        return token

    def _select(self, logits: Any, *, constrained: bool) -> int:
        arr = self._all
        arr.copy_logits(logits)
        arr.candidates.data = arr.candidates_data.ctypes.data_as(self._api.llama_token_data_p)
        arr.candidates.selected = -1
        candidates = ctypes.byref(arr.candidates)
        if constrained:
            self._api.llama_sampler_apply(self._grammar, candidates)
        self._api.llama_sampler_apply(self._free.sampler, candidates)
        return int(arr.candidates.data[arr.candidates.selected].id)

    def _allowed(self, token: int) -> bool:
        self._one_data[0].id = token
        self._one_data[0].logit = 1.0
        self._one_data[0].p = 0.0
        self._one.data = ctypes.cast(self._one_data, self._api.llama_token_data_p)
        self._one.size, self._one.selected, self._one.sorted = 1, -1, False
        self._api.llama_sampler_apply(self._grammar, ctypes.byref(self._one))
        return not math.isinf(self._one.data[0].logit)

    def __del__(self) -> None:
        grammar, self._grammar = getattr(self, "_grammar", None), None
        if grammar is not None:
            self._api.llama_sampler_free(grammar)


class StringStop:
    """Ends a JSON string field before the token that would complete a match of the field's stop pattern.

    ``fields`` maps a field's name to its pattern (a schema's ``string_stops``); a field may occur many times
    (every key result's "text"). What would have followed is what the caller drops or writes itself. A small
    model writes an objective's title as "Cut onboarding time from 19 days to 12 days by 2027-03-31", and the
    chain keeps "Cut onboarding time": closing the string at the first digit after "from" saves the 15 to 25
    tokens of figures (at about 70 ms each here).
    """

    def __init__(self, llama: Llama, fields: dict[str, str]) -> None:
        self._llama = llama
        self._open = {name: re.compile(rf'"{re.escape(name)}"\s*:\s*"((?:[^"\\]|\\.)*)$') for name in fields}
        self._stop = {name: re.compile(pattern) for name, pattern in fields.items()}
        self._text = b""
        # the model's own ways to close a string that more fields follow ('",' is one token in Qwen's vocabulary)
        # or that ends an object ('"}'), else a bare quote: the sampler takes the first that the grammar allows
        self.closing = [tokens[0] for piece in (b'",', b'"}', b'"')
                        if len(tokens := llama.tokenize(piece, add_bos=False, special=False)) == 1]
        self.stopped = 0

    def instead(self, token: int) -> list[int]:
        """The tokens that close the string, when ``token`` would complete a stop inside a watched field."""
        piece = self._llama.detokenize([token]).decode("utf-8", errors="ignore")
        if not piece:
            return []
        text = self._text.decode("utf-8", errors="ignore")
        for name, open_string in self._open.items():
            inside = open_string.search(text)
            if inside is None:
                continue
            written = inside.group(1)
            # a stop is short: look at the end of what is written and the new piece
            for match in self._stop[name].finditer(written + piece, max(0, len(written) - _STOP_REACH)):
                if match.end() > len(written):
                    self.stopped += 1
                    return self.closing
        return []

    def accept(self, token: int) -> None:
        self._text += self._llama.detokenize([token])


_STOP_REACH = 40  # characters of the written string a stop pattern may reach back over
