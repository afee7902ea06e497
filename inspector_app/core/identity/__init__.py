"""Who signed an inspection sheet: the inspector's key and certificate, the office that enrols inspectors.

Data folder layout:
    <data>/identity/inspector.key.pem   EC P-256 key, PKCS#8 PEM encrypted with the passphrase (mode 0600)
    <data>/identity/inspector.cert.pem  the inspector's certificate (self-signed until enrolled)
    <data>/trust/<sha256>.pem            office certificates this laptop trusts (any other .pem is read too)
    <data>/office/                       the office (demo; a real office uses its own folder):
        office.key.pem, office.cert.pem, issued/<serial>.pem

Enrolment is offline: `export_enrolment_request` → `office_enrol` → `import_certificate`, with files on
the share or a USB stick. Qt-free; pyHanko is imported only when a signer is built.
"""

from __future__ import annotations

from inspector_app.core.identity.demo import DEMO_PASSPHRASE, ensure_demo_identity
from inspector_app.core.identity.enrolment import (
    RequestInfo,
    export_enrolment_request,
    import_certificate,
)
from inspector_app.core.identity.inspector import (
    IdentityStatus,
    SigningIdentity,
    asn1_certificate,
    change_passphrase,
    create_identity,
    identity_status,
    load_signing_identity,
)
from inspector_app.core.identity.office import (
    Enrolment,
    OfficeStatus,
    load_office_certificate,
    office_enrol,
    office_init,
    office_status,
)
from inspector_app.core.identity.passphrase import (
    MIN_PASSPHRASE,
    NEW_PASSPHRASE_ENV,
    PASSPHRASE_ENV,
    resolve_passphrase,
)
from inspector_app.core.identity.storage import default_office_dir
from inspector_app.core.identity.trust import trusted_office_certs

__all__ = [
    "DEMO_PASSPHRASE",
    "MIN_PASSPHRASE",
    "NEW_PASSPHRASE_ENV",
    "PASSPHRASE_ENV",
    "Enrolment",
    "IdentityStatus",
    "OfficeStatus",
    "RequestInfo",
    "SigningIdentity",
    "asn1_certificate",
    "change_passphrase",
    "create_identity",
    "default_office_dir",
    "ensure_demo_identity",
    "export_enrolment_request",
    "identity_status",
    "import_certificate",
    "load_office_certificate",
    "load_signing_identity",
    "office_enrol",
    "office_init",
    "office_status",
    "resolve_passphrase",
    "trusted_office_certs",
]
