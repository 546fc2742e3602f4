"""Which container image runs each language: official images, or an offline host image.

On a machine with a registry the official language images are the default (each can be
overridden). Machines without one — CI runners, air-gapped clusters, this one — get the
*host image* instead: ``docker import`` of an empty tarball, i.e. an image with no files
at all, whose containers bind-mount the host's toolchains read-only (``/usr``, ``/lib``,
``/lib64``, ``/bin``, ``/etc``). Nothing is pulled and nothing of the host is writable.

An image needs nothing of codepref's: the supervisor is a static binary bind-mounted
read-only into every container (see :mod:`sandbox.supervisor_binary`), so any image with
the language's toolchain works, whether or not it has a shell, python3 or glibc.
"""

from __future__ import annotations

import io
import tarfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from curation.languages import LANGUAGE_NAMES, normalize_language

HOST_IMAGE = "codepref-host:latest"
HOST_MOUNTS = ("/usr", "/lib", "/lib64", "/lib32", "/libx32", "/bin", "/sbin", "/etc")

OFFICIAL_IMAGES: dict[str, str] = {
    "C": "gcc:13-bookworm",
    "Cpp": "gcc:13-bookworm",
    "CSharp": "mono:6.12",
    "Go": "golang:1.22-bookworm",
    "Java": "eclipse-temurin:17-jdk",
    "JavaScript": "node:20-bookworm",
    "Python": "python:3.12-slim-bookworm",
    "Ruby": "ruby:3.3-bookworm",
}


@dataclass(frozen=True)
class ImageSpec:
    """One image and the host paths bind-mounted read-only into its containers."""

    name: str
    mounts: tuple[str, ...] = ()

    def volumes(self) -> dict[str, dict[str, str]]:
        return {path: {"bind": path, "mode": "ro"} for path in self.mounts if Path(path).exists()}


@dataclass(frozen=True)
class ImageConfig:
    """Language -> image. Build it with :meth:`official` or :meth:`host`."""

    images: Mapping[str, ImageSpec] = field(default_factory=dict)

    @classmethod
    def official(cls, overrides: Mapping[str, str] | None = None) -> ImageConfig:
        names = dict(OFFICIAL_IMAGES)
        for language, image in (overrides or {}).items():
            names[normalize_language(language)] = image
        return cls({language: ImageSpec(image) for language, image in names.items()})

    @classmethod
    def host(cls, name: str = HOST_IMAGE) -> ImageConfig:
        spec = ImageSpec(name, HOST_MOUNTS)
        return cls(dict.fromkeys(LANGUAGE_NAMES, spec))

    def for_language(self, language: str) -> ImageSpec:
        return self.images[normalize_language(language)]

    def by_name(self, name: str) -> ImageSpec:
        for spec in self.images.values():
            if spec.name == name:
                return spec
        raise KeyError(name)

    def names(self) -> list[str]:
        return sorted({spec.name for spec in self.images.values()})


def empty_tarball() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w"):
        pass
    return buffer.getvalue()


def build_host_image(client: object, name: str = HOST_IMAGE) -> str:
    """Create the offline host image (an empty filesystem) and return its name."""
    repository, _, tag = name.partition(":")
    client.api.import_image_from_data(  # type: ignore[attr-defined]
        empty_tarball(), repository=repository, tag=tag or "latest"
    )
    return name


def image_present(client: object, name: str) -> bool:
    import docker.errors

    try:
        client.images.get(name)  # type: ignore[attr-defined]
    except docker.errors.ImageNotFound:
        return False
    return True


def resolve_images(client: object, choice: str | ImageConfig = "auto") -> ImageConfig:
    """``official``, ``host`` (built if missing), or ``auto``: the official images when all
    of them are present locally, else the host image."""
    if isinstance(choice, ImageConfig):
        return choice
    if choice not in ("auto", "official", "host"):
        raise ValueError(f"unknown image choice {choice!r}; expected auto, official or host")
    official = ImageConfig.official()
    if choice == "official" or (
        choice == "auto" and all(image_present(client, n) for n in official.names())
    ):
        return official
    if not image_present(client, HOST_IMAGE):
        build_host_image(client)
    return ImageConfig.host()
