"""A Kubernetes API served over HTTP on 127.0.0.1 and a Flux that applies a fleet repo on it."""
