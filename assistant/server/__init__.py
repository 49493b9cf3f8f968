"""The one server: the HTTP API under ``/v1`` and the Chainlit chat at ``/``, in one process around one container."""
