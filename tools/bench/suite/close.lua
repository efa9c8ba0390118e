-- wrk has no one-request-per-connection mode: ask the server to close after
-- each response; wrk then opens a new connection for the next request.
wrk.headers["Connection"] = "close"
