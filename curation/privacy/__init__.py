"""Publishable output: secrets (``secrets.py``, Yelp's ``detect-secrets`` plugins),
personal data (``pii.py``, ``trailers.py``) and the last gate before a dataset folder is
assembled or pushed (``gate.py``).

Nothing is re-exported here: ``trailers.py`` is imported by every commit reader and must
not pull in ``detect-secrets`` with it.
"""
