import base64
import hashlib
import hmac
import json
import secrets


def new_session_id():
    return secrets.token_urlsafe(32)


def _sign(payload, key):
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def dump_session(data, key):
    payload = base64.urlsafe_b64encode(json.dumps(data).encode())
    return payload.decode() + "." + _sign(payload, key)


def load_session(cookie, key):
    payload, _, signature = cookie.rpartition(".")
    if not hmac.compare_digest(_sign(payload.encode(), key), signature):
        raise ValueError("session cookie signature mismatch")
    return json.loads(base64.urlsafe_b64decode(payload))
