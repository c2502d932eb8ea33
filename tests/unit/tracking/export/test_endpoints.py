"""The S3 endpoint policy (SSRF guard): public addresses only unless the operator lists hosts.
Resolution is injected here; the export tests run the policy against a real moto_server."""

import pytest

from tracking.export.service.endpoints import EndpointPolicy, EndpointRefused

DNS = {"s3.eu-central-1.amazonaws.com": ["3.5.136.10"], "metadata.example": ["169.254.169.254"],
       "sneaky.example": ["3.5.136.10", "10.0.0.7"], "v6.example": ["2a05:d018::1"], "local6.example": ["::1"]}


def _resolve(host: str) -> list[str]:
    if host in DNS:
        return DNS[host]
    if host.replace(".", "").isdigit():
        return [host]
    raise OSError("no such host")


@pytest.mark.parametrize("url", ["", "https://s3.eu-central-1.amazonaws.com", "https://v6.example/bucket",
                                 "https://3.5.136.10:9000"])
def test_public_endpoints_are_allowed_by_default(url):
    EndpointPolicy("", _resolve).check(url)


@pytest.mark.parametrize(("url", "why"), [
    ("http://169.254.169.254/latest/meta-data", "non-public address (169.254.169.254)"),
    ("http://metadata.example", "non-public address (169.254.169.254)"),
    ("http://127.0.0.1:6379", "non-public address (127.0.0.1)"),
    ("http://sneaky.example", "non-public address (10.0.0.7)"),  # one private address is enough
    ("http://local6.example", "non-public address (::1)"),
    ("http://nowhere.example", "does not resolve"),
    ("ftp://s3.eu-central-1.amazonaws.com", "http:// or https://"),
    ("https://", "with a host"),
])
def test_private_local_and_unresolvable_endpoints_are_refused_with_the_reason(url, why):
    with pytest.raises(EndpointRefused, match=why.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        EndpointPolicy("", _resolve).check(url)


def test_listed_hosts_are_the_only_ones_allowed_private_or_not():
    policy = EndpointPolicy("minio.internal, *.s3.internal,127.0.0.1", _resolve)
    for url in ("http://minio.internal:9000", "https://eu.s3.internal", "http://127.0.0.1:5000", "http://MINIO.internal"):
        policy.check(url)
    for url in ("https://s3.eu-central-1.amazonaws.com", "http://s3.internal.evil.example", "http://10.0.0.7"):
        with pytest.raises(EndpointRefused, match="not in UT_EXPORT_ENDPOINT_HOSTS"):
            policy.check(url)
