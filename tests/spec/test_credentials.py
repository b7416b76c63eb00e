"""Probe credentials in SLA files: header values that cannot be sent as written, URL userinfo, the
redirect opt-in; every message is located and never shows the secret."""

from __future__ import annotations

import pytest

from slaforge.spec import load_text
from slaforge.spec.urls import shown_url
from tests.spec.helpers import BASE, assert_located, at, edit, one_problem

P0 = "spec.probes[0]"
SECRET = "s3cr3t-T0ken"


def headers(value: str) -> str:
    return edit(BASE, "headers: {}", f"headers: {{Authorization: {value}}}")


@pytest.mark.parametrize(
    ("written", "fragment"),
    [
        (f'"Bearer {SECRET} "', "cannot start or end with a space or tab"),
        (f'" Bearer {SECRET}"', "cannot start or end with a space or tab"),
        (f'"Bearer {SECRET}\\t"', "cannot start or end with a space or tab"),
        (f'"Bearer {SECRET}\\0"', "a control character (U+0000 at position 20)"),
        (f'"Bearer {SECRET}\\x7f"', "a control character (U+007F"),
        (f'"Bearer {SECRET}\\x1b[0m"', "a control character (U+001B"),
        (f'"Bearer {SECRET}\\r\\nX-Injected: 1"', "a header value cannot contain a line break"),
        (f'"Bearer {SECRET}\\u00e9"', "a non-ASCII character (U+00E9"),
    ],
    ids=["trailing-space", "leading-space", "trailing-tab", "nul", "del", "escape", "crlf", "non-ascii"],
)
def test_header_values_that_cannot_be_sent_as_written_are_refused_without_showing_them(
    written: str, fragment: str
) -> None:
    text = headers(written)
    problem = one_problem(text)
    assert_located(problem, at(text, written[:8]), f"{P0}.headers.Authorization", fragment)
    assert SECRET not in problem.format()


def test_a_header_value_that_is_not_a_string_is_not_shown() -> None:
    text = headers("1234567890")
    problem = one_problem(text)
    assert_located(problem, at(text, "1234567890"), f"{P0}.headers.Authorization", "expected a string")
    assert "1234567890" not in problem.format()


def test_inner_spaces_tabs_and_empty_values_are_fine() -> None:
    sla = load_text(edit(BASE, "headers: {}", 'headers: {Authorization: "Bearer a\\tb c", X-Empty: ""}'))[0]
    assert sla.spec.probes[0].headers == {"Authorization": "Bearer a\tb c", "X-Empty": ""}


@pytest.mark.parametrize(
    "url",
    [
        f"https://probe:{SECRET}@checkout.example.com/healthz",
        f"https://{SECRET}@checkout.example.com/healthz",
        f"https://probe:{SECRET}@checkout.example.com:99999/healthz",  # also a bad port: still not shown
        f"https://probe:{SECRET}@[::1/healthz",  # does not even parse
        f"tcp://probe:{SECRET}@checkout.example.com:443",
    ],
    ids=["user-password", "token-as-user", "bad-port", "unparsable", "tcp"],
)
def test_credentials_in_the_url_are_refused_and_never_echoed(url: str) -> None:
    text = edit(BASE, "url: https://checkout.example.com/healthz", f"url: '{url}'")
    problem = one_problem(text)
    assert_located(problem, at(text, f"'{url}"), f"{P0}.url", "credentials in the URL are refused")
    assert SECRET not in problem.format()
    assert "//***@" in problem.message


def test_an_at_sign_in_the_path_or_query_is_not_userinfo() -> None:
    url = "https://checkout.example.com/users/@me?mail=a@b.example"
    sla = load_text(edit(BASE, "url: https://checkout.example.com/healthz", f"url: '{url}'"))[0]
    assert sla.spec.probes[0].url == url
    assert shown_url(url) == url


def test_allow_http_redirect_is_off_by_default_and_can_be_set() -> None:
    assert load_text(BASE)[0].spec.probes[0].tls.allow_http_redirect is False
    text = edit(BASE, "tls: {insecure_skip_verify: false, ca_file: null}", "tls: {allow_http_redirect: true}")
    assert load_text(text)[0].spec.probes[0].tls.allow_http_redirect is True


def test_allow_http_redirect_needs_https_and_redirects() -> None:
    text = edit(BASE, "tls: {insecure_skip_verify: false, ca_file: null}", "tls: {allow_http_redirect: true}")
    plain = edit(text, "url: https://checkout", "url: http://checkout")
    assert_located(one_problem(plain), at(plain, "{allow_http"), f"{P0}.tls", "tls settings need an https:// url")
    off = edit(text, "      method: GET\n", "      method: GET\n      follow_redirects: false\n")
    assert_located(one_problem(off), at(off, "true}"), f"{P0}.tls.allow_http_redirect",
                   "allow_http_redirect has no effect with follow_redirects: false")


def test_the_json_schema_refuses_the_same_for_editors() -> None:
    import yaml
    from jsonschema import Draft7Validator

    from slaforge.spec.schema import json_schema

    validator = Draft7Validator(json_schema())

    def fails(text: str) -> bool:
        return any(True for _ in validator.iter_errors(yaml.safe_load(text)))

    assert not fails(BASE)
    assert not fails(edit(BASE, "url: https://checkout.example.com/healthz", "url: 'https://h.example/u/@me?a=b@c'"))
    assert fails(edit(BASE, "url: https://checkout.example.com/healthz", f"url: 'https://u:{SECRET}@h.example/'"))
    assert fails(headers(f'"Bearer {SECRET} "'))
    assert not fails(headers('"Bearer a\\tb"'))
