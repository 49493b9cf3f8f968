"""The block checks: what keeps one context block from backing one sentence of an answer.

:class:`~assistant.answering.grounding.SupportScorer` applies the enabled ones in registry order before it scores a
block against a sentence; the first that objects makes the block's support 0. The grounded answerer then needs any
support (:data:`ANY_SUPPORT`): a block that shares nothing with the sentence, or that a check zeroed, backs nothing.

Contract (:class:`BlockCheck`): ``check(claim, block, asked)`` reads the sentence, the block and the question, and
returns None (no objection) or a verdict with the check's own action ("drop": this block does not back the
sentence). It changes nothing and carries nothing from one call to the next: the same inputs give the same
verdict.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from assistant.answering.anchors import Anchors, Applied, Passage, anchored
from assistant.answering.checks import Checks, Registered, Verdict
from assistant.answering.claims import numbers

ANY_SUPPORT = 1e-9  # the grounded answerer's bar: any block the checks admit and that shares something


@dataclass(frozen=True)
class Block:
    """One context block as the scorer indexes it."""

    text: str
    language: str
    numbers: set[str]
    windows: list[set[str]]  # content words of each run of three consecutive sentences (title included)
    units: list[int] = field(default_factory=list)  # rows of the scorer's unit matrix
    passages: list[Passage] = field(default_factory=list)  # for the anchors of the question (relevance)

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
    """The question as its anchors are checked: its anchors (None: none apply) and those of its translations (the
    wordings it was also searched in)."""

    anchors: Anchors | None = None
    translated: tuple[Anchors, ...] = ()

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


BLOCK_CHECKS: tuple[BlockCheck, ...] = (StatedNumbers(),)


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
