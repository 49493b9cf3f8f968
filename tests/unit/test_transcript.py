"""Recorded completions: what is recorded is served back to the same prompt, and only to it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from pathlib import Path

import pytest

from assistant.container import Container
from assistant.core.errors import ConfigurationError
from assistant.llm.ports import ChatMessage, Completion, LlmRequestError, LlmUnavailableError
from assistant.llm.transcript import CANCELLED, RecordingChatModel, ReplayChatModel, prompt_key
from assistant.settings import Settings
from tests.fakes import ScriptedChatModel

pytestmark = pytest.mark.unit
ASK = [ChatMessage("system", "Réponds depuis le contexte."), ChatMessage("user", "Délai de retour ?")]
ANSWER = "Le client dispose de 30 jours [1]. Il présente son ticket [1]."


def _collect(chunks: Iterable[str]) -> list[str]:
    return list(chunks)


async def _acollect(model: ReplayChatModel | RecordingChatModel, done: list[Completion]) -> list[str]:
    return [f async for f in model.astream(ASK, on_complete=done.append)]


@pytest.mark.parametrize(
    ("messages", "max_tokens", "temperature", "same"),
    [
        (ASK, None, None, True),
        ([ASK[0], ChatMessage("user", "Délai de retour  ?")], None, None, False),  # one more space
        ([ChatMessage("user", ASK[0].content), ASK[1]], None, None, False),  # same text, other role
        (ASK, 200, None, False),
        (ASK, None, 0.7, False),
    ],
)
def test_prompt_key_changes_with_any_part_of_the_request(
    messages: list[ChatMessage], max_tokens: int | None, temperature: float | None, same: bool
) -> None:
    assert (prompt_key(messages, max_tokens, temperature) == prompt_key(ASK, None, None)) is same


def test_recorded_completion_is_replayed_to_the_same_prompt(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    recorder = RecordingChatModel(ScriptedChatModel(ANSWER, "Autre réponse."), path)
    original = recorder.complete(ASK)
    streamed_done: list[Completion] = []
    other = [ChatMessage("user", "Autre question ?")]
    assert "".join(recorder.stream(other, on_complete=streamed_done.append)) == "Autre réponse."
    replay = ReplayChatModel(path)
    assert len(replay) == 2
    assert replay.model_name == "scripted-model"
    assert replay.complete(ASK) == original
    done: list[Completion] = []
    fragments = _collect(replay.stream(other, on_complete=done.append))
    assert len(fragments) > 1 and "".join(fragments) == "Autre réponse."
    assert done == streamed_done
    adone: list[Completion] = []
    assert "".join(asyncio.run(_acollect(replay, adone))) == ANSWER
    assert adone == [original]


def test_the_transcript_holds_no_prompt_text(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    RecordingChatModel(ScriptedChatModel(ANSWER), path).complete(ASK)
    row = json.loads(path.read_text(encoding="utf-8"))
    assert row["text"] == ANSWER
    assert "Délai" not in path.read_text(encoding="utf-8")
    assert set(row) == {"key", "text", "model", "prompt_tokens", "completion_tokens", "finish_reason", "usage_reported"}


def test_a_changed_prompt_is_refused_not_answered(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    RecordingChatModel(ScriptedChatModel(ANSWER), path).complete(ASK)
    replay = ReplayChatModel(path)
    with pytest.raises(LlmRequestError, match="changed since the recording"):
        replay.complete(ASK, max_tokens=64)
    with pytest.raises(LlmRequestError):
        _collect(replay.stream([ChatMessage("user", "?")]))


async def _two_then_close(recorder: RecordingChatModel) -> list[str]:
    stream = recorder.astream(ASK)
    first = [await anext(stream), await anext(stream)]
    await stream.aclose()  # type: ignore[attr-defined]
    return first


@pytest.mark.parametrize("asynchronous", [False, True])
def test_a_stream_closed_early_is_recorded_as_far_as_it_went(tmp_path: Path, asynchronous: bool) -> None:
    path = tmp_path / "t.jsonl"
    recorder = RecordingChatModel(ScriptedChatModel(ANSWER, fragment=5), path)
    if asynchronous:
        first = asyncio.run(_two_then_close(recorder))
    else:
        stream = recorder.stream(ASK)
        first = [next(stream), next(stream)]
        stream.close()  # type: ignore[attr-defined]
    replay = ReplayChatModel(path)
    done: list[Completion] = []
    assert "".join(_collect(replay.stream(ASK, on_complete=done.append))) == "".join(first)
    assert done == []  # a cancelled generation never completed
    assert replay.complete(ASK).finish_reason == CANCELLED


def test_a_failed_generation_is_not_recorded(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    recorder = RecordingChatModel(ScriptedChatModel(("Le client", LlmUnavailableError("down"))), path)
    with pytest.raises(LlmUnavailableError):
        _collect(recorder.stream(ASK))
    with pytest.raises(LlmUnavailableError):
        recorder.complete(ASK)
    assert path.read_text(encoding="utf-8") == ""


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json\n", "line 1 is not a recorded completion"),
        ('{"text": "x", "model": "m"}\n', "line 1 is not a recorded completion"),
        ('\n{"key": "k", "text": "x", "model": "m", "colour": 1}\n', "line 2 is not a recorded completion"),
    ],
)
def test_a_corrupt_transcript_names_its_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigurationError, match=message):
        ReplayChatModel(path)


def test_a_missing_transcript_says_how_to_record_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="--record"):
        ReplayChatModel(tmp_path / "absent.jsonl")


@pytest.mark.parametrize("call", ["complete", "stream", "astream"])
def test_a_prompt_missing_from_the_transcript_goes_to_the_live_model_and_is_recorded(tmp_path: Path, call: str) -> None:
    old, new = tmp_path / "old.jsonl", tmp_path / "new.jsonl"
    RecordingChatModel(ScriptedChatModel(ANSWER), old).complete(ASK)
    live = ScriptedChatModel("Fresh answer [2].")
    model = RecordingChatModel(ReplayChatModel(old, missing=live), new)
    changed = [ASK[0], ChatMessage("user", "Délai de retour sans ticket ?")]
    for messages, expected in ((ASK, ANSWER), (changed, "Fresh answer [2].")):
        done: list[Completion] = []
        if call == "complete":
            text = model.complete(messages).text
        elif call == "stream":
            text = "".join(model.stream(messages, on_complete=done.append))
        else:

            async def collect(messages: list[ChatMessage] = messages, done: list[Completion] = done) -> str:
                return "".join([f async for f in model.astream(messages, on_complete=done.append)])

            text = asyncio.run(collect())
        assert text == expected
        assert call == "complete" or [c.text for c in done] == [expected]
    assert live.calls == [changed]  # only the prompt the transcript lacked cost a generation
    keys = [json.loads(line)["key"] for line in new.read_text(encoding="utf-8").splitlines()]
    assert keys == [prompt_key(ASK, None, None), prompt_key(changed, None, None)]  # the whole run


def test_recording_into_the_replayed_transcript_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    RecordingChatModel(ScriptedChatModel(ANSWER), path).complete(ASK)
    settings = Settings(data_dir=tmp_path / "d", llm={"backend": "replay", "replay_from": path, "record_to": path})
    with pytest.raises(ConfigurationError, match="new file"):
        _ = Container(settings).chat_model


def test_replay_backend_requires_a_transcript() -> None:
    with pytest.raises(ValueError, match="ASSISTANT_LLM_REPLAY_FROM"):
        Settings(llm={"backend": "replay"})


def test_the_container_wires_replay_and_recording_by_name(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    RecordingChatModel(ScriptedChatModel(ANSWER), path).complete(ASK)
    replaying = Settings(data_dir=tmp_path / "d", llm={"backend": "replay", "replay_from": path})
    assert Container(replaying).chat_model.complete(ASK).text == ANSWER
    recorded_again = tmp_path / "again.jsonl"
    both = replaying.model_copy(update={"llm": replaying.llm.model_copy(update={"record_to": recorded_again})})
    assert Container(both).chat_model.complete(ASK).text == ANSWER
    assert json.loads(recorded_again.read_text(encoding="utf-8"))["key"] == prompt_key(ASK, None, None)


@pytest.mark.parametrize(
    ("cut", "replayed"),
    [
        (0, 2),  # whole
        (25, 1),  # killed while its last line was written: the others replay
    ],
)
def test_a_last_line_cut_off_mid_write_is_skipped_not_the_whole_run(tmp_path: Path, cut: int, replayed: int) -> None:
    path = tmp_path / "t.jsonl"
    recorder = RecordingChatModel(ScriptedChatModel(ANSWER, "Autre réponse."), path)
    recorder.complete(ASK)
    recorder.complete([ChatMessage("user", "Autre question ?")])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - cut] if cut else data)
    replay = ReplayChatModel(path)
    assert len(replay) == replayed
    assert replay.complete(ASK).text == ANSWER
    assert oct(path.stat().st_mode & 0o777) == oct(0o600)  # model output over pseudonymized documents: owner only
