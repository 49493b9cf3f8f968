"""Follow-up questions: a question that only makes sense after the previous one ("Et pendant les soldes ?") is made
standalone before retrieval, from the previous turn's (pseudonymized, already standalone) question.

- Whether a question needs the previous turn is decided by a general rule, in the question's language: it opens with a
  continuation word ("et", "and", "y", "und", "e"...), or it has at most two content words (a question that names
  its subject and what it asks about has more: "délai retour article").
- With a language model reachable, it rewrites the pair into one standalone question (one line, in the question's
  language, keeping every pseudonym token; otherwise its output is not used). Without one (the CPU fallback, or the
  model down), the standalone question is the previous question followed by the follow-up: retrieval then searches
  the subject of the conversation together with what is asked now.
Everything here is pseudonymized text: the previous question comes from the audit record, the follow-up passes the
privacy boundary before it is combined or sent to a model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answering.lexical import content_terms
from assistant.core.text import words
from assistant.core.tokens import tokens_in
from assistant.llm.ports import ChatMessage, ChatModel, LlmRequestError, LlmUnavailableError

CONTINUATIONS = {
    "fr": {"et", "mais", "sinon", "aussi", "pareil", "idem"},
    "en": {"and", "but", "what about", "how about", "same"},
    "es": {"y", "e", "pero", "tambien", "y si"},
    "de": {"und", "aber", "auch", "und wenn"},
    "it": {"e", "ed", "ma", "anche", "e se"},
}
MAX_ELLIPTIC_TERMS = 2
_SYSTEM = {
    "fr": "Tu reformules une question de suivi posée dans une conversation. Écris une seule question autonome, en "
    "français, qui reprend le sujet de la question précédente et ce que demande la question de suivi. Ne réponds "
    "pas. Recopie tels quels les jetons entre chevrons (<PERSON_…>).",
    "en": "You rewrite a follow-up question asked in a conversation. Write one standalone question, in English, that "
    "keeps the subject of the previous question and what the follow-up asks. Do not answer it. Copy tokens in angle "
    "brackets (<PERSON_…>) as they are.",
}
_LABEL = re.compile(r"^\s*(question( autonome)?|standalone question|réponse)\s*:\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Standalone:
    """The question to answer; ``rewritten`` when it differs from what was typed; ``how``: llm or context."""

    text: str
    rewritten: bool = False
    how: str = ""


def needs_previous(question: str, language: str) -> bool:
    said = words(question)
    if not said:
        return False
    markers = CONTINUATIONS.get(language, set()) | CONTINUATIONS["fr"] | CONTINUATIONS["en"]
    if said[0] in markers or " ".join(said[:2]) in markers:
        return True
    return len(content_terms(question)) <= MAX_ELLIPTIC_TERMS


class FollowUps:
    def __init__(self, chat: ChatModel | None = None, *, max_tokens: int = 120) -> None:
        self._chat = chat
        self._max_tokens = max_tokens

    def standalone(self, question: str, previous: str | None, language: str) -> Standalone:
        """``question`` and ``previous`` pseudonymized; ``language`` the question's."""
        if not previous or not needs_previous(question, language):
            return Standalone(question)
        rewritten = self._rewrite(question, previous, language) if self._chat is not None else None
        if rewritten is not None:
            return Standalone(rewritten, True, "llm")
        return Standalone(f"{previous.strip()} {question.strip()}", True, "context")

    def _rewrite(self, question: str, previous: str, language: str) -> str | None:
        assert self._chat is not None
        system = _SYSTEM.get(language, _SYSTEM["en"])
        user = f"Question précédente : {previous}\nQuestion de suivi : {question}" if language == "fr" else (
            f"Previous question: {previous}\nFollow-up question: {question}"
        )  # fmt: skip
        try:
            completion = self._chat.complete(
                [ChatMessage("system", system), ChatMessage("user", user)],
                max_tokens=self._max_tokens,
                temperature=0.0,
            )
        except (LlmRequestError, LlmUnavailableError):
            return None
        lines = [line.strip() for line in completion.text.strip().splitlines() if line.strip()]
        text = _LABEL.sub("", lines[0]).strip(" \"'«»") if lines else ""
        usable = (
            text
            and len(text) <= 2 * (len(previous) + len(question)) + 40
            and tokens_in(question) <= tokens_in(text)
            and text.casefold() != question.casefold()
        )
        return text if usable else None
