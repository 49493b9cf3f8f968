"""Who may use the assistant: users (role, store, password hash), API tokens, and the identity a request carries."""
