"""The answerer port: question in, cited answer or refusal out."""

from __future__ import annotations

from typing import Protocol

from assistant.domain import Answer


class Answerer(Protocol):
    """Answers a question from the documents the asker's role may read.

    Contract:
    - Every citation points to a chunk that was retrieved for this question under the asker's role.
    - ``refused`` is True (with an explanation in ``answer`` and no citations) when the documents do not
      support an answer; the answer is never invented.
    - ``language`` is the detected language of the question; fixed texts (lead-ins, refusals) use it.
    - ``store`` scopes store roles to their own store's documents (plus those for every store).
    - Raises :class:`assistant.errors.UnknownRoleError` for a role that is not configured.
    """

    def ask(self, question: str, role: str, *, store: str | None = None) -> Answer: ...
