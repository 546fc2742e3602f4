"""Image configuration: official images per language, or the offline host image."""

from __future__ import annotations

import io
import tarfile

from curation.languages import LANGUAGE_NAMES
from sandbox.images import (
    HOST_IMAGE,
    HOST_MOUNTS,
    OFFICIAL_IMAGES,
    ImageConfig,
    empty_tarball,
    image_present,
)


def test_host_config_mounts_the_toolchains_read_only_for_every_language():
    config = ImageConfig.host()
    assert config.names() == [HOST_IMAGE]
    spec = config.for_language("c++")
    assert spec.mounts == HOST_MOUNTS
    volumes = spec.volumes()
    assert "/usr" in volumes and all(v["mode"] == "ro" for v in volumes.values())
    assert {config.for_language(lang).name for lang in LANGUAGE_NAMES} == {HOST_IMAGE}


def test_official_config_with_overrides_by_alias():
    config = ImageConfig.official({"C#": "mcr.microsoft.com/dotnet/sdk:8.0"})
    assert config.for_language("CSharp").name == "mcr.microsoft.com/dotnet/sdk:8.0"
    assert config.for_language("Python").name == OFFICIAL_IMAGES["Python"]
    assert config.for_language("Python").mounts == ()
    assert set(OFFICIAL_IMAGES) == set(LANGUAGE_NAMES)


def test_the_host_image_is_an_empty_filesystem(docker_client, host_image):
    with tarfile.open(fileobj=io.BytesIO(empty_tarball())) as archive:
        assert archive.getmembers() == []
    assert image_present(docker_client, host_image)
    assert not image_present(docker_client, "codepref-no-such-image:never")
