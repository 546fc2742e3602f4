import os

UPLOAD_ROOT = "/srv/uploads"


def read_upload(name):
    path = os.path.join(UPLOAD_ROOT, name)
    with open(path, "rb") as handle:
        return handle.read()


def save_upload(name, data):
    path = os.path.join(UPLOAD_ROOT, name)
    with open(path, "wb") as handle:
        handle.write(data)
