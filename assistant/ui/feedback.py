"""The chat's data layer: Chainlit shows its thumbs only when one is registered. This one keeps no chat text at all
(no history: steps, elements and threads are not stored, so nothing raw is persisted outside the privacy boundary);
a thumb, with its optional comment, becomes the audit feedback record of the answer it rates (with the rater's role).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from chainlit.data.base import BaseDataLayer
from chainlit.types import Feedback, PageInfo, PaginatedResponse, Pagination, ThreadDict, ThreadFilter
from chainlit.user import PersistedUser, User

from assistant.identity.model import AuthenticationError
from assistant.recording import Asker
from assistant.server.state import current

KEEP = 10_000  # rated messages remembered per process (the oldest are forgotten first)


@dataclass(frozen=True)
class Rated:
    seq: int  # the answer's audit record
    asker: Asker  # who got it: only they rate it


class AuditFeedbackLayer(BaseDataLayer):
    def __init__(self) -> None:
        self._answers: OrderedDict[str, Rated] = OrderedDict()

    def remember(self, message_id: str, seq: int, asker: Asker) -> None:
        """The chat message ``message_id`` shows the answer recorded as ``seq`` to ``asker``."""
        self._answers[message_id] = Rated(seq, asker)
        while len(self._answers) > KEEP:
            self._answers.popitem(last=False)

    async def upsert_feedback(self, feedback: Feedback) -> str:
        rated = self._answers.get(feedback.forId)
        if rated is None:
            raise ValueError("this message is not an answer of this server (or too old to be rated)")
        rating = 1 if feedback.value == 1 else -1
        service = current().container.service
        seq = await asyncio.to_thread(service.feedback, rated.seq, rating, rated.asker, feedback.comment or None)
        return str(seq)

    async def delete_feedback(self, feedback_id: str) -> bool:
        return False  # the audit trail is append-only: a new thumb is a new record, nothing is removed

    async def get_user(self, identifier: str) -> PersistedUser | None:
        """The user as the user store says now (Chainlit replaces the signed-in user by this one): None once
        disabled or gone."""
        users = current().container.users
        try:
            who = await asyncio.to_thread(users.identity, identifier, "chat")
        except AuthenticationError:
            return None
        metadata = {"role": who.role, "store": who.store}
        return PersistedUser(identifier=who.name, id=who.name, createdAt=_now(), metadata=metadata)

    async def create_user(self, user: User) -> PersistedUser | None:
        return await self.get_user(user.identifier)

    async def create_element(self, element: Any) -> None:
        return None

    async def get_element(self, thread_id: str, element_id: str) -> Any:
        return None

    async def delete_element(self, element_id: str, thread_id: str | None = None) -> None:
        return None

    async def create_step(self, step_dict: Any) -> None:
        return None

    async def update_step(self, step_dict: Any) -> None:
        return None

    async def delete_step(self, step_id: str) -> None:
        return None

    async def get_thread_author(self, thread_id: str) -> str:
        return ""  # no thread is kept, so none can be opened again (Chainlit then refuses access)

    async def delete_thread(self, thread_id: str) -> None:
        return None

    async def list_threads(self, pagination: Pagination, filters: ThreadFilter) -> PaginatedResponse[ThreadDict]:
        return PaginatedResponse(pageInfo=PageInfo(hasNextPage=False, startCursor=None, endCursor=None), data=[])

    async def get_thread(self, thread_id: str) -> ThreadDict | None:
        return None

    async def update_thread(
        self,
        thread_id: str,
        name: str | None = None,
        user_id: str | None = None,
        metadata: dict[str, Any] | None = None,
        tags: list[str] | None = None,
    ) -> None:
        return None

    async def build_debug_url(self) -> str:
        return ""

    async def close(self) -> None:
        return None

    async def get_favorite_steps(self, user_id: str) -> list[Any]:
        return []


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


RATINGS = AuditFeedbackLayer()  # one per process, here: Chainlit may load the chat's entry file more than once
