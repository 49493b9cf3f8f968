"""The answer checks, by name: every rule that the grounded answerer applies to what the model wrote.

Each check has a name, a one-line purpose, the action it takes when it fires (one of :data:`ACTIONS`) and whether
it is a safety check; :data:`REGISTRY` lists them in the order they apply, and is the one place these come from.
The checks of one sentence are small objects with a pure ``check`` returning a :class:`Verdict` or None
(:mod:`.sentence_checks`; those of one context block against one sentence: :mod:`.block_checks`), applied by the
validator through one table of actions (:mod:`.validation`); the answer-level ones are functions of the judged
answer (:mod:`.decision`, the retries of :mod:`.grounded`).

The enabled set is chosen in settings (``ASSISTANT_LLM_ANSWER_CHECKS``, every check by default); the safety checks
cannot be switched off there. ``assistant eval generation --ablate`` replays a
recorded run with each check disabled in turn and measures what each one contributes (see :mod:`eval.ablation`);
``python -m eval.elimination`` removes them cumulatively (:data:`REMOVED` lists what went). The safety checks stay
whatever the measurement says: the numbers the context does not state, the quarantined instructions, and the two
product guarantees a question count cannot weigh (an answer is refused when it misses the question, rather than
counted like a refusal when it is wrong; an answer is in the asker's language).

Besides these, the service applies the output privacy guard (no name reaches a role without re-identification
rights) to every answer: it is not an answer check and is never disabled.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

#: What a check does when it fires.
ACTIONS = ("repair citation", "drop", "quote evidence", "retry once", "refuse")


@dataclass(frozen=True)
class Verdict:
    """What a check that fired says: why (a short phrase, for traces and tests) and what to do (one of
    :data:`ACTIONS`, the check's own)."""

    reason: str
    action: str

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise ValueError(f"unknown action {self.action!r}: the actions are {', '.join(ACTIONS)}")


@dataclass(frozen=True)
class CheckInfo:
    name: str
    purpose: str
    action: str
    safety: bool = False


REGISTRY: tuple[CheckInfo, ...] = (
    CheckInfo("asks_question", "a sentence that asks a question instead of answering is dropped", "drop"),
    CheckInfo("injection_echo", "a sentence repeating words found only in quarantined chunks is dropped", "drop", True),
    CheckInfo("restates_question", "a yes/no that only restates the question's own words is dropped", "drop"),
    CheckInfo(
        "stated_numbers", "a block supports a sentence only if it states every number of the sentence", "drop", True
    ),
    CheckInfo(
        "citation_repair", "a sentence its own citations do not support cites the block that does", "repair citation"
    ),
    CheckInfo(
        "evidence_quote",
        "an answer left with only a restated yes/no or an echoed question gets the context line that answers it",
        "quote evidence",
    ),
    CheckInfo("relevance", "an answer whose best sentence and evidence miss the question is refused", "refuse", True),
    CheckInfo(
        "language_retry",
        "an answer in another language is asked again once, then answered extractively",
        "retry once",
        True,
    ),
)
#: Removed after the backward elimination over the golden and the held-out questions (``python -m eval.elimination``,
#: README "Answer checks, measured"): removing each, with those before it already gone, cost fewer than 2 questions
#: net over both sets or none on the held-out set.
REMOVED = ("model_refusal", "truncated", "neutral", "described_figures", "grounded_share", "value_retry",
           "misplaced_requote", "missing_value", "anchored_figures", "support")  # fmt: skip
NAMES: tuple[str, ...] = tuple(c.name for c in REGISTRY)
SAFETY: frozenset[str] = frozenset(c.name for c in REGISTRY if c.safety)
_BY_NAME = {c.name: c for c in REGISTRY}


def info(name: str) -> CheckInfo:
    return _BY_NAME[name]


class Registered:
    """Base of the check objects: ``name`` is their entry in :data:`REGISTRY`, which gives their purpose, action and
    safety (so that these are written once)."""

    name: ClassVar[str]

    @property
    def purpose(self) -> str:
        return info(self.name).purpose

    @property
    def action(self) -> str:
        return info(self.name).action

    @property
    def safety(self) -> bool:
        return info(self.name).safety

    def objection(self, reason: str) -> Verdict:
        """This check's verdict (its own action) for ``reason``."""
        return Verdict(reason, self.action)


def unknown(names: Iterable[str]) -> list[str]:
    """The names that are no check (for settings validation)."""
    return [n for n in names if n not in _BY_NAME]


@dataclass(frozen=True)
class Checks:
    """The enabled checks; ``name in checks`` asks whether one applies."""

    enabled: frozenset[str] = frozenset(NAMES)

    def __post_init__(self) -> None:
        bad = unknown(self.enabled)
        if bad:
            raise ValueError(f"unknown answer check(s) {bad}: the checks are {', '.join(NAMES)}")

    def __contains__(self, name: object) -> bool:
        return name in self.enabled

    def without(self, *names: str) -> Checks:
        return Checks(self.enabled - set(names))

    @classmethod
    def of(cls, names: Iterable[str]) -> Checks:
        return cls(frozenset(names))


ALL = Checks()
