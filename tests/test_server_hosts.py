"""``kb serve`` answers only requests that name it: DNS rebinding cannot reach the internal site.

A web page an agent visits can point its own host name at 127.0.0.1 (DNS rebinding) and then
read whatever answers there as same-origin content. The browser still sends the page's host
name in ``Host``, so the server refuses every request that does not name its own address or a
name given with ``--allow-host``. Real ``kb serve`` processes on loopback, real HTTP.
"""

from __future__ import annotations

import os
import socket
import subprocess
import urllib.parse

import httpx
import pytest

from kbtools.errors import UsageError
from kbtools.registry import open_kb
from kbtools.search import update_index
from kbtools.server.security import access_settings, host_allowed, host_name
from tests.support import make_kb
from tests.test_search import CANARY, FILES
from tests.test_server import KB, TOKEN, kb_serve, write_site

REBINDING = "attacker.example"


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = make_kb(tmp_path_factory.mktemp("hostskb"), FILES)
    write_site(root / "site")
    update_index(open_kb(root))
    return root


@pytest.fixture(scope="module")
def server(root):
    with kb_serve(root) as url:
        yield url


def port_of(url: str) -> int:
    return urllib.parse.urlsplit(url).port


def get(url: str, path: str, host: str, headers: dict | None = None,
        **kwargs) -> httpx.Response:
    return httpx.get(url + path, headers={**(headers or {}), "Host": host}, **kwargs)


def test_loopback_answers_its_own_names_only(server):
    port = port_of(server)
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", f"LOCALHOST:{port}"):
        assert get(server, "/", host).status_code == 200, host
        api = get(server, "/api/search", host, params={"q": CANARY})
        assert api.json()["total"] == 1, host  # no token: loopback is the agents' own machine
    for host in (f"{REBINDING}:{port}", REBINDING, "127.0.0.1", f"127.0.0.1:{port + 1}",
                 f"localhost.:{port}", f"127.0.0.2:{port}", f"{REBINDING}:{port}@127.0.0.1",
                 "", f"localhost:{port}:{port}"):
        for path in ("/", "/api/search?q=" + CANARY, "/faq/reset-password/", "/_kb/search.js",
                     "/_kb/login", "/assets/app.css"):
            response = get(server, path, host)
            assert response.status_code in (400, 421), (host, path, response.status_code)
            assert CANARY not in response.text and "Reset" not in response.text
            assert response.headers["content-type"].startswith("text/plain")
            assert response.headers["x-content-type-options"] == "nosniff"


def test_a_rebinding_page_is_told_why(server):
    response = get(server, "/api/search?q=" + CANARY, f"{REBINDING}:{port_of(server)}")
    assert response.status_code == 421
    assert response.text.startswith("misdirected request: kb serve does not answer to the "
                                    f"host name '{REBINDING}:{port_of(server)}'")
    assert "--allow-host" in response.text and "DNS rebinding" in response.text


def test_a_request_without_a_host_header_is_refused(server):
    with socket.create_connection(("127.0.0.1", port_of(server)), timeout=10) as sock:
        sock.sendall(b"GET /api/search?q=" + CANARY.encode() + b" HTTP/1.0\r\n\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 400"), answer[:80]
    assert b"missing Host header" in answer and CANARY.encode() not in answer


def test_allowed_hosts_are_answered(root):
    with kb_serve(root, "--allow-host", "kb.example.com", "--allow-host", "Docs.Example.com:8443",
                  "--allow-host", "[fd00::1]") as url:
        port = port_of(url)
        for host in ("kb.example.com", "kb.example.com:443", f"kb.example.com:{port}",
                     "KB.example.com", "docs.example.com:8443", "[fd00::1]:80",
                     f"127.0.0.1:{port}", f"localhost:{port}"):
            assert get(url, "/", host).status_code == 200, host
        for host in ("docs.example.com", "docs.example.com:443", "example.com",
                     "x.kb.example.com", "kb.example.com.attacker.example", f"{REBINDING}:{port}"):
            assert get(url, "/", host).status_code == 421, host


def test_ipv6_loopback_answers_its_own_names(root):
    with kb_serve(root, "--host", "::1") as url:
        assert url.startswith("http://[::1]:")
        port = port_of(url)
        for host in (f"[::1]:{port}", f"localhost:{port}"):
            assert get(url, "/", host).status_code == 200, host
        assert get(url, "/", f"{REBINDING}:{port}").status_code == 421


def test_behind_the_proxy_the_allowlist_is_required(root):
    env = {k: v for k, v in os.environ.items() if k != "KB_SERVE_TOKEN"}
    result = subprocess.run([str(KB), "--root", str(root), "serve", "--port", "0",
                             "--behind-proxy"], capture_output=True, text=True, timeout=60,
                            env=env)
    assert result.returncode == 2
    assert "--behind-proxy needs the host name agents reach the proxy by: add --allow-host" \
        in result.stderr
    with kb_serve(root, "--behind-proxy", "--allow-host", "kb.example.com") as url:
        proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"}
        page = get(url, "/", "kb.example.com", headers=proxied)
        assert page.status_code == 200 and "Home" in page.text
        assert get(url, "/", REBINDING, headers=proxied).status_code == 421


def test_behind_the_proxy_the_session_cookie_is_secure(root):
    with kb_serve(root, "--behind-proxy", "--allow-host", "kb.example.com",
                  env={"KB_SERVE_TOKEN": TOKEN}) as url:
        login = httpx.post(url + "/_kb/login", data={"token": TOKEN},
                           headers={"Host": "kb.example.com", "X-Forwarded-Proto": "https"})
        assert login.status_code == 303
        cookie = login.headers["set-cookie"].lower()
        assert "; secure" in cookie and "httponly" in cookie and "samesite=strict" in cookie
        assert TOKEN.lower() not in cookie


def test_bad_allow_host_values_are_usage_errors(root):
    for value in ("https://kb.example.com/", "kb.example.com/path", "*.example.com", "a b", ""):
        result = subprocess.run([str(KB), "--root", str(root), "serve", "--port", "0",
                                 "--allow-host", value], capture_output=True, text=True,
                                timeout=60)
        assert result.returncode == 2, value
        assert "--allow-host takes a host name" in result.stderr and repr(value) in result.stderr


def test_host_rules():
    loop, lan = ("127.0.0.1", 8000), ("10.1.2.3", 8000)
    assert host_allowed("127.0.0.1:8000", loop, "http")
    assert host_allowed("[::1]:8000", ("::1", 8000), "http")
    assert not host_allowed("127.0.0.1", loop, "http")  # port 80
    assert host_allowed("127.0.0.1", ("127.0.0.1", 80), "http")
    assert host_allowed("localhost", ("127.0.0.1", 443), "https")
    assert host_allowed("10.1.2.3:8000", lan, "http")
    assert not host_allowed("localhost:8000", lan, "http")  # not listening on loopback
    assert host_allowed("[fd00::5]:8000", ("fd00::5", 8000), "http")
    assert not host_allowed(None, loop, "http")
    assert not host_allowed("kb.example.com", loop, "http")
    assert host_allowed("kb.example.com", loop, "http", {"kb.example.com"})
    assert host_allowed("kb.example.com:9", loop, "http", {"kb.example.com"})
    assert host_allowed("kb.example.com", loop, "https", {"kb.example.com:443"})
    assert not host_allowed("kb.example.com", loop, "http", {"kb.example.com:443"})
    assert host_name(" KB.Example.com:8443 ") == "kb.example.com:8443"
    with pytest.raises(UsageError, match="at least 16 characters"):
        access_settings("short")
    with pytest.raises(UsageError, match="--behind-proxy needs"):
        access_settings(None, behind_proxy=True)
    access = access_settings(TOKEN, behind_proxy=True, allowed_hosts=["KB.example.com",
                                                                      "kb.example.com"])
    assert access.allowed_hosts == ("kb.example.com",)
