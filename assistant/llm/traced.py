"""ChatModel decorator: one ``generate`` span per call with GenAI semantic-convention attributes (no content)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence

from opentelemetry.trace import Span

from assistant.core.tracing import annotate, failed, start_span
from assistant.llm.ports import ChatMessage, ChatModel, Completion, OnComplete

PROVIDER = "openai-compatible"  # vLLM or llama.cpp behind the OpenAI API


def _usage(span_: Span, completion: Completion) -> None:
    annotate(
        span_,
        gen_ai__response__model=completion.model or None,
        gen_ai__usage__input_tokens=completion.prompt_tokens,
        gen_ai__usage__output_tokens=completion.completion_tokens,
        gen_ai__response__finish_reasons=completion.finish_reason or None,
        assistant__usage_reported=completion.usage_reported,
    )


def _recording(current: Span, on_complete: OnComplete | None) -> OnComplete:
    """The caller's completion callback, after the usage is written on the span."""

    def done(completion: Completion) -> None:
        _usage(current, completion)
        if on_complete is not None:
            on_complete(completion)

    return done


class TracedChatModel:
    def __init__(self, inner: ChatModel) -> None:
        self._inner = inner

    @property
    def model_name(self) -> str:
        return self._inner.model_name

    def _start(self, streaming: bool, max_tokens: int | None) -> Span:
        return start_span(
            "generate",
            gen_ai__operation__name="chat",
            gen_ai__provider__name=PROVIDER,
            gen_ai__request__model=self._inner.model_name,
            gen_ai__request__max_tokens=max_tokens,
            assistant__streaming=streaming,
        )

    def complete(
        self, messages: Sequence[ChatMessage], *, max_tokens: int | None = None, temperature: float | None = None
    ) -> Completion:
        current = self._start(False, max_tokens)
        try:
            completion = self._inner.complete(messages, max_tokens=max_tokens, temperature=temperature)
            _usage(current, completion)
            return completion
        except Exception as exc:
            failed(current, exc)
            raise
        finally:
            current.end()

    def stream(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        on_complete: OnComplete | None = None,
    ) -> Iterator[str]:
        current = self._start(True, max_tokens)
        done = _recording(current, on_complete)
        try:
            yield from self._inner.stream(messages, max_tokens=max_tokens, temperature=temperature, on_complete=done)
        except Exception as exc:
            failed(current, exc)
            raise
        finally:  # also when the reader closes the stream early (cancelled generation)
            current.end()

    async def astream(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        on_complete: OnComplete | None = None,
    ) -> AsyncIterator[str]:
        current = self._start(True, max_tokens)
        done = _recording(current, on_complete)
        try:
            async for fragment in self._inner.astream(
                messages, max_tokens=max_tokens, temperature=temperature, on_complete=done
            ):
                yield fragment
        except Exception as exc:
            failed(current, exc)
            raise
        finally:
            current.end()
