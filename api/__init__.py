"""The control plane: FastAPI app, auth, stores, audit, database, outbox, metrics and the CLI."""
