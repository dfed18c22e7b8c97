"""A self-signed certificate for the replica hosts, made at start-up.

One certificate with every replica host as a SAN is enough: the proxy terminates TLS for
every CONNECT tunnel with it. Clients either skip verification or trust ``cert_pem``.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import ssl
import tempfile
from collections.abc import Iterable

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def make_certificate(hosts: Iterable[str]) -> tuple[bytes, bytes]:
    """A (certificate PEM, private key PEM) pair valid for ``hosts`` and 127.0.0.1.

    EC P-256, because generating it takes microseconds where RSA takes a second.
    """
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "newsvault replica")])
    sans: list[x509.GeneralName] = [x509.DNSName(h) for h in sorted(set(hosts))]
    sans.append(x509.IPAddress(ipaddress.ip_address("127.0.0.1")))
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def server_context(cert_pem: bytes, key_pem: bytes) -> ssl.SSLContext:
    """A server-side TLS context; ``load_cert_chain`` only reads files, so use a temp dir."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with tempfile.TemporaryDirectory() as tmp:
        cert_path = os.path.join(tmp, "cert.pem")
        key_path = os.path.join(tmp, "key.pem")
        with open(cert_path, "wb") as fh:
            fh.write(cert_pem)
        with open(key_path, "wb") as fh:
            fh.write(key_pem)
        context.load_cert_chain(cert_path, key_path)
    return context
