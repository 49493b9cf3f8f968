"""The block checks: what keeps one context block from backing one sentence of an answer.

:class:`~assistant.answering.grounding.SupportScorer` applies the enabled ones in registry order before it scores a
block against a sentence; the first that objects makes the block's support 0, and its verdict's reason is what the
scorer reports (:data:`FIGURE_REASONS`). The ``support`` check is the bar a block's support must then reach
(:class:`SupportBar`).

Contract (:class:`BlockCheck`): ``check(claim, block, asked)`` reads the sentence, the block and the question, and
returns None (no objection) or a verdict with the check's own action ("drop": this block does not back the
sentence). It changes nothing and carries nothing from one call to the next: the same inputs give the same verdict
(:class:`Asked` keeps a memo of one pure function, over the whole context, that every block's check asks).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from assistant.answering.anchors import Anchors, Applied, Passage, anchored, described, misdated
from assistant.answering.checks import Checks, Registered, Verdict
from assistant.answering.claims import numbers

ANY_SUPPORT = 1e-9  # the bar without the "support" check: any block the gates admit and that shares something
UNANCHORED, UNDESCRIBED = "unanchored", "undescribed"
FIGURE_REASONS = frozenset({UNANCHORED, UNDESCRIBED})  # what a failed Support reports (the requote acts on them)


@dataclass(frozen=True)
class Block:
    """One context block as the scorer indexes it."""

    text: str
    language: str
    numbers: set[str]
    windows: list[set[str]]  # content words of each run of three consecutive sentences (title included)
    units: list[int] = field(default_factory=list)  # rows of the scorer's unit matrix
    passages: list[Passage] = field(default_factory=list)  # for the figure checks

    def written_in(self, language: str) -> bool:
        """The block is in ``language`` (a block of unknown language counts as any)."""
        return self.language in ("", language)


@dataclass(frozen=True)
class Claim:
    """A sentence of the answer and the language it is written in."""

    text: str
    language: str


@dataclass(frozen=True)
class Asked:
    """The question as the figure checks see it: its anchors (None: the figure checks do not apply), those of its
    translations (the wordings it was also searched in) and the passages of the whole context (for the years of
    its tables)."""

    anchors: Anchors | None = None
    translated: tuple[Anchors, ...] = ()
    context: tuple[Passage, ...] = ()
    _misdated: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)  # memo, per sentence

    def applied(self, block: Block) -> Applied:
        """The anchors ``block`` is checked against: the question's in its language, a translation's in the
        translation's language (a place name stays a name in the language it was written in); elsewhere only its
        years and pseudonyms (a name may be translated from one language to the other)."""
        assert self.anchors is not None
        for anchors in (self.anchors, *self.translated):
            if block.written_in(anchors.language):
                return Applied(anchors, True)
        return Applied(self.anchors, False)

    def anchored(self, sentence: str, block: Block) -> bool:
        applied = self.applied(block)
        return anchored(sentence, applied.anchors, block.passages, applied.same_language)

    def dated_elsewhere(self, sentence: str) -> bool:
        """:func:`misdated` over the whole context, computed once per sentence (every block's check asks)."""
        if sentence not in self._misdated:
            assert self.anchors is not None
            self._misdated[sentence] = bool(misdated(sentence, self.anchors, self.context))
        return self._misdated[sentence]


class BlockCheck(Protocol):
    """A check of one block against one sentence (see the module's contract)."""

    @property
    def name(self) -> str: ...

    @property
    def purpose(self) -> str: ...

    @property
    def action(self) -> str: ...

    @property
    def safety(self) -> bool: ...

    def check(self, claim: Claim, block: Block, asked: Asked) -> Verdict | None: ...


class StatedNumbers(Registered):
    """A block that does not state every number of the sentence backs none of it: invented figures are the costly
    hallucination."""

    name = "stated_numbers"

    def check(self, claim: Claim, block: Block, asked: Asked) -> Verdict | None:
        return None if numbers(claim.text) <= block.numbers else self.objection("unstated number")


class AnchoredFigures(Registered):
    """A figure the question did not give counts only from a passage of the block that also names every anchor of
    the question (its years, names, pseudonyms: :mod:`assistant.answering.anchors`), and not when the context's
    tables date it to another year than the question's: the right kind of figure copied from another line."""

    name = "anchored_figures"

    def check(self, claim: Claim, block: Block, asked: Asked) -> Verdict | None:
        if asked.anchors is None:
            return None
        if not asked.anchored(claim.text, block) or asked.dated_elsewhere(claim.text):
            return self.objection(UNANCHORED)
        return None


class DescribedFigures(Registered):
    """In a block of the sentence's language, the passage holding the sentence's new figure must share a word with
    what the sentence says of it: an identifier of one kind given as one of another kind."""

    name = "described_figures"

    def check(self, claim: Claim, block: Block, asked: Asked) -> Verdict | None:
        if asked.anchors is None or not block.written_in(claim.language):
            return None
        return None if described(claim.text, asked.anchors, block.passages) else self.objection(UNDESCRIBED)


class SupportBar(Registered):
    """``support``: a block backs a sentence only when its support (the lexical share, helped by embedding
    similarity: :mod:`assistant.answering.grounding`) reaches the configured threshold. Switched off, any positive
    support will do: a block that shares nothing with the sentence, or that a gate above zeroed, still backs
    nothing."""

    name = "support"

    def bar(self, threshold: float, checks: Checks) -> float:
        return threshold if self.name in checks else ANY_SUPPORT


BLOCK_CHECKS: tuple[BlockCheck, ...] = (StatedNumbers(), AnchoredFigures(), DescribedFigures())
SUPPORT = SupportBar()


def enabled(checks: Checks) -> tuple[BlockCheck, ...]:
    """The block checks ``checks`` enables, in registry order."""
    return tuple(c for c in BLOCK_CHECKS if c.name in checks)


def first_objection(checks: Sequence[BlockCheck], claim: Claim, block: Block, asked: Asked) -> Verdict | None:
    """The verdict of the first of ``checks`` that objects to ``block`` backing ``claim``; None when none does."""
    for check in checks:
        verdict = check.check(claim, block, asked)
        if verdict is not None:
            return verdict
    return None
