"""ChatModel adapter for any OpenAI-compatible endpoint (vLLM, llama.cpp server), through langchain-openai.

langchain-openai and httpx are imported on the first call, not at import time. Transport failures become
:class:`LlmUnavailableError`, every other refusal :class:`LlmRequestError`, with the setting to fix.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from assistant.llm.client_settings import LlmSettings
from assistant.llm.ports import ChatMessage, Completion, LlmRequestError, LlmUnavailableError, OnComplete

if TYPE_CHECKING:
    from langchain_core.language_models.chat_models import BaseChatModel
    from langchain_core.messages import BaseMessageChunk


class OpenAiCompatibleChatModel:
    def __init__(self, settings: LlmSettings) -> None:
        self._settings = settings
        self._chat: BaseChatModel | None = None

    @property
    def model_name(self) -> str:
        return self._settings.model

    def _client(self) -> BaseChatModel:
        if self._chat is None:
            import openai
            from langchain_openai import ChatOpenAI

            s = self._settings
            self._chat = ChatOpenAI(
                model=s.model,
                base_url=s.base_url,
                api_key=s.api_key,
                timeout=openai.Timeout(s.timeout_s, connect=s.connect_timeout_s),  # the SDK's own httpx flavour
                max_retries=s.max_retries,
                temperature=s.temperature,
                stream_usage=True,
                stream_chunk_timeout=s.timeout_s,
            )
        return self._chat

    def _request(
        self, messages: Sequence[ChatMessage], max_tokens: int | None, temperature: float | None
    ) -> tuple[list[tuple[str, str]], dict[str, Any]]:
        # max_tokens goes in the body as is: langchain renames the field to max_completion_tokens, which older
        # llama.cpp servers ignore
        kwargs: dict[str, Any] = {"extra_body": {"max_tokens": max_tokens or self._settings.max_tokens}}
        if temperature is not None:
            kwargs["temperature"] = temperature
        return [(m.role, m.content) for m in messages], kwargs

    def complete(
        self, messages: Sequence[ChatMessage], *, max_tokens: int | None = None, temperature: float | None = None
    ) -> Completion:
        payload, kwargs = self._request(messages, max_tokens, temperature)
        try:
            reply = self._client().invoke(payload, **kwargs)
        except Exception as exc:
            raise translate_error(exc, self._settings) from exc
        meta = reply.response_metadata or {}
        usage = getattr(reply, "usage_metadata", None) or {}
        return Completion(
            text=_text(reply.content),
            model=str(meta.get("model_name") or self._settings.model),
            prompt_tokens=int(usage.get("input_tokens", 0)),
            completion_tokens=int(usage.get("output_tokens", 0)),
            finish_reason=str(meta.get("finish_reason") or ""),
        )

    def stream(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        on_complete: OnComplete | None = None,
    ) -> Iterator[str]:
        payload, kwargs = self._request(messages, max_tokens, temperature)
        acc = _Accumulator(self._settings.model)
        deadline = time.monotonic() + self._settings.deadline_s
        chunks = self._client().stream(payload, **kwargs)
        overdue = False
        try:
            for chunk in chunks:
                piece = acc.add(chunk)
                overdue = time.monotonic() > deadline
                if overdue:
                    break
                if piece:
                    yield piece
        except Exception as exc:
            raise translate_error(exc, self._settings) from exc
        finally:
            close = getattr(chunks, "close", None)  # a generator: stop reading the response now
            if callable(close):
                close()
        if overdue:
            raise self._overdue()
        self._finished(acc, on_complete)

    async def astream(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        on_complete: OnComplete | None = None,
    ) -> AsyncIterator[str]:
        payload, kwargs = self._request(messages, max_tokens, temperature)
        acc = _Accumulator(self._settings.model)
        deadline = time.monotonic() + self._settings.deadline_s
        chunks = self._client().astream(payload, **kwargs)
        overdue = False
        try:
            async for chunk in chunks:
                piece = acc.add(chunk)
                overdue = time.monotonic() > deadline
                if overdue:
                    break
                if piece:
                    yield piece
        except Exception as exc:
            raise translate_error(exc, self._settings) from exc
        finally:
            aclose = getattr(chunks, "aclose", None)
            if callable(aclose):
                await aclose()
        if overdue:
            raise self._overdue()
        self._finished(acc, on_complete)

    def _overdue(self) -> LlmUnavailableError:
        s = self._settings
        return LlmUnavailableError(
            f"LLM endpoint {s.base_url} (model {s.model!r}) was still generating after {s.deadline_s:g} s; raise "
            "ASSISTANT_LLM_DEADLINE_S or check the server load"
        )

    def _finished(self, acc: _Accumulator, on_complete: OnComplete | None) -> None:
        if not acc.finish_reason:  # every OpenAI-compatible server ends a stream with one: the endpoint died
            raise LlmUnavailableError(
                f"LLM endpoint {self._settings.base_url} closed the stream before the model finished; "
                "check that the server is still running"
            )
        if on_complete is not None:
            on_complete(acc.completion())


class _Accumulator:
    """Collects streamed chunks into the final Completion (usage arrives in the last chunk with stream_usage)."""

    def __init__(self, model: str) -> None:
        self.parts: list[str] = []
        self.model = model
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.finish_reason = ""
        self.usage_reported = False

    def add(self, chunk: BaseMessageChunk) -> str:
        meta = chunk.response_metadata or {}
        if meta.get("model_name"):
            self.model = str(meta["model_name"])
        if meta.get("finish_reason"):
            self.finish_reason = str(meta["finish_reason"])
        usage = getattr(chunk, "usage_metadata", None)
        if usage:
            self.usage_reported = True
            self.prompt_tokens += int(usage.get("input_tokens", 0))
            self.completion_tokens += int(usage.get("output_tokens", 0))
        piece = _text(chunk.content)
        if piece:
            self.parts.append(piece)
        return piece

    def completion(self) -> Completion:
        text = "".join(self.parts)
        if self.usage_reported:
            return Completion(text, self.model, self.prompt_tokens, self.completion_tokens, self.finish_reason)
        return Completion(text, self.model, 0, len(self.parts), self.finish_reason, usage_reported=False)


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content blocks
        return "".join(b if isinstance(b, str) else str(b.get("text", "")) for b in content)
    return str(content or "")


def translate_error(exc: BaseException, settings: LlmSettings) -> Exception:
    """One typed error per failure class; messages name the endpoint and the fix, never the prompt."""
    import openai

    timeouts, transport = _transport_errors()
    where = f"LLM endpoint {settings.base_url} (model {settings.model!r})"
    if isinstance(exc, (openai.APITimeoutError, TimeoutError, *timeouts)):
        return LlmUnavailableError(
            f"{where} did not answer within the timeout ({settings.timeout_s:g} s read, "
            f"{settings.connect_timeout_s:g} s connect); raise ASSISTANT_LLM_TIMEOUT_S or check the server load"
        )
    if isinstance(exc, (openai.APIConnectionError, ConnectionError, *transport)):
        return LlmUnavailableError(
            f"{where} is unreachable ({type(exc).__name__}); start it (assistant llm serve) or fix "
            "ASSISTANT_LLM_BASE_URL"
        )
    if isinstance(exc, openai.APIStatusError):
        return _status_error(exc.status_code, exc.message, where)
    if isinstance(exc, openai.APIError):
        return LlmUnavailableError(f"{where} sent an invalid response ({type(exc).__name__})")
    return LlmRequestError(f"{where}: unexpected {type(exc).__name__}: {_short(str(exc))}")


def _transport_errors() -> tuple[tuple[type[Exception], ...], tuple[type[Exception], ...]]:
    """Timeout and transport exception classes of httpx and httpx2 (openai>=3 is built on httpx2)."""
    import importlib

    timeouts: list[type[Exception]] = []
    transport: list[type[Exception]] = []
    for name in ("httpx", "httpx2"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        timeouts.append(module.TimeoutException)
        transport.append(module.TransportError)
    return tuple(timeouts), tuple(transport)


def _status_error(status: int, message: str, where: str) -> Exception:
    if status >= 500 or status == 429:
        return LlmUnavailableError(f"{where} failed with HTTP {status}; check the server logs")
    if status in (401, 403):
        fix = "set ASSISTANT_LLM_API_KEY"
        reason = f"rejected the API key (HTTP {status})"
    elif status == 404:
        fix = (
            "set ASSISTANT_LLM_MODEL to a served model name (GET /v1/models lists them) and check that "
            "ASSISTANT_LLM_BASE_URL ends with /v1"
        )
        reason = "has no such model or path (HTTP 404)"
    elif "context length" in message.lower() or "context window" in message.lower():
        fix = (
            "the prompt does not fit the served context window: serve a longer one, or lower "
            "ASSISTANT_LLM_MAX_CONTEXT_CHARS (answers) or ASSISTANT_LLM_COPY_MAX_SOURCE_CHARS (copy drafts)"
        )
        reason = f"refused the request (HTTP {status}: {_short(message)})"
    else:
        fix = "check the request limits of the server (context length, max tokens)"
        reason = f"refused the request (HTTP {status}: {_short(message)})"
    return LlmRequestError(f"{where} {reason}; {fix}")


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
