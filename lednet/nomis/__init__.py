"""National data from NOMIS: queries, an HTTP client, a response cache and offline snapshots.

The layers, each using only those before it:

- ``query``: an indicator and a period become a normalised data request, and requests that
  differ in one dimension are merged so each dataset is asked once for all members;
- ``client``: the HTTP client (paging, retries, checks that the body is the CSV asked for);
- ``cache``: answers kept on disk under the request without the API key;
- ``combine``: returned rows become one value per authority (sum, dedupe, status, interval);
- ``fetch``: the ``lednet fetch`` job that ties them together and writes the store;
- ``manifest`` and ``snapshot``: recorded real responses served on 127.0.0.1 like NOMIS.
"""
