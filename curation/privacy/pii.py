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
from collections import Counter
from dataclasses import dataclass, field

from curation.privacy.secrets import high_entropy_literals
from curation.privacy.trailers import strip_trailers

EMAIL_PLACEHOLDER = "<EMAIL>"
KEY_PLACEHOLDER = "<KEY>"

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}\b"
)
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.]*\d)")
_IPV6 = re.compile(
    r"(?<![\w:.])(?:[0-9A-Fa-f]{1,4}:){2,7}(?::|(?::?[0-9A-Fa-f]{1,4}){1,6})(?![\w:])"
)
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

    def _ip(self, match: re.Match[str]) -> str:
        text = match.group(0)
        if not _personal_ip(text):
            return text
        if text not in self._ips:
            index = len(self._ips) + 1
            version = ipaddress.ip_address(text).version
            self._ips[text] = (
                f"192.0.2.{index % 254 or 254}" if version == 4 else f"2001:db8::{index:x}"
            )
        self.counts["ip_address"] += 1
        return self._ips[text]

    def _email(self, match: re.Match[str]) -> str:
        if _EXAMPLE_DOMAINS.search(match.group(0)):
            return match.group(0)
        self.counts["email"] += 1
        return EMAIL_PLACEHOLDER

    def _keys(self, text: str) -> str:
        if '"' not in text and "'" not in text:
            return text
        lines = text.split("\n")
        for index, line in enumerate(lines):
            for value in high_entropy_literals(line):
                self.counts["key"] += line.count(value)
                line = line.replace(value, KEY_PLACEHOLDER)
            lines[index] = line
        return "\n".join(lines)

    def redact(self, text: str | None, *, message: bool = False) -> str | None:
        """``text`` with personal data replaced; ``message`` also removes trailers."""
        if not text:
            return text
        if message:
            text, trailers = strip_trailers(text)
            self.counts["trailer"] += trailers
        if "@" in text:
            text = _EMAIL.sub(self._email, text)
        if "." in text:
            text = _IPV4.sub(self._ip, text)
        if "::" in text or text.count(":") >= 7:
            text = _IPV6.sub(self._ip, text)
        return self._keys(text)
