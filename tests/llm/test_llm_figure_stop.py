"""The local backend's early end of a string where the caller drops or writes what follows (``StringStop``), on a
toy vocabulary."""

from __future__ import annotations

import pytest

from assistant.llm.sampling import StringStop

PIECES = ['{"', "title", '":', ' "', "Cut", " onboarding", " time", " from", " ", "1", "9", " days", '",', '"',
          " $", "4", " top", " by", " to", ' "', "section", "Win", " the", "3", " markets", "}", "text", "2", "0",
          "7", '"}', ' {"', "%", "."]


class ToyLlama:
    """Just what ``StringStop`` uses of a ``Llama``: a vocabulary of whole pieces."""

    def __init__(self, pieces: list[str]) -> None:
        self.pieces = [p.encode() for p in pieces]

    def tokenize(self, text: bytes, *, add_bos: bool, special: bool) -> list[int]:
        return [self.pieces.index(text)] if text in self.pieces else [0, 0]

    def detokenize(self, tokens: list[int]) -> bytes:
        return b"".join(self.pieces[t] for t in tokens)


def run(words: list[str], fields: dict[str, str], *, grammar_refuses: tuple[str, ...] = ()) -> tuple[str, StringStop]:
    """Feed ``words`` as the model's choices; return the text written and the stopper. The sampler takes the
    first closing token its grammar allows (``grammar_refuses``: pieces the grammar does not allow there)."""
    llama = ToyLlama(PIECES)
    stop = StringStop(llama, fields)  # type: ignore[arg-type]
    written = []
    for word in words:
        token = PIECES.index(word)
        token = next((t for t in stop.instead(token) if PIECES[t] not in grammar_refuses), token)
        stop.accept(token)
        written.append(PIECES[token])
    return "".join(written), stop


LEAD = {"title": r"(?i:\b(?:from|by))\W*\d"}


def test_a_digit_after_a_lead_word_closes_the_string_the_way_the_model_would() -> None:
    text, stop = run(['{"', "title", '":', ' "', "Cut", " onboarding", " time", " from", " ", "1"], LEAD)
    assert text == '{"title": "Cut onboarding time from ",'
    assert stop.stopped == 1 and stop.closing == [PIECES.index('",'), PIECES.index('"}'), PIECES.index('"')]


def test_a_currency_sign_between_the_lead_word_and_the_digit_does_not_matter() -> None:
    text, _ = run(['{"', "title", '":', ' "', "Cut", " time", " from", " $", "4"], LEAD)
    assert text.endswith(' from $",')


@pytest.mark.parametrize("words", [
    ['{"', "title", '":', ' "', "Win", " the", " top", " ", "3", " markets"],  # a digit after another word
    ['{"', "title", '":', ' "', "Cut", " time", " to", " ", "1", "9"],  # "to" is not a lead word here
])
def test_other_digits_are_written(words: list[str]) -> None:
    text, stop = run(words, LEAD)
    assert text == "".join(words) and stop.stopped == 0


def test_fields_not_named_and_a_closed_field_are_left_alone() -> None:
    words = ['{"', "title", '":', ' "', "Cut", " time", '",', ' "', "section", '":', ' "', "Cut", " time", " from",
             " ", "1", "9"]
    text, stop = run(words, LEAD)
    assert text == "".join(words) and stop.stopped == 0


def test_a_field_that_occurs_again_is_watched_every_time() -> None:
    """Every key result's "text": the deadline's year begun ("by 202") ends each, with the model's '"}'."""
    deadline = {"text": r"\bby 20\d\d"}
    first = ['{"', "text", '":', ' "', "Cut", " time", " by", " ", "2", "0", "2"]
    second = [' {"', "text", '":', ' "', "Cut", " time", " by", " ", "2", "0", "%", " by", " ", "2", "0", "2"]
    text, stop = run([*first, "7", *second, "7"], deadline, grammar_refuses=('",',))  # no field follows "text"
    assert text == "".join([*first, '"}', *second, '"}'])
    assert stop.stopped == 2


def test_an_amount_after_by_is_written() -> None:
    words = ['{"', "text", '":', ' "', "Cut", " time", " by", " ", "2", "0", "%"]
    text, stop = run(words, {"text": r"\bby 20\d\d"})
    assert text == "".join(words) and stop.stopped == 0


def test_the_key_result_stops_end_a_second_sentence() -> None:
    """The draft schema's own patterns: a period (or semicolon) and a space after a figure end a key result."""
    from assistant.draft.schema import KEY_RESULT_STOPS

    words = ['{"', "text", '":', ' "', "Cut", " time", " by", " ", "2", "0", "%", ".", " by", " ", "2"]
    text, stop = run(words, {"text": KEY_RESULT_STOPS}, grammar_refuses=('",',))
    assert text.startswith("".join(words[:12]) + '"}') and stop.stopped == 1  # then the toy goes on
