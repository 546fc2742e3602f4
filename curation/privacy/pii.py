"""Personal data in mined text: e-mail addresses, IP addresses, key-like strings and
the name-bearing trailers of commit messages, replaced by placeholders.

This follows the regex approach of BigCode's PII pipeline for The Stack / StarCoder
(``bigcode-dataset/pii``): e-mails become ``<EMAIL>``, key-like strings (high-entropy
quoted literals found by ``detect-secrets``' entropy measures) become ``<KEY>``, and IP
addresses become addresses that reach no one. Here each distinct public address maps,
in order of appearance, to one of the documentation ranges (RFC 5737 ``192.0.2.x``,
RFC 3849 ``2001:db8::x``), so code that parses an address still parses and a pair keeps
its "same address"/"different address" structure. Private, loopback, link-local and
unspecified addresses (``127.0.0.1``, ``10.0.0.1``, ``0.0.0.0``) are configuration
defaults, not personal data, and stay; so do dotted versions ``1.2.3.4`` of single digits.

Trailers such as ``Signed-off-by: Name <mail>`` name people; the whole line goes.
"""

from __future__ import annotations

import ipaddress
import re
import string
from collections import Counter
from dataclasses import dataclass, field

from curation.privacy.secrets import high_entropy_literals
from curation.privacy.trailers import strip_trailers

EMAIL_PLACEHOLDER = "<EMAIL>"
KEY_PLACEHOLDER = "<KEY>"

# an address is [A-Za-z0-9][A-Za-z0-9._%+-]{0,63} not preceded by [\w.+-], then this
_EMAIL_DOMAIN = re.compile(r"@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}\b")
_LOCAL_CHARS = frozenset(string.ascii_letters + string.digits + "._%+-")
# Runs of the characters of an address; each run is then checked by ``ipaddress`` (a
# full address pattern tried at every position, ``::`` of Ruby and C++ included, was the
# slowest part of the redaction).
_IP_RUN = re.compile(r"[0-9A-Fa-f:.]{7,}")
# Domains of example addresses and of no one (RFC 2606 and the usual stand-ins).
_EXAMPLE_DOMAINS = re.compile(
    r"@(?:[\w-]+\.)*(?:example\.(?:com|org|net)|example|localhost|test|invalid)$", re.I
)


def _personal_ip(text: str) -> bool:
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return False
    if address.version == 4 and all(len(part) == 1 for part in text.split(".")):
        return False  # x.y.z.w of single digits: a version number far more often than a host
    return address.is_global


@dataclass
class PiiRedactor:
    """Replaces personal data in the texts of one record, counting replacements per kind.

    One redactor per record keeps the IP mapping stable across the record's fields (the
    same address on both sides of a pair gets the same replacement).
    """

    counts: Counter[str] = field(default_factory=Counter)
    _ips: dict[str, str] = field(default_factory=dict)

    def _addresses(self, text: str) -> str:
        pieces: list[str] = []
        position = 0
        for match in _IP_RUN.finditer(text):
            start, end = match.span()
            while end > start and text[end - 1] in ".:" and text[end - 2 : end] != "::":
                end -= 1  # a sentence's full stop, a trailing colon
            before = text[start - 1] if start else " "
            after = text[end] if end < len(text) else " "
            if before.isalnum() or before in "_." or after.isalnum() or after in "_":
                continue
            if not _personal_ip(text[start:end]):
                continue
            pieces += [text[position:start], self._ip(text[start:end])]
            position = end
        return "".join(pieces) + text[position:] if pieces else text

    def _ip(self, text: str) -> str:
        if text not in self._ips:
            index = len(self._ips) + 1
            version = ipaddress.ip_address(text).version
            self._ips[text] = (
                f"192.0.2.{index % 254 or 254}" if version == 4 else f"2001:db8::{index:x}"
            )
        self.counts["ip_address"] += 1
        return self._ips[text]

    def _keys(self, text: str) -> str:
        if '"' not in text and "'" not in text:
            return text
        values = {value for _, _, value in high_entropy_literals(text)}
        for value in sorted(values, key=len, reverse=True):
            self.counts["key"] += text.count(value)
            text = text.replace(value, KEY_PLACEHOLDER)
        return text

    def _emails(self, text: str) -> str:
        """E-mail addresses, found from their ``@domain`` (a pattern that starts with a
        literal, which the regex engine looks for fast) and extended left over the local
        part: an address pattern tried at every position was most of the redaction time."""
        pieces: list[str] = []
        position = 0
        for match in _EMAIL_DOMAIN.finditer(text):
            at = match.start()
            start = at
            while start > max(position, at - 64) and text[start - 1] in _LOCAL_CHARS:
                start -= 1
            while start < at and not text[start].isalnum():
                start += 1  # the local part starts with a letter or digit
            if start == at or (
                start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_.+-")
            ):
                continue
            if _EXAMPLE_DOMAINS.search(match.group(0)):
                continue
            self.counts["email"] += 1
            pieces += [text[position:start], EMAIL_PLACEHOLDER]
            position = match.end()
        return "".join(pieces) + text[position:] if pieces else text

    def redact(self, text: str | None, *, message: bool = False) -> str | None:
        """``text`` with personal data replaced; ``message`` also removes trailers."""
        if not text:
            return text
        if message:
            text, trailers = strip_trailers(text)
            self.counts["trailer"] += trailers
        if "@" in text:
            text = self._emails(text)
        if "." in text or ":" in text:
            text = self._addresses(text)
        return self._keys(text)
