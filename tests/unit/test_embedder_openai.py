"""The OpenAI-compatible embedder's handling of what a server may answer, through an in-memory HTTP transport.

The protocol itself, batching and the real error paths run against llama.cpp's server in
tests/integration/test_embedder_contract.py; these are the answers that server never gives.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import numpy as np
import pytest
from pydantic import SecretStr

from assistant.core.errors import BackendError, ConfigurationError
from assistant.embeddings.openai_compat import OpenAiCompatibleEmbedder
from assistant.embeddings.settings import EmbeddingSettings
from assistant.settings import load_settings

pytestmark = pytest.mark.unit
Handler = Callable[[httpx.Request], httpx.Response]


def embedder(handler: Handler, **kw: object) -> OpenAiCompatibleEmbedder:
    fields: dict[str, object] = {"backend": "openai", "base_url": "http://emb.test/v1", "model": "e5", "retries": 2,
                                 "batch_size": 2, **kw}  # fmt: skip
    return OpenAiCompatibleEmbedder(EmbeddingSettings.model_validate(fields), transport=httpx.MockTransport(handler))


def answer(rows: list[object], shuffle: bool = False) -> httpx.Response:
    data = [{"object": "embedding", "index": i, "embedding": r} for i, r in enumerate(rows)]
    return httpx.Response(200, json={"object": "list", "data": data[::-1] if shuffle else data})


def echo_lengths(request: httpx.Request) -> httpx.Response:
    """A vector per text, [len(text), 1, 0], answered in reverse order (the index field gives the order)."""
    texts = json.loads(request.content)["input"]
    return answer([[float(len(t)), 1.0, 0.0] for t in texts], shuffle=True)


def test_prefixes_batches_order_normalisation_and_the_key() -> None:
    seen: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append({"body": json.loads(request.content), "auth": request.headers.get("authorization")})
        return echo_lengths(request)

    e = embedder(handler, api_key=SecretStr("k3y"), passage_prefix="p: ", query_prefix="q: ")
    vectors = e.embed_passages(["a", "bbb", "cc"])
    assert [s["body"]["input"] for s in seen] == [["p: a", "p: bbb"], ["p: cc"]]  # the answer gives the dimension
    assert all(s["auth"] == "Bearer k3y" and s["body"]["model"] == "e5" for s in seen)
    expected = np.array([[4, 1, 0], [6, 1, 0], [5, 1, 0]], dtype=np.float32)
    np.testing.assert_allclose(vectors, expected / np.linalg.norm(expected, axis=1, keepdims=True), rtol=1e-6)
    assert e.embed_queries(["a"]).shape == (1, 3) and seen[-1]["body"]["input"] == ["q: a"]  # type: ignore[index]


def test_overloaded_server_is_retried_then_answers() -> None:
    replies = iter([httpx.Response(503), httpx.Response(429)])

    def handler(request: httpx.Request) -> httpx.Response:
        return next(replies, None) or echo_lengths(request)

    assert embedder(handler).embed_passages(["x"]).shape == (1, 3)


@pytest.mark.parametrize(
    ("reply", "error", "message"),
    [
        (httpx.Response(401), ConfigurationError, "ASSISTANT_EMBEDDING_API_KEY"),
        (httpx.Response(404), ConfigurationError, "ends with /v1"),
        (httpx.Response(400, json={"error": {"message": "too long: Karine Vasseur"}}), BackendError, "HTTP 400"),
        (httpx.Response(503), BackendError, "HTTP 503"),
        (httpx.Response(200, text="<html>proxy</html>"), BackendError, "not answer an OpenAI embedding list"),
        (answer([[1.0, 0.0]]), BackendError, "1 embeddings for 2 texts"),
        (answer([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0]]]), BackendError, "one vector per token"),
        (answer([[1.0, 0.0], [1.0]]), BackendError, "different lengths"),
        (answer([[1.0, 0.0], [0.0, 0.0]]), BackendError, "zero vector"),
    ],
)
def test_bad_answers_are_typed_errors_that_never_quote_the_body(
    reply: httpx.Response, error: type[Exception], message: str
) -> None:
    e = embedder(lambda request: reply, retries=0)
    with pytest.raises(error, match=message) as caught:
        e._request(["Karine Vasseur", "b"])
    assert "Vasseur" not in str(caught.value)


def test_a_model_that_changes_dimension_while_in_use_is_caught() -> None:
    dims = iter([3, 4])

    def handler(request: httpx.Request) -> httpx.Response:
        return answer([[1.0] * next(dims) for _ in json.loads(request.content)["input"]])

    e = embedder(handler, batch_size=8)
    e.embed_passages(["a"])
    with pytest.raises(BackendError, match="model changed"):
        e.embed_passages(["b"])


def test_the_openai_backend_needs_a_url_and_a_model() -> None:
    with pytest.raises(ConfigurationError, match="ASSISTANT_EMBEDDING_BASE_URL"):
        load_settings(embedding={"backend": "openai"})
