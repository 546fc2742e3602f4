"""``curation/privacy/pii.py`` and ``trailers.py``: personal data replaced and counted."""

from __future__ import annotations

from curation.privacy.pii import EMAIL_PLACEHOLDER, KEY_PLACEHOLDER, PiiRedactor
from curation.privacy.trailers import strip_trailers


def test_emails_are_replaced_but_example_domains_stay() -> None:
    redactor = PiiRedactor()
    text = redactor.redact("# contact: ana.lima+git@uni-porto.pt or ops@example.com\nx = 1")
    assert text == f"# contact: {EMAIL_PLACEHOLDER} or ops@example.com\nx = 1"
    assert redactor.counts == {"email": 1}


def test_public_addresses_map_to_documentation_ranges_stably() -> None:
    redactor = PiiRedactor()
    old = redactor.redact('HOST = "93.184.216.34"  # bind 0.0.0.0, dev 127.0.0.1, lan 10.0.0.7')
    new = redactor.redact('HOST = "93.184.216.34"\nBACKUP = "151.101.1.69"\nV = "1.2.3.4"')
    assert old == 'HOST = "192.0.2.1"  # bind 0.0.0.0, dev 127.0.0.1, lan 10.0.0.7'
    assert new == 'HOST = "192.0.2.1"\nBACKUP = "192.0.2.2"\nV = "1.2.3.4"'
    assert redactor.counts == {"ip_address": 3}


def test_ipv6_and_key_like_literals() -> None:
    redactor = PiiRedactor()
    text = redactor.redact('dns = "2001:4860:4860::8888"\nsend("q8ZrT2mVx9LpW4sKd7NfB3hJ6yUcE1aG")')
    assert text == f'dns = "2001:db8::1"\nsend("{KEY_PLACEHOLDER}")'
    assert redactor.counts == {"ip_address": 1, "key": 1}


def test_versions_words_and_code_are_untouched() -> None:
    code = 'import os\n\nVERSION = "2.10.3"\nfor i in range(10):\n    print(f"{i}: ok")\n'
    redactor = PiiRedactor()
    assert redactor.redact(code) == code
    assert not redactor.counts


def test_trailers_that_name_people_are_removed_from_messages() -> None:
    message = (
        "Fix overflow in the parser\n\nLong body line.\n\n"
        "Signed-off-by: Jane Roe <jane@corp.io>\nCo-authored-by: Bob <bob@corp.io>\n"
    )
    assert strip_trailers(message) == ("Fix overflow in the parser\n\nLong body line.", 2)
    redactor = PiiRedactor()
    assert redactor.redact(message, message=True) == "Fix overflow in the parser\n\nLong body line."
    assert redactor.counts["trailer"] == 2


def test_address_boundaries() -> None:
    redactor = PiiRedactor()
    text = redactor.redact("ping 93.184.216.34. then v93.184.216.35 and café@corp.io, x_y@corp.io")
    assert text == "ping 192.0.2.1. then v93.184.216.35 and café@corp.io, <EMAIL>"
    assert redactor.counts == {"ip_address": 1, "email": 1}
