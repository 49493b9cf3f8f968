"""Client-side LLM settings (``ASSISTANT_LLM_*``): which endpoint answers, and how answers are kept grounded.

The server this points at is vLLM in production and the local llama.cpp server (``assistant llm serve``) on a
laptop; both speak the OpenAI chat-completions protocol. Read by :mod:`assistant.settings` only (no environment
access here).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator

from assistant.answering.checks import NAMES as CHECK_NAMES
from assistant.answering.checks import SAFETY as SAFETY_CHECKS
from assistant.answering.checks import unknown as unknown_checks


class LlmSettings(BaseModel):
    backend: Literal["openai", "replay", "none"] = Field(
        "openai",
        description="openai: generative answers from the OpenAI-compatible endpoint at base_url (extractive answers "
        "take over while it does not answer); replay: the completions recorded in replay_from, served back to the "
        "same prompts (re-scores the grounding checks without a model; evaluation only); none: extractive answers "
        "only, no LLM is ever contacted.",
    )
    replay_from: Path | None = Field(
        None,
        description="Transcript of recorded completions (JSON lines, see record_to) that the replay backend serves; "
        "required with backend=replay.",
    )
    record_to: Path | None = Field(
        None,
        description="Append every completion of the model to this JSON-lines transcript (prompt hash and the "
        "generated text over pseudonymized context; never the prompt), for `assistant eval generation --replay`. "
        "With backend=replay too, prompts that replay_from lacks go to the live endpoint (a different file).",
    )
    base_url: str = Field(
        "http://127.0.0.1:8089/v1",
        description="OpenAI-compatible endpoint, /v1 included: the vLLM service in production, the local llama.cpp "
        "server (assistant llm serve) by default.",
    )
    model: str = Field(
        "qwen2.5-coder-1.5b-instruct-q4_k_m",
        min_length=1,
        description="Model name sent with each request (vLLM --served-model-name, llama.cpp model alias).",
    )
    api_key: SecretStr = Field(
        SecretStr("not-needed"), description="Bearer key of the endpoint (vLLM --api-key); never printed or logged."
    )
    timeout_s: float = Field(
        120.0,
        gt=0,
        description="Read timeout of one request, seconds. CPU inference of a 1.5B model needs ~20 s of prefill "
        "for 1,400 prompt tokens; a GPU vLLM answers in 1-3 s.",
    )
    deadline_s: float = Field(
        180.0,
        gt=0,
        description="Longest a streamed generation may run, seconds; past it the answer is abandoned (the extractive "
        "fallback answers). The read timeout bounds each wait for a byte, not a server that trickles tokens.",
    )
    connect_timeout_s: float = Field(
        2.0, gt=0, description="Connection timeout, seconds: a dead endpoint is detected this fast."
    )
    max_retries: int = Field(1, ge=0, le=5, description="Retries of a failed request (transport errors, 5xx).")
    temperature: float = Field(
        0.0, ge=0, le=2, description="Sampling temperature (0: greedy, the same answer to the same context)."
    )
    max_tokens: int = Field(320, ge=16, le=4096, description="Upper bound of generated tokens per answer.")
    max_context_chunks: int = Field(
        5,
        ge=1,
        le=20,
        description="Retrieved chunks numbered into the prompt as [1], [2]... (after quarantining injected ones). "
        "Each 1,000 characters of context cost ~6 s of CPU prefill with the default model.",
    )
    focus_context: bool = Field(
        True,
        description="Show the model the passage of each chunk that answers the question (best sentence or table row, "
        "its neighbours, its table header) within an even share of max_context_chars, instead of whole chunks "
        "until the budget runs out. Off: fewer chunks, each whole.",
    )
    max_context_chars: int = Field(
        3200,
        ge=200,
        le=60000,
        description="Character budget of the numbered context (the model window is 4,096 tokens, ~3.5 chars per "
        "token in French, shared with the instructions and the answer).",
    )
    translate_queries_to: list[str] = Field(
        default_factory=lambda: ["fr"],
        description="Main languages of the documents: a question in another language is also searched as translated "
        "into each (one short generation each, ~3 s on the CPU default), and the rankings are fused. Its scope words "
        "('in our French stores') then find the documents written in that language. [] searches as asked only.",
    )
    min_answer_relevance: float = Field(
        0.45,
        ge=0,
        le=1,
        description="How well the best kept sentence, and the context sentence backing it, must match the question "
        "(the lower of the two; each 0.6 x rescaled question-sentence cosine + 0.4 x share of the question's words, "
        "the extractive answerer's score); below it the answer, however grounded, is off-topic and refused. Measured "
        "with Qwen2.5-Coder-1.5B on the 86 golden questions (gate off): at 0.45 it refuses 4 of the 9 unanswerable "
        "or ACL-denied questions the model answered, and 5 of its 35 correct answers. Not applied to a figure found "
        "in a passage that names every anchor of the question (its years, names, acronyms).",
    )
    answer_checks: list[str] = Field(
        default_factory=lambda: list(CHECK_NAMES),
        description="The answer checks applied to generated text, by name (assistant/answering/checks.py lists "
        "each with its purpose; `assistant eval generation --ablate` measures what each contributes). Default: all. "
        f"The safety checks ({', '.join(sorted(SAFETY_CHECKS))}) cannot be left out.",
    )
    unavailable_cooldown_s: float = Field(
        20.0,
        ge=0,
        description="After the endpoint failed, answer extractively for this many seconds before trying it again "
        "(each question then does not wait for a timeout).",
    )
    copy_max_tokens: int = Field(400, ge=32, le=4096, description="Upper bound of generated tokens per copy draft.")
    copy_max_source_chars: int = Field(
        6000,
        ge=500,
        le=60000,
        description="Character budget of the product sheet and brand guidelines given to the copywriter.",
    )
    prompts_dir: Path | None = Field(
        None,
        description="Folder of prompt templates (<use case>.toml) overriding the versioned ones shipped in "
        "assistant/answering/prompts.",
    )

    @field_validator("answer_checks")
    @classmethod
    def _known_checks(cls, names: list[str]) -> list[str]:
        bad = unknown_checks(names)
        if bad:
            raise ValueError(f"unknown answer check(s) {bad}: choose among {', '.join(CHECK_NAMES)}")
        missing = sorted(SAFETY_CHECKS - set(names))
        if missing:
            raise ValueError(f"the safety check(s) {missing} cannot be disabled: add them back to the list")
        return list(dict.fromkeys(names))

    @model_validator(mode="after")
    def _replay_needs_transcript(self) -> LlmSettings:
        if self.backend == "replay" and self.replay_from is None:
            raise ValueError(
                "llm.backend=replay needs llm.replay_from (ASSISTANT_LLM_REPLAY_FROM), the transcript to serve"
            )
        return self
