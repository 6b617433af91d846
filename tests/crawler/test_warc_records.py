"""How Scrapy requests and responses become the HTTP part of WARC records."""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO
from ipaddress import ip_address

from scrapy import Request
from scrapy.http import HtmlResponse, Response
from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from crawler.middlewares import warc_records as capture

WHEN = datetime(2026, 3, 1, 12, 30, 5, 123456, tzinfo=UTC)


def written(record) -> bytes:
    buffer = BytesIO()
    WARCWriter(buffer, gzip=True).write_record(record)
    return buffer.getvalue()


def request_line(headers) -> str:
    return f"{headers.protocol} {headers.statusline}"  # warcio keeps the method apart


def test_status_line_uses_the_standard_phrase_without_the_wire_one() -> None:
    assert capture.http_response_headers(Response("http://example.com/", status=404)).statusline == "404 Not Found"
    assert capture.http_response_headers(Response("http://example.com/", status=299)).statusline == "299"


def test_transfer_encoding_is_recorded_as_original() -> None:
    response = Response("http://example.com/", headers={"Transfer-Encoding": "chunked"}, body=b"done")
    headers = capture.http_response_headers(response).headers
    assert ("X-Orig-Transfer-Encoding", "chunked") in headers
    assert not any(name.lower() == "transfer-encoding" for name, _ in headers)


def test_request_host_omits_default_port_and_keeps_explicit_one() -> None:
    plain = capture.http_request_headers(Request("https://news.example/a?b=1#frag"))
    assert request_line(plain) == "GET /a?b=1 HTTP/1.1"
    assert plain.get_header("Host") == "news.example"
    explicit = capture.http_request_headers(Request("http://news.example:8080/", headers={"Host": "other.example"}))
    assert [value for name, value in explicit.headers if name == "Host"] == ["other.example"]


def test_request_with_body_gets_content_length_and_proxy_gets_absolute_form() -> None:
    posted = capture.http_request_headers(Request("http://news.example/form", method="POST", body=b"q=1"))
    assert request_line(posted) == "POST /form HTTP/1.1"
    assert posted.get_header("Content-Length") == "3"
    proxied = capture.http_request_headers(Request("http://news.example/p?x=1", meta={"proxy": "http://proxy:3128"}))
    assert request_line(proxied) == "GET http://news.example/p?x=1 HTTP/1.1"


def test_request_record_leaves_out_proxy_headers_and_credentials_unless_kept() -> None:
    sent = {"Proxy-Authorization": "Basic c2VjcmV0", "Proxy-Connection": "keep-alive",
            "Authorization": "Bearer t0ken", "Cookie": "session=abc", "Accept": "text/html"}
    request = Request("http://news.example/p", headers=sent, meta={"proxy": "http://proxy:3128"})
    plain = [name for name, _ in capture.http_request_headers(request).headers]
    assert plain == ["Host", "Accept"]
    kept = [name for name, _ in capture.http_request_headers(request, keep_credentials=True).headers]
    assert sorted(kept) == ["Accept", "Authorization", "Cookie", "Host"]


def test_peer_address_is_left_out_through_a_proxy() -> None:
    response = Response("http://news.example/", ip_address=ip_address("198.51.100.7"))
    assert capture.peer_address(Request("http://news.example/"), response) == "198.51.100.7"
    proxied = Request("http://news.example/", meta={"proxy": "http://10.0.0.1:3128"})
    assert capture.peer_address(proxied, response) is None


def test_payload_digest_agrees_with_warcio() -> None:
    body = "<p>Grüße aus der Redaktion</p>".encode()
    response = HtmlResponse("http://news.example/", body=body, headers={"Content-Type": "text/html; charset=utf-8"})
    record = capture.response_record(response, WHEN, None)
    stored = next(iter(ArchiveIterator(BytesIO(written(record)))))
    assert stored.rec_headers.get_header("WARC-Payload-Digest") == capture.payload_digest(body)
    assert stored.rec_headers.get_header("WARC-Date") == "2026-03-01T12:30:05.123456Z"
    assert stored.content_stream().read() == body


def test_revisit_keeps_headers_but_no_body() -> None:
    response = Response("http://news.example/", status=200, body=b"same", headers={"ETag": '"x"'})
    previous = {
        "payload_digest": capture.payload_digest(b"same"),
        "url": "http://news.example/",
        "date": WHEN,
        "record_id": "<urn:uuid:00000000-0000-0000-0000-000000000001>",
    }
    record = capture.revisit_record(response, WHEN, previous, not_modified=False, ip=None)
    stored = next(iter(ArchiveIterator(BytesIO(written(record)))))
    assert stored.rec_type == "revisit"
    assert stored.http_headers.get_header("ETag") == '"x"'
    assert stored.raw_stream.read() == b""
    assert stored.rec_headers.get_header("WARC-Refers-To-Date") == "2026-03-01T12:30:05.123456Z"


def test_precomputed_digests_are_the_ones_warcio_computes() -> None:
    from warcio.recordbuilder import RecordBuilder

    body = b"<html>" + b"x" * 100_000 + "é".encode()
    headers = {"Content-Type": "text/html", "Set-Cookie": ["a=1", "b=2"], "X-Name": "ü".encode("latin-1")}
    response = HtmlResponse("http://a.test/x", body=body, headers=headers, request=Request("http://a.test/x"))
    ours = capture.response_record(response, datetime.now(UTC), None)
    builder = RecordBuilder(warc_version="1.1")
    reference = builder.create_warc_record(response.url, "response", payload=BytesIO(body), length=len(body),
                                           http_headers=capture.http_response_headers(response))
    builder.ensure_digest(reference, block=True, payload=True)
    for name in ("WARC-Block-Digest", "WARC-Payload-Digest"):
        assert ours.rec_headers.get_header(name) == reference.rec_headers.get_header(name)
    # and the record as written reads back whole, digests verified by warcio
    for record in ArchiveIterator(BytesIO(written(ours)), check_digests="raise"):
        assert record.content_stream().read() == body
