"""The chat-model port: messages in, text out (whole, or streamed), and the two errors callers must tell apart."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from assistant.core.errors import BackendError

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class ChatMessage:
    role: Role
    content: str


@dataclass(frozen=True)
class Completion:
    """One finished generation.

    ``usage_reported`` is False when the endpoint sent no token usage (llama.cpp's server does not for streams):
    ``completion_tokens`` then counts the streamed fragments (one token each on llama.cpp and vLLM) and
    ``prompt_tokens`` is 0.
    """

    text: str
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    finish_reason: str = ""
    usage_reported: bool = True


OnComplete = Callable[[Completion], None]


class LlmUnavailableError(BackendError):
    """No answer from the model endpoint: connection refused, timeout, 5xx or overload. Callers may fall back."""


class LlmRequestError(BackendError):
    """The endpoint answered but refused the request (bad key, unknown model, invalid request); the message says
    which setting to fix. Falling back would hide a configuration error, so callers do not."""


class ChatModel(Protocol):
    """A chat model behind an OpenAI-compatible endpoint (vLLM in production, llama.cpp server on a laptop).

    Contract:
    - ``messages`` are sent in order; ``max_tokens`` / ``temperature`` override the configured defaults for one call.
    - ``complete`` returns the whole :class:`Completion` (text, served model name, token usage, finish reason).
    - ``stream`` / ``astream`` yield text fragments as the model produces them (never empty strings); when the
      stream ends normally, ``on_complete`` (if given) is called once with the :class:`Completion` of the whole
      text, token usage included when the endpoint reports it. Closing the iterator early cancels the request.
    - Every transport failure (connection refused, timeouts, HTTP 5xx, 429) raises :class:`LlmUnavailableError`,
      also mid-stream; any other refusal of the endpoint raises :class:`LlmRequestError`. Nothing else escapes.
    - Constructing an adapter contacts nothing; the first call does.
    """

    @property
    def model_name(self) -> str: ...

    def complete(
        self, messages: Sequence[ChatMessage], *, max_tokens: int | None = None, temperature: float | None = None
    ) -> Completion: ...

    def stream(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        on_complete: OnComplete | None = None,
    ) -> Iterator[str]: ...

    def astream(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        on_complete: OnComplete | None = None,
    ) -> AsyncIterator[str]: ...
