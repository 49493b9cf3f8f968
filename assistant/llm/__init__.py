"""LLM access: the chat-model port, its OpenAI-compatible adapter (vLLM, llama.cpp server) and their settings."""
