"""Marketing product copy grounded strictly on the product sheet and the brand guidelines.

Sources come from the index under the asker's role (``marketing`` by default): every chunk that mentions the
product reference, widened to its whole document when that document is a product sheet (a few chunks), plus the
brand guidelines' most relevant chunks. The copy is then checked: every number, material and claim (organic, made
in, guarantee, superlatives...) must be stated by the product sources, no personal data, the requested language.
A failing copy is regenerated once with the problems named; failing again, the draft is refused with them. The text
returned is not yet revealed nor audited: front doors go through :class:`assistant.drafting.DraftService`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from assistant.answering.claims import unsupported_claims
from assistant.answering.context import ContextBlock, cut
from assistant.answering.injection import fence, quarantine
from assistant.answering.prompts import load_prompt
from assistant.core.domain import Chunk, Citation, SearchHit
from assistant.core.errors import ConfigurationError
from assistant.core.index import AccessFilter
from assistant.core.text import detect_language, split_sentences
from assistant.llm.client_settings import LlmSettings
from assistant.llm.ports import ChatMessage, ChatModel, Completion
from assistant.retrieval.searcher import Searcher

USE_CASE = "marketing_copy"
CHANNELS = ("web", "newsletter", "social")
Channel = Literal["web", "newsletter", "social"]
_SHEET_MAX_CHUNKS = 8  # a document this short that names the reference is the product's sheet: taken whole
_PERSONAL = re.compile(
    r"<[A-Z][A-Z_]*_(?:[0-9a-f]{6,}|REDACTED)>"  # pseudonym tokens and forgotten subjects
    r"|[\w.+-]+@[\w-]+\.[\w.]+"  # e-mail addresses
    r"|(?<!\d)(?:\+?\d[\s.-]?){9,14}\d(?!\d)"  # phone numbers
)


class ProductNotFoundError(ConfigurationError):
    """No readable source mentions the product reference."""


@dataclass(frozen=True)
class CopyRequest:
    product: str  # reference as printed on the sheet, e.g. MC-COC-24
    channel: Channel
    language: str
    tone: str = ""


@dataclass(frozen=True)
class CopyDraft:
    request: CopyRequest
    text: str  # the copy, or "" when refused
    refused: bool
    issues: list[str]  # what the last rejected attempt stated without support (numbers, concepts, personal data...)
    sources: list[Citation]
    model: str
    prompt_version: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    attempts: int = 0
    flags: list[str] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    source_chunks: tuple[tuple[str, str], ...] = ()  # (chunk id, document id) of each source, for the audit log
    audit_seq: int | None = None  # the draft's audit record, once recorded

    def as_json(self) -> dict[str, Any]:
        return {
            "product": self.request.product,
            "channel": self.request.channel,
            "language": self.request.language,
            "tone": self.request.tone,
            "copy": self.text,
            "refused": self.refused,
            "issues": self.issues,
            "sources": [s.as_json() for s in self.sources],
            "model": self.model,
            "prompt_version": self.prompt_version,
            "use_case": USE_CASE,
            "attempts": self.attempts,
            "flags": self.flags,
            "tokens": {"prompt": self.prompt_tokens, "completion": self.completion_tokens},
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
            "audit_seq": self.audit_seq,
        }


def draft_from_json(data: dict[str, Any]) -> CopyDraft:
    """A draft back from :meth:`CopyDraft.as_json` (what a server sends), for display."""
    request = CopyRequest(data["product"], data["channel"], data["language"], data["tone"])
    sources = [Citation(s["source"], s["chunk_id"], s["title"]) for s in data["sources"]]
    tokens = data.get("tokens", {})
    return CopyDraft(
        request, data["copy"], data["refused"], list(data["issues"]), sources, data["model"], data["prompt_version"],
        tokens.get("prompt", 0), tokens.get("completion", 0), data.get("attempts", 0), list(data.get("flags", [])),
        dict(data.get("timings_ms", {})), audit_seq=data.get("audit_seq"),
    )  # fmt: skip


def _readable(chunk: Chunk, access: AccessFilter) -> bool:
    if not access.audiences.intersection(chunk.audience) or chunk.confidentiality > access.max_confidentiality:
        return False
    return access.stores is None or bool({"*", *access.stores}.intersection(chunk.stores))


class Copywriter:
    def __init__(
        self,
        searcher: Searcher,
        chat: ChatModel,
        settings: LlmSettings,
        languages: Sequence[str],
        *,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self._searcher = searcher
        self._chat = chat
        self._settings = settings
        self._languages = list(languages)
        self._clock = clock

    def sources(self, product: str, role: str) -> tuple[list[Chunk], list[Chunk]]:
        """(product chunks, brand guideline chunks) readable by ``role``; raises ProductNotFoundError."""
        prompt = load_prompt(USE_CASE, self._settings.prompts_dir)
        reference = re.compile(rf"(?<![\w-]){re.escape(product.strip())}(?![\w-])", re.IGNORECASE)
        request = self._searcher.prepare(product, role, 30, mode="sparse")
        hits = self._searcher.index.search(request) if request is not None else []
        clean, _ = quarantine(hits)
        matching = [h.chunk for h in clean if reference.search(h.chunk.text)]
        if not product.strip() or not matching:
            raise ProductNotFoundError(
                f"no document readable by role {role!r} mentions product reference {product!r}: check the reference "
                "as printed on the product sheet (e.g. MC-COC-24) and that the sheets are ingested "
                "(assistant ingest ingestion/samples/produits)"
            )
        access = request.access if request is not None else AccessFilter(frozenset())
        chunks: dict[str, Chunk] = {}
        for doc_id in dict.fromkeys(c.doc_id for c in matching):
            if self._searcher.index.count(doc_id) <= _SHEET_MAX_CHUNKS:
                whole = [SearchHit(c, 0.0) for c in self._searcher.index.chunks(doc_id) if _readable(c, access)]
                chunks.update((h.chunk.chunk_id, h.chunk) for h in quarantine(whole)[0])
            else:
                chunks.update((c.chunk_id, c) for c in matching if c.doc_id == doc_id)
        guideline_stems = set(prompt.tables.get("guidelines", {}).get("sources", {}).values())
        query = str(prompt.tables.get("guidelines", {}).get("query", {}).get("text", "brand guidelines tone"))
        found = self._searcher.search(query, role, 10)
        guidelines = [h.chunk for h in quarantine(found)[0] if Path(h.chunk.source).stem in guideline_stems][:2]
        return list(chunks.values()), guidelines

    def draft(self, request: CopyRequest, role: str = "marketing") -> CopyDraft:
        if request.channel not in CHANNELS:
            raise ConfigurationError(f"channel {request.channel!r}: use one of {', '.join(CHANNELS)}")
        started = self._clock()
        prompt = load_prompt(USE_CASE, self._settings.prompts_dir)
        product_chunks, guideline_chunks = self.sources(request.product, role)
        timings = {"retrieve": (self._clock() - started) * 1000}
        blocks: list[ContextBlock] = []
        budget = self._settings.copy_max_source_chars
        for chunk in [*product_chunks, *guideline_chunks]:
            if budget < 200:
                break
            text = cut(fence(chunk.text.strip()), budget)
            blocks.append(ContextBlock(len(blocks) + 1, chunk, text))
            budget -= len(text)
        facts = "\n".join(b.text for b in blocks if b.chunk in product_chunks)
        tone = request.tone or prompt.lookup("default_tone", request.language, "text")
        chat = prompt.messages(
            request.language,
            context="\n\n".join(b.render() for b in blocks),
            product=request.product,
            channel=request.channel,
            channel_hint=prompt.lookup("channel_hints", request.language, request.channel),
            tone=tone,
        )
        flags = [] if guideline_chunks else ["no_brand_guidelines"]
        usage: list[Completion] = []
        issues: list[str] = []
        text = ""
        for attempt in (1, 2):
            began = self._clock()
            completion = self._chat.complete(chat, max_tokens=self._settings.copy_max_tokens)
            timings["generate"] = timings.get("generate", 0.0) + (self._clock() - began) * 1000
            usage.append(completion)
            max_words = int(prompt.lookup("max_words", "en", request.channel))
            text, fixes = _fit(_clean(completion.text), completion.finish_reason, max_words)
            issues = self._issues(text, facts, request.language, prompt.refusal_marker)
            if not issues:
                flags += fixes
                break
            if attempt == 1:
                flags.append("regenerated")
                retry = prompt.retry_instruction(request.language, issues=", ".join(issues))
                chat = [*chat, ChatMessage("assistant", completion.text), ChatMessage("user", retry)]
        refused = bool(issues)
        if refused:
            flags.append("copy_refused")
        timings["total"] = (self._clock() - started) * 1000
        return CopyDraft(
            request=request,
            text="" if refused else text,
            refused=refused,
            issues=issues,
            sources=[b.citation() for b in blocks],
            model=usage[-1].model or self._chat.model_name,
            prompt_version=prompt.full_version,
            prompt_tokens=sum(c.prompt_tokens for c in usage),
            completion_tokens=sum(c.completion_tokens for c in usage),
            attempts=len(usage),
            flags=flags,
            timings_ms=timings,
            source_chunks=tuple((b.chunk.chunk_id, b.chunk.doc_id) for b in blocks),
        )

    def _issues(self, text: str, facts: str, language: str, marker: str) -> list[str]:
        if not text or (marker and marker.lower() in text.lower()):
            return ["no_copy"]
        issues = unsupported_claims(text, facts)
        if _PERSONAL.search(text):
            issues.append("personal_data")
        if detect_language(text, self._languages, default=language) != language:
            issues.append(f"language!={language}")
        return issues


def _fit(text: str, finish_reason: str, max_words: int) -> tuple[str, list[str]]:
    """Small models loop, overrun the channel's length and get cut by the token limit: keep whole, distinct
    sentences within ``max_words`` (every one of them is then checked like the rest)."""
    fixes: list[str] = []
    sentences = split_sentences(" ".join(text.split()))
    if finish_reason == "length" and sentences and not re.search(r"[.!?…»]$", sentences[-1]):
        sentences, fixes = sentences[:-1], [*fixes, "truncated_sentence_dropped"]
    distinct = list(dict.fromkeys(sentences))
    if len(distinct) < len(sentences):
        fixes.append("repetition_dropped")
    kept: list[str] = []
    for sentence in distinct:
        if len(" ".join([*kept, sentence]).split()) > max_words:
            fixes.append("trimmed_to_channel_length")
            break
        kept.append(sentence)
    return (" ".join(kept) if fixes else text), fixes


def _clean(text: str) -> str:
    """Drop a title line or surrounding quotes that small models add despite the instructions."""
    lines = [line for line in text.strip().splitlines() if not re.match(r"^\s*#+\s|^\s*\*\*[^*]+\*\*\s*$", line)]
    return "\n".join(lines).strip().strip('"“”«»').strip()
