"""What one generated answer accumulates across attempts: usage, timings, flags; turned into the final Answer."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.answering.prompts import PromptTemplate
from assistant.core.domain import Answer, Citation, SearchHit
from assistant.llm.ports import Completion

MODE = "generative"
USE_CASE = "store_qa"


@dataclass
class GenerationRun:
    """What one question accumulates across attempts (for the final Answer and the audit log)."""

    started: float
    language: str
    hits: list[SearchHit]
    prompt: PromptTemplate
    model: str
    flags: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    relevance: float | None = None
    question: str = ""  # pseudonymized, for the audit log
    finish_reason: str = ""  # of the last completion ("length": cut by max_tokens)

    def add_usage(self, completion: Completion) -> None:
        self.prompt_tokens += completion.prompt_tokens
        self.completion_tokens += completion.completion_tokens
        self.model = completion.model or self.model
        self.finish_reason = completion.finish_reason
        if not completion.usage_reported:
            self.flag("usage_estimated")  # the endpoint reports no usage for streams: fragments were counted

    def flag(self, name: str) -> None:
        if name not in self.flags:
            self.flags.append(name)

    def answer(
        self,
        text: str,
        *,
        refused: bool = False,
        citations: list[Citation] | None = None,
        notice: str = "",
        grounding: float | None = None,
    ) -> Answer:
        return Answer(
            answer=text,
            citations=list(citations or []),
            refused=refused,
            language=self.language,
            mode=MODE,
            notice=notice,
            hits=self.hits,
            model=self.model,
            prompt_version=self.prompt.full_version,
            use_case=USE_CASE,
            prompt_tokens=self.prompt_tokens,
            completion_tokens=self.completion_tokens,
            timings_ms=dict(self.timings),
            grounding=grounding,
            flags=list(self.flags),
            question=self.question,
            relevance=self.relevance,
        )
