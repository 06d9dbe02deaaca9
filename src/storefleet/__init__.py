"""storefleet: e-commerce stores provisioned through a GitOps fleet repo.

The one place the version lives: the wheel's metadata, the CLI, the API and the release's charts and
images are stamped from it.
"""

__version__ = "0.1.0"
