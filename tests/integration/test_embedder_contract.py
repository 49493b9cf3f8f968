"""Both embedder adapters pass the Embedder contract: the local sentence-transformers model, and the OpenAI-compatible
``/v1/embeddings`` adapter against a real server speaking that protocol (llama.cpp's server in embedding mode with
the SmolLM2 GGUF that deploy/llm.sh installs: a chat model, so this covers the protocol, batching and errors, not
retrieval quality).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from pydantic import SecretStr

from assistant.core.embedding import Embedder
from assistant.core.errors import BackendError, ConfigurationError
from assistant.embeddings.openai_compat import OpenAiCompatibleEmbedder
from assistant.embeddings.sentence_transformers import SentenceTransformerEmbedder
from assistant.embeddings.settings import EmbeddingSettings
from tests.contracts.embedder import TEXTS, EmbedderContract, cosines
from tests.integration.conftest import free_port

pytestmark = pytest.mark.integration
KEY = "test-embedding-key-0123456789"


@pytest.fixture(scope="module")
def embedding_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The project's llama.cpp server in embedding mode (assistant llm serve --embedding), with an API key."""
    from assistant.llm.server import SMOLLM_FILE, LocalLlmServer, LocalLlmSetupError
    from assistant.llm.settings import LocalLlmSettings

    defaults = LocalLlmSettings()
    settings = LocalLlmSettings(model_path=defaults.model_path.with_name(SMOLLM_FILE), port=free_port(), n_ctx=512)
    log = tmp_path_factory.mktemp("embedding-server") / "server.log"
    keyed = LocalLlmServer(settings, model_alias="smollm2-embed", log=log, embedding=True, api_key=KEY)
    try:
        keyed.check_setup()
    except LocalLlmSetupError as exc:
        pytest.skip(f"no local LLM server set-up ({exc})")
    with keyed:
        yield keyed.base_url


def remote(base_url: str, **kw: object) -> OpenAiCompatibleEmbedder:
    fields: dict[str, object] = {"backend": "openai", "base_url": base_url, "model": "smollm2-embed",
                                 "api_key": SecretStr(KEY), "batch_size": 4, "retries": 0, **kw}  # fmt: skip
    return OpenAiCompatibleEmbedder(EmbeddingSettings.model_validate(fields))


class TestOpenAiCompatibleEmbedderOnLlamaCpp(EmbedderContract):
    @pytest.fixture
    def embedder(self, embedding_server: str) -> Embedder:
        return remote(embedding_server)


@pytest.fixture(scope="module")
def local(model_path: Path) -> Embedder:
    return SentenceTransformerEmbedder(EmbeddingSettings(model_path=model_path, batch_size=4))


class TestSentenceTransformerEmbedder(EmbedderContract):
    @pytest.fixture
    def embedder(self, local: Embedder) -> Embedder:
        return local


def test_batches_go_batch_size_texts_per_request(embedding_server: str) -> None:
    embedder = remote(embedding_server, batch_size=3)
    _ = embedder.dimension  # one probe request
    sent = embedder.requests
    vectors = embedder.embed_passages([f"{TEXTS[i % 5]} #{i}" for i in range(7)])
    assert vectors.shape[0] == 7
    assert embedder.requests - sent == 3  # 3 + 3 + 1
    whole = remote(embedding_server, batch_size=64).embed_passages([f"{TEXTS[i % 5]} #{i}" for i in range(7)])
    assert (cosines(vectors, whole) > 0.999).all()


def test_prefixes_are_what_the_server_embeds(embedding_server: str) -> None:
    prefixed = remote(embedding_server, query_prefix="query: ", passage_prefix="passage: ")
    plain = remote(embedding_server, query_prefix="", passage_prefix="")
    query = prefixed.embed_queries([TEXTS[0]])
    assert (cosines(query, plain.embed_passages(["query: " + TEXTS[0]])) > 0.9999).all()
    assert not np.allclose(query, plain.embed_passages([TEXTS[0]]))


def test_a_wrong_key_is_a_configuration_error_naming_the_setting(embedding_server: str) -> None:
    with pytest.raises(ConfigurationError, match="ASSISTANT_EMBEDDING_API_KEY") as caught:
        remote(embedding_server, api_key=SecretStr("wrong")).embed_passages(["x"])
    assert "wrong" not in str(caught.value) and caught.value.exit_code == 2


def test_a_base_url_without_v1_is_a_configuration_error(embedding_server: str) -> None:
    with pytest.raises(ConfigurationError, match="ends with /v1"):
        remote(embedding_server.removesuffix("/v1")).embed_passages(["x"])


def test_a_server_that_does_not_answer_is_a_backend_error() -> None:
    embedder = remote(f"http://127.0.0.1:{free_port()}/v1", retries=1)
    with pytest.raises(BackendError, match="does not answer") as caught:
        embedder.embed_queries(["Combien de jours pour un retour ?"])
    assert caught.value.exit_code == 4 and "retour" not in str(caught.value)
