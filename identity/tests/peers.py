"""The real identity providers the SSO tests talk to.

* `OIDCProvider`: django-oauth-toolkit's OpenID Connect provider, a project of its own
  (identity/tests/oidc_provider/) run by `manage.py runserver` in a separate process on
  127.0.0.1, on a port of 8700-8749. It cannot start: the test fails (never skips).
* `SamlIdP`: pysaml2 as a SAML identity provider inside the test process; it parses our
  AuthnRequest and signs real responses with the `xmlsec1` binary.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings

PORTS = range(8700, 8750)  # this helper's range on the shared machine


def free_port() -> int:
    """A free port of PORTS, each xdist worker starting from its own tenth of the range."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    start = (int(worker) * 10 if worker.isdigit() else 0) % len(PORTS)
    for offset in range(len(PORTS)):
        port = PORTS[(start + offset) % len(PORTS)]
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"No free port in {PORTS.start}-{PORTS.stop - 1} for the OIDC provider")


def rsa_key_pem() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def self_signed_certificate(common_name: str) -> tuple[bytes, bytes]:
    """(private key PEM, certificate PEM) valid for a day."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM)


class OIDCProvider:
    CLIENT_ID = "ambassador"
    SECRET = "ambassador-client-secret-for-the-tests"  # noqa: S105 - test peer

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.port = free_port()
        self.directory = workdir / "directory.json"
        self.log = workdir / "provider.log"
        self.process: subprocess.Popen | None = None
        key_file = workdir / "rsa.pem"
        key_file.write_bytes(rsa_key_pem())
        self.environment = {
            "PATH": os.environ["PATH"],
            "HOME": str(workdir),
            "PYTHONPATH": str(settings.BASE_DIR),
            "DJANGO_SETTINGS_MODULE": "identity.tests.oidc_provider.settings",
            "IDP_DATABASE": str(workdir / "provider.sqlite3"),
            "IDP_RSA_KEY_FILE": str(key_file),
            "IDP_DIRECTORY": str(self.directory),
        }
        self.set_people({})

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}/o"

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def set_people(self, people: dict) -> None:
        """The provider's directory: {username: {"password": ..., "claims": {...}}}."""
        self.directory.write_text(json.dumps(people))

    def allow_redirect(self, *uris: str) -> None:
        subprocess.run(  # noqa: S603 - our interpreter, our module
            [
                sys.executable,
                "-m",
                "identity.tests.oidc_provider.register_client",
                self.CLIENT_ID,
                self.SECRET,
                *uris,
            ],
            env=self.environment,
            cwd=settings.BASE_DIR,
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self) -> OIDCProvider:
        self.allow_redirect()
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our interpreter, our test project
                [
                    sys.executable,
                    "-m",
                    "django",
                    "runserver",
                    f"127.0.0.1:{self.port}",
                    "--noreload",
                    "--skip-checks",
                ],
                env=self.environment,
                cwd=settings.BASE_DIR,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        discovery = f"{self.issuer}/.well-known/openid-configuration"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if requests.get(discovery, timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(
            f"The OIDC provider did not start on port {self.port}:\n{self.log.read_text()}"
        )

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def sign_in_at_provider(self, session: requests.Session, username: str, password: str):
        """Sign `session` in at the provider's own login page (what a browser would)."""
        login = self.url("/login/")
        page = session.get(login, timeout=10)
        page.raise_for_status()
        response = session.post(
            login,
            data={
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": session.cookies["idp_csrftoken"],
                "next": "/o/.well-known/openid-configuration",
            },
            headers={"Referer": login},
            allow_redirects=False,
            timeout=10,
        )
        assert response.status_code == 302, response.text


def xmlsec1_binary() -> str | None:
    """The xmlsec1 program pysaml2 signs with (XMLSEC1_PATH overrides the PATH)."""
    path = os.environ.get("XMLSEC1_PATH") or shutil.which("xmlsec1")
    return path if path and os.access(path, os.X_OK) else None


class SamlIdP:
    """pysaml2 as the identity provider: answers our AuthnRequests with signed responses."""

    ENTITY_ID = "https://idp.example.test/saml/metadata"
    SSO_URL = "https://idp.example.test/saml/sso"

    def __init__(self, workdir: Path, *, xmlsec1: str, name: str = "idp"):
        self.workdir = workdir
        self.xmlsec1 = xmlsec1
        self.name = name
        _, cert_pem = self.key_and_cert(workdir, name)
        # The certificate as the SP's configuration takes it (docs/sso.md: "x509cert").
        self.certificate = cert_pem.decode()
        self.server = None

    def load(self, sp_metadata: list[str]) -> SamlIdP:
        """Trust these service providers (their metadata XML, as they publish it)."""
        from saml2 import BINDING_HTTP_REDIRECT
        from saml2.config import IdPConfig
        from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_EMAILADDRESS
        from saml2.server import Server

        config = IdPConfig()
        config.load(
            {
                "entityid": self.ENTITY_ID,
                "xmlsec_binary": self.xmlsec1,
                "key_file": str(self.workdir / f"{self.name}.key"),
                "cert_file": str(self.workdir / f"{self.name}.crt"),
                "metadata": {"inline": sp_metadata},
                "service": {
                    "idp": {
                        "endpoints": {
                            "single_sign_on_service": [(self.SSO_URL, BINDING_HTTP_REDIRECT)]
                        },
                        "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
                        "policy": {
                            "default": {
                                "lifetime": {"minutes": 5},
                                "attribute_restrictions": None,
                                "name_form": NAME_FORMAT_URI,
                            }
                        },
                    }
                },
            }
        )
        self.server = Server(config=config)
        return self

    @staticmethod
    def key_and_cert(workdir: Path, name: str) -> tuple[bytes, bytes]:
        key_pem, cert_pem = self_signed_certificate(name)
        (workdir / f"{name}.key").write_bytes(key_pem)
        (workdir / f"{name}.crt").write_bytes(cert_pem)
        return key_pem, cert_pem

    def parse_request(self, redirect_url: str) -> tuple[object, str]:
        """The AuthnRequest (and RelayState) of our redirect to the IdP's SSO URL."""
        from saml2 import BINDING_HTTP_REDIRECT

        query = parse_qs(urlsplit(redirect_url).query)
        request = self.server.parse_authn_request(query["SAMLRequest"][0], BINDING_HTTP_REDIRECT)
        return request.message, query.get("RelayState", [""])[0]

    def response(
        self,
        authn_request,
        *,
        email: str,
        attributes: dict | None = None,
        audience: str | None = None,
        authn_context: str = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport",
        unsolicited: bool = False,
    ) -> str:
        """A signed SAMLResponse (base64, as posted to the ACS) for `authn_request`."""
        from saml2.saml import NAMEID_FORMAT_EMAILADDRESS, NameID
        from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

        response = self.server.create_authn_response(
            identity={"email": [email], **(attributes or {})},
            in_response_to=None if unsolicited else authn_request.id,
            destination=authn_request.assertion_consumer_service_url,
            sp_entity_id=audience or authn_request.issuer.text,
            name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=email),
            authn={"class_ref": authn_context, "authn_auth": self.ENTITY_ID},
            sign_assertion=True,
            sign_response=True,
            sign_alg=SIG_RSA_SHA256,  # python3-saml rejects SHA-1, pysaml2's default
            digest_alg=DIGEST_SHA256,
        )
        return base64.b64encode(str(response).encode()).decode()
