import os

UPLOAD_ROOT = "/srv/uploads"


def upload_path(name: str) -> str:
    """The file for an upload name, refusing names that leave UPLOAD_ROOT."""
    root = os.path.realpath(UPLOAD_ROOT)
    path = os.path.realpath(os.path.join(root, name))
    if os.path.commonpath([root, path]) != root:
        raise ValueError(f"upload name escapes the upload folder: {name!r}")
    return path


def read_upload(name: str) -> bytes:
    with open(upload_path(name), "rb") as handle:
        return handle.read()


def save_upload(name: str, data: bytes) -> None:
    with open(upload_path(name), "wb") as handle:
        handle.write(data)
