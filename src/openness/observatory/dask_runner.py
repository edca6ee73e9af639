# mypy: allow-untyped-calls
"""Connect to a Dask distributed scheduler, or start a LocalCluster for `--dask local`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import OpennessError


def connect(scheduler: str, workers: int) -> tuple[Any, Callable[[], None]]:
    """A Dask client and a function that closes it (and the local cluster it started)."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise OpennessError(
            "--dask needs dask[distributed]: pip install 'openness[observatory]'"
        ) from None
    if scheduler == "local":
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        )
        client = Client(cluster)

        def close_local() -> None:
            client.close()
            cluster.close()

        return client, close_local
    try:
        client = Client(scheduler, timeout="30s")
    except OSError as exc:
        raise OpennessError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from None
    return client, client.close
