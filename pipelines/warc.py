"""WARC writer for newsvault: WARC/1.1 records as an archivist expects them (warcio underneath).

Use::

    writer = WarcWriter(WarcConfig(directory, "sana", operator="...", run_id=run_id),
                        on_close=store_closed_file)
    request_loc, response_loc = writer.write_exchange(exchange)   # plain dataclasses in,
    writer.close()                                                # locations out

Decisions, for whoever reads the files later:

- Digests are SHA-256 written as ``sha256:<lowercase hex>``: the value equals ``sha256sum``
  of the block or payload, and warcio's reader (and ``warcio check``) verifies it.
- The response's HTTP header block is rebuilt from the header pairs: ``PROTOCOL STATUS REASON``,
  then the headers in order with repeats kept, values byte-exact (latin-1). A reason of None
  becomes ``http.HTTPStatus``'s standard phrase (empty for an unregistered code).
- The body is stored as received with Content-Encoding applied and Transfer-Encoding removed, so
  ``Transfer-Encoding`` is renamed ``X-Archive-Orig-Transfer-Encoding`` (pywb's convention);
  otherwise warcio and pywb would try to de-chunk the stored body.
- No Content-Length is added when the server sent none: the record's own Content-Length
  delimits the payload, and warcio, cdxj-indexer and pywb replay work without it (tested).
- ``Authorization`` and ``Proxy-Authorization`` request header values are written as
  ``[redacted]`` (configurable); a password in the URL's userinfo is dropped.
- Each record is one gzip member; headers are deflated at ``gzip_level`` (default 1: level 6
  costs 2.6x the CPU for 14% smaller HTML) and payloads that are compressed already (a
  Content-Encoding, or an image/video/font/archive type) are stored, not recompressed, which
  would cost ~0.8 ms per 60 KB for nothing. If the optional ``isal`` package is installed, its
  deflate is used for levels 1-3 (about 4x faster than zlib, same ratio).
- Files are written as ``<name>.open`` and renamed when fsynced and closed; `recover` repairs
  what a killed process left (see `pipelines.warcfile.recover`).
- Verification walks gzip members itself (warcio's iterator stops quietly at a corrupt one).
"""

# One public name for the WARC machinery; the implementation lives in pipelines.warcfile.
from pipelines.warcfile import *  # noqa: F403
from pipelines.warcfile import __all__  # noqa: F401
