"""Recorded completions: re-score the application's grounding checks on real model output, without the model.

A CPU run of the golden set takes ~30 minutes of generation; the checks that decide what is shown (citations,
support, anchors, relevance, refusal) take seconds. :class:`RecordingChatModel` appends every completion of the
real endpoint to a JSON-lines transcript; :class:`ReplayChatModel` (``ASSISTANT_LLM_BACKEND=replay``) serves them
back to the same prompts, so a change to the checks is measured on the very answers the model gave.

A completion is filed under a key: the SHA-256 of the messages, ``max_tokens`` and ``temperature``. Prompts are
never written to the transcript (they hold retrieved documents); the completions are what the model wrote over
pseudonymized context, so they carry pseudonym tokens, not names. A prompt that changed since the recording (another
context, template or setting) has no completion: replay then raises :class:`LlmRequestError` naming the fix rather
than inventing an answer, or, given a ``missing`` model (``--replay OLD --record NEW``), asks that model: a change
that alters a few prompts then costs only their generations, and the new transcript holds the whole run.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from assistant.core.errors import ConfigurationError
from assistant.llm.ports import ChatMessage, ChatModel, Completion, LlmRequestError, OnComplete

_FRAGMENT = re.compile(r"\s*\S+|\s+")  # replayed streams come word by word (a real server streams tokens)
CANCELLED = "cancelled"  # finish reason of a stream the caller closed early (recorded as far as it went)
log = logging.getLogger(__name__)


def prompt_key(messages: Sequence[ChatMessage], max_tokens: int | None, temperature: float | None) -> str:
    payload = json.dumps([[m.role, m.content] for m in messages] + [max_tokens, temperature], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


class RecordingChatModel:
    """Decorator: forwards every call to ``inner`` and appends each completion to ``path`` (created if missing)."""

    def __init__(self, inner: ChatModel, path: Path) -> None:
        self._inner = inner
        self._path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600))  # owner only
        except OSError as exc:
            problem = f"cannot record completions to {path}: {exc.strerror}"
            raise ConfigurationError(f"{problem}; pick a writable path") from None

    @property
    def model_name(self) -> str:
        return self._inner.model_name

    def write(self, key: str, completion: Completion) -> None:
        """Append ``completion`` under ``key``: one line, in one write to a file opened for appending, so that a run
        killed mid-way leaves whole lines (at worst a torn last one, which replay skips)."""
        line = (json.dumps({"key": key, **asdict(completion)}, ensure_ascii=False) + "\n").encode()
        fd = os.open(self._path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)

    def complete(
        self, messages: Sequence[ChatMessage], *, max_tokens: int | None = None, temperature: float | None = None
    ) -> Completion:
        completion = self._inner.complete(messages, max_tokens=max_tokens, temperature=temperature)
        self.write(prompt_key(messages, max_tokens, temperature), completion)
        return completion

    def stream(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        on_complete: OnComplete | None = None,
    ) -> Iterator[str]:
        take = _Take(self, prompt_key(messages, max_tokens, temperature), on_complete)
        try:
            for fragment in self._inner.stream(
                messages, max_tokens=max_tokens, temperature=temperature, on_complete=take.finished
            ):
                take.fragments.append(fragment)
                yield fragment
        except GeneratorExit:
            take.closed_early()
            raise

    async def astream(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        on_complete: OnComplete | None = None,
    ) -> AsyncIterator[str]:
        take = _Take(self, prompt_key(messages, max_tokens, temperature), on_complete)
        try:
            async for fragment in self._inner.astream(
                messages, max_tokens=max_tokens, temperature=temperature, on_complete=take.finished
            ):
                take.fragments.append(fragment)
                yield fragment
        except GeneratorExit:
            take.closed_early()
            raise


@dataclass
class _Take:
    """One streamed generation being recorded: written when it completes, or as far as it went when the caller
    closes the stream early (a wrong-language answer); a generation that fails is not written."""

    recorder: RecordingChatModel
    key: str
    on_complete: OnComplete | None
    fragments: list[str] = field(default_factory=list)
    done: bool = False

    def finished(self, completion: Completion) -> None:
        self.done = True
        self.recorder.write(self.key, completion)
        if self.on_complete is not None:
            self.on_complete(completion)

    def closed_early(self) -> None:
        if not self.done and self.fragments:
            text = "".join(self.fragments)
            model = self.recorder.model_name
            self.recorder.write(self.key, Completion(text, model, 0, len(self.fragments), CANCELLED, False))


class ReplayChatModel:
    """Serves the completions of a transcript to the prompts they were recorded for (the last one wins); a prompt
    with none goes to ``missing`` when given (the live model), else raises :class:`LlmRequestError`."""

    def __init__(self, path: Path, missing: ChatModel | None = None) -> None:
        if not path.is_file():
            raise ConfigurationError(
                f"replay transcript {path} does not exist: record one with "
                "`assistant eval generation --record PATH` against a running model"
            )
        self._path = path
        self._missing = missing
        self._completions: dict[str, Completion] = {}
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                key = row.pop("key")  # before Completion(**row): the right-hand side is evaluated first
                self._completions[key] = Completion(**row)
            except (ValueError, TypeError, KeyError) as exc:
                if number == len(lines) and not text.endswith("\n"):  # the recording was killed while writing it
                    log.warning("%s: its last line was cut off while it was written; replaying the others", path)
                    continue
                raise ConfigurationError(
                    f"{path} line {number} is not a recorded completion ({exc}); record the transcript again"
                ) from None
        models = {c.model for c in self._completions.values()}
        self._model = models.pop() if len(models) == 1 else "replay"

    def __len__(self) -> int:
        return len(self._completions)

    @property
    def model_name(self) -> str:
        return self._model

    def _recorded(
        self, messages: Sequence[ChatMessage], max_tokens: int | None, temperature: float | None
    ) -> Completion | None:
        """The completion recorded for this prompt; None when there is none and a ``missing`` model will answer."""
        key = prompt_key(messages, max_tokens, temperature)
        completion = self._completions.get(key)
        if completion is None and self._missing is None:
            raise LlmRequestError(
                f"no completion recorded in {self._path} for this prompt (key {key[:12]}): the question, the "
                "retrieved context, the prompt template or a generation setting changed since the recording; "
                "record again with `assistant eval generation --record PATH`"
            )
        return completion

    def complete(
        self, messages: Sequence[ChatMessage], *, max_tokens: int | None = None, temperature: float | None = None
    ) -> Completion:
        completion = self._recorded(messages, max_tokens, temperature)
        if completion is None:
            assert self._missing is not None  # _recorded raised otherwise
            return self._missing.complete(messages, max_tokens=max_tokens, temperature=temperature)
        return completion

    def stream(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        on_complete: OnComplete | None = None,
    ) -> Iterator[str]:
        completion = self._recorded(messages, max_tokens, temperature)
        if completion is None:
            assert self._missing is not None  # _recorded raised otherwise
            yield from self._missing.stream(
                messages, max_tokens=max_tokens, temperature=temperature, on_complete=on_complete
            )
            return
        yield from _FRAGMENT.findall(completion.text)
        if on_complete is not None and completion.finish_reason != CANCELLED:
            on_complete(completion)

    async def astream(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        on_complete: OnComplete | None = None,
    ) -> AsyncIterator[str]:
        if self._recorded(messages, max_tokens, temperature) is None:
            assert self._missing is not None  # _recorded raised otherwise
            async for fragment in self._missing.astream(
                messages, max_tokens=max_tokens, temperature=temperature, on_complete=on_complete
            ):
                yield fragment
            return
        for fragment in self.stream(messages, max_tokens=max_tokens, temperature=temperature, on_complete=on_complete):
            yield fragment
