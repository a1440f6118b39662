# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A throwaway CA for the lab: one server certificate per engine (IP SANs) and one client certificate.

The client certificate is valid for client and server auth, as classic Swarm's manager needed.
Keys are EC P-256 so that making them takes milliseconds.
"""
from __future__ import annotations

import datetime
import ipaddress
import os
from pathlib import Path

from . import LabError


def _crypto():
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    except ImportError as exc:  # pragma: no cover - installed by the Makefile
        raise LabError("the `cryptography` package is missing: run `make venv`") from exc
    return x509, hashes, serialization, ec, ExtendedKeyUsageOID, NameOID


def _write(path: Path, data: bytes, private: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _key_pem(serialization, key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def ensure_ca(tls_dir: Path):
    """Create the CA once; later runs reuse it so certificates stay valid across `up`s."""
    x509, hashes, serialization, ec, unused_eku, NameOID = _crypto()
    ca_cert_path, ca_key_path = tls_dir / "ca.pem", tls_dir / "ca-key.pem"
    if ca_cert_path.exists() and ca_key_path.exists():
        key = serialization.load_pem_private_key(ca_key_path.read_bytes(), password=None)
        return x509.load_pem_x509_certificate(ca_cert_path.read_bytes()), key
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "dockyard lab CA")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                         content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    _write(ca_key_path, _key_pem(serialization, key), private=True)
    _write(ca_cert_path, cert.public_bytes(serialization.Encoding.PEM))
    return cert, key


def issue(tls_dir: Path, subdir: str, common_name: str, ips: list[str], dns: list[str],
          client: bool, server: bool) -> dict[str, str]:
    """Issue (once) a key pair under tls_dir/subdir with the given SANs; return the file paths."""
    x509, hashes, serialization, ec, EKU, NameOID = _crypto()
    out = tls_dir / subdir
    cert_path, key_path = out / "cert.pem", out / "key.pem"
    result = {"ca_path": str(tls_dir / "ca.pem"), "client_cert": str(cert_path), "client_key": str(key_path)}
    if cert_path.exists() and key_path.exists():
        return result
    ca_cert, ca_key = ensure_ca(tls_dir)
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    usages = ([EKU.SERVER_AUTH] if server else []) + ([EKU.CLIENT_AUTH] if client else [])
    sans = [x509.IPAddress(ipaddress.ip_address(ip)) for ip in ips] + [x509.DNSName(d) for d in dns]
    builder = (x509.CertificateBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
               .issuer_name(ca_cert.subject).public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5))
               .not_valid_after(now + datetime.timedelta(days=365))
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.ExtendedKeyUsage(usages), critical=False))
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    cert = builder.sign(ca_key, hashes.SHA256())
    _write(key_path, _key_pem(serialization, key), private=True)
    _write(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    # DOCKER_CERT_PATH layout: ca.pem next to cert.pem/key.pem.
    _write(out / "ca.pem", (tls_dir / "ca.pem").read_bytes())
    return result


def other_ca(tls_dir: Path) -> str:
    """A second, unrelated CA (for tests that prove a wrong CA is refused)."""
    wrong = tls_dir / "wrong-ca"
    ensure_ca(wrong)
    return str(wrong / "ca.pem")
