"""The embedder port."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    """Turns text into L2-normalised dense vectors.

    Contract:
    - ``dimension`` is fixed for the life of the object and equals ``vectors.shape[1]``.
    - ``embed_passages`` returns one row per input, in input order; an empty input gives shape ``(0, dimension)``.
    - ``embed_query`` applies the query convention of the model (e.g. the e5 ``query:`` prefix);
      ``embed_passages`` the passage one. Rows are unit vectors, so a dot product is a cosine.
    - ``model_name`` names the model (it is recorded with every indexed document: another name re-embeds them).
    - Raises :class:`assistant.core.errors.SetupError` when a local model cannot be loaded (with the fix); an adapter
      over a model server raises :class:`assistant.core.errors.BackendError` when the server does not answer or
      fails, and :class:`assistant.core.errors.ConfigurationError` when it refuses the key or the URL is wrong.
    """

    @property
    def dimension(self) -> int: ...

    @property
    def model_name(self) -> str: ...

    def embed_passages(self, texts: Sequence[str]) -> Vectors: ...

    def embed_queries(self, texts: Sequence[str]) -> Vectors: ...
