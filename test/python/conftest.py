"""Fixtures for the tests of mlmd-server with Python clients.

The server's address comes from MLMD_SERVER (host:port); scripts/test-python.sh
builds and starts the server and sets it. The generated modules
ml_metadata.proto.* come from gen/python (on PYTHONPATH).
"""

import os
import uuid

import grpc
import pytest

from ml_metadata.proto import metadata_store_service_pb2_grpc


@pytest.fixture(scope="session")
def channel():
    target = os.environ.get("MLMD_SERVER")
    if not target:
        pytest.fail("MLMD_SERVER is not set; run scripts/test-python.sh")
    ch = grpc.insecure_channel(target)
    grpc.channel_ready_future(ch).result(timeout=30)
    yield ch
    ch.close()


@pytest.fixture()
def stub(channel):
    return metadata_store_service_pb2_grpc.MetadataStoreServiceStub(channel)


@pytest.fixture()
def unique():
    """A suffix that keeps names of different tests apart in one store."""
    return uuid.uuid4().hex[:8]
