"""Settings of the HTTP server (``ASSISTANT_SERVER_*``): who may do what, abuse limits, single sign-on behind a proxy.

One group of :class:`assistant.settings.Settings`; the address it binds is ``ui.host`` / ``ui.port`` (the chat and the
API are one server).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field


class ServerSettings(BaseModel):
    ingest_roles: list[str] = Field(
        default_factory=lambda: ["hq"],
        description="Roles that may ingest documents through the API (POST /v1/ingest).",
    )
    ingest_roots: list[Path] = Field(
        default_factory=list,
        description="Server folders the API may ingest from (a folder path in POST /v1/ingest must lie below one of "
        "them, else 403). Empty: only uploaded files. The local operator (the CLI beside the server) is not limited.",
    )
    draft_roles: list[str] = Field(
        default_factory=lambda: ["marketing", "hq"], description="Roles that may draft marketing copy (/v1/drafts)."
    )
    asks_per_minute: int = Field(
        30, ge=1, description="Questions a user may ask per minute (API and chat); more get HTTP 429 with Retry-After."
    )
    drafts_per_minute: int = Field(10, ge=1, description="Marketing drafts a user may request per minute.")
    max_body_bytes: int = Field(
        64 * 1024, ge=1024, description="Largest JSON request body accepted (bytes); larger ones get HTTP 413."
    )
    max_upload_files: int = Field(50, ge=1, description="Files one upload to POST /v1/ingest may carry.")
    token_days: int = Field(90, ge=0, description="Default lifetime of an API token in days (0: never expires).")
    min_password_chars: int = Field(12, ge=8, description="Shortest password accepted for a user.")
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Addresses or networks (CIDR) of the reverse proxies (oauth2-proxy...) whose identity header is "
        "trusted. Empty: header sign-on is off.",
    )
    proxy_user_header: str = Field(
        "X-Forwarded-User",
        description="Header in which a trusted proxy passes the signed-in user's login (the user must exist here).",
    )
    secure_cookies: bool = Field(
        False, description="Mark the chat's session cookie Secure (set it when users reach the server over HTTPS)."
    )
