"""storefleet's simulated cluster, for `storefleet up --demo-cluster` and the tests.

`kube/` is a Kubernetes API (kmock's emulator, made to behave like a server) and the Flux double
that applies the fleet repo on it; `simulated.py` runs both beside the platform, with failures a
user can trigger. Never part of the platform's wheel or image.
"""
