"""The Hub tests' fake Hub on 127.0.0.1 and the environment pointing the real client at it."""

from tests.hub.conftest import fake_hub, hub_env  # noqa: F401
