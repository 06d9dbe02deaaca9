"""Desired state: StoreSpec -> manifest files (pure) and the fleet-repo writer (git I/O)."""
