from tests.github.fixtures import github, github_client  # noqa: F401
