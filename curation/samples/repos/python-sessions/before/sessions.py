import pickle
import base64
import random


def new_session_id():
    return str(random.randint(0, 10**9))


def load_session(cookie):
    return pickle.loads(base64.b64decode(cookie))


def dump_session(data):
    return base64.b64encode(pickle.dumps(data)).decode()
