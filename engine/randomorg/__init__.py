"""RANDOM.ORG, the draw's source of signed random numbers: import from here.

* errors  - RandomOrgError and its kinds, what each RANDOM.ORG error code means;
* signed  - signed results: the pinned public key, finding the signed bytes,
            verifying the signature, checking a stored or published result,
            whether a result answers the request it was made for;
* client  - RandomOrgClient (JSON-RPC, one request at a time) and its config.

The offline method, for when RANDOM.ORG cannot be reached, is engine.offline.
"""

from engine.randomorg.client import (
    DEFAULT_URL,
    MAX_ABS,
    MAX_N,
    MAX_USER_DATA_CHARS,
    RandomOrgClient,
    RandomOrgConfig,
    hashed_api_key,
)
from engine.randomorg.errors import ERROR_KINDS, RandomOrgError
from engine.randomorg.signed import (
    PINNED_PUBLIC_KEY_PATH,
    SignedRequest,
    SignedResult,
    answer_mismatches,
    check_signed_file,
    check_signed_text,
    load_public_key,
    verify_signature,
)

__all__ = [
    "DEFAULT_URL",
    "ERROR_KINDS",
    "MAX_ABS",
    "MAX_N",
    "MAX_USER_DATA_CHARS",
    "PINNED_PUBLIC_KEY_PATH",
    "RandomOrgClient",
    "RandomOrgConfig",
    "RandomOrgError",
    "SignedRequest",
    "SignedResult",
    "answer_mismatches",
    "check_signed_file",
    "check_signed_text",
    "hashed_api_key",
    "load_public_key",
    "verify_signature",
]
