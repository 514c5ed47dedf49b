/*
 * http.c: libcurl transfers with timeouts, a body cap and abortable waits.
 *
 * One multi handle per process keeps connections alive between requests.
 * The transfer is driven in slices of HTTP_POLL_SLICE_MS so the caller's
 * abort predicate (pending interrupts, a set latch) is honoured promptly;
 * curl_easy_perform would block for the whole timeout.
 */
/* strdup is POSIX, not C99 */
#define _POSIX_C_SOURCE 200809L

#include "http.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static CURLM *shared_multi = NULL;
static CURL *shared_easy = NULL;

typedef struct body_buffer
{
	char	   *data;
	size_t		len;
	size_t		cap;
	bool		too_large;
	bool		out_of_memory;
} body_buffer;

bool
http_global_init(char *error, size_t errlen)
{
	CURLcode	rc;

	if (shared_multi)
		return true;
	rc = curl_global_init(CURL_GLOBAL_DEFAULT);
	if (rc != CURLE_OK)
	{
		snprintf(error, errlen, "curl_global_init failed: %s", curl_easy_strerror(rc));
		return false;
	}
	shared_multi = curl_multi_init();
	shared_easy = curl_easy_init();
	if (!shared_multi || !shared_easy)
	{
		snprintf(error, errlen, "could not create libcurl handles");
		return false;
	}
	curl_multi_setopt(shared_multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, 8L);
	curl_multi_setopt(shared_multi, CURLMOPT_MAXCONNECTS, 8L);
	return true;
}

/* Plain C only: called inside libcurl, so no PostgreSQL calls here. */
static size_t
collect_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	body_buffer *buf = userdata;
	size_t		n = size * nmemb;

	if (buf->len + n > HTTP_MAX_BODY_BYTES)
	{
		buf->too_large = true;
		return 0;
	}
	if (buf->len + n + 1 > buf->cap)
	{
		size_t		cap = buf->cap ? buf->cap : 4096;
		char	   *grown;

		while (cap < buf->len + n + 1)
			cap *= 2;
		grown = realloc(buf->data, cap);
		if (!grown)
		{
			buf->out_of_memory = true;
			return 0;
		}
		buf->data = grown;
		buf->cap = cap;
	}
	memcpy(buf->data + buf->len, ptr, n);
	buf->len += n;
	buf->data[buf->len] = '\0';
	return n;
}

void
http_perform(const http_request *req, http_response *resp)
{
	CURL	   *easy = shared_easy;
	struct curl_slist *headers = NULL;
	body_buffer buf = {0};
	char		curl_error[CURL_ERROR_SIZE] = "";
	int			running = 1;
	CURLcode	result = CURLE_OK;
	bool		aborted = false;

	memset(resp, 0, sizeof(*resp));
	if (!easy)
	{
		resp->outcome = HTTP_FAILED;
		snprintf(resp->error, sizeof(resp->error), "http_global_init was not called");
		return;
	}

	curl_easy_reset(easy);
	curl_easy_setopt(easy, CURLOPT_URL, req->url);
	curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, req->timeout_ms);
	curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, req->timeout_ms);
	curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "https,http");
	/* a redirect could take signed requests to a host the base URL check never saw */
	curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(easy, CURLOPT_MAXREDIRS, 0L);
	curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "https");

	/*
	 * A proxy from the server's environment may carry https (TLS is end to
	 * end), but never the plain-http requests to a loopback test server,
	 * whose signed headers travel in clear text.
	 */
	curl_easy_setopt(easy, CURLOPT_NOPROXY, "localhost,127.0.0.1,::1");
	curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, curl_error);
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, collect_body);
	curl_easy_setopt(easy, CURLOPT_WRITEDATA, &buf);
	curl_easy_setopt(easy, CURLOPT_USERAGENT, "bifrost");
	if (req->headers)
		for (const char *const *h = req->headers; *h; h++)
			headers = curl_slist_append(headers, *h);
	headers = curl_slist_append(headers, "Expect:");
	curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
	if (req->method && strcmp(req->method, "POST") == 0)
	{
		curl_easy_setopt(easy, CURLOPT_POST, 1L);
		curl_easy_setopt(easy, CURLOPT_POSTFIELDS, req->body ? req->body : "");
	}
	else
		curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);

	curl_multi_add_handle(shared_multi, easy);
	while (running)
	{
		CURLMcode	mrc = curl_multi_perform(shared_multi, &running);
		int			numfds = 0;

		if (mrc != CURLM_OK)
		{
			snprintf(resp->error, sizeof(resp->error), "%s", curl_multi_strerror(mrc));
			result = CURLE_FAILED_INIT;
			break;
		}
		if (!running)
			break;
		if (req->should_abort && req->should_abort(req->abort_arg))
		{
			aborted = true;
			break;
		}
		curl_multi_poll(shared_multi, NULL, 0, HTTP_POLL_SLICE_MS, &numfds);
	}
	if (!aborted && result == CURLE_OK)
	{
		int			left;
		CURLMsg    *msg;

		while ((msg = curl_multi_info_read(shared_multi, &left)) != NULL)
			if (msg->msg == CURLMSG_DONE && msg->easy_handle == easy)
				result = msg->data.result;
	}
	curl_multi_remove_handle(shared_multi, easy);
	curl_slist_free_all(headers);

	if (aborted)
	{
		resp->outcome = HTTP_ABORTED;
		snprintf(resp->error, sizeof(resp->error), "transfer aborted");
		free(buf.data);
		return;
	}
	if (result == CURLE_OK)
	{
		resp->outcome = HTTP_DONE;
		curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &resp->status);
		resp->body = buf.data ? buf.data : strdup("");
		resp->body_len = buf.len;
		return;
	}
	free(buf.data);
	resp->outcome = (result == CURLE_OPERATION_TIMEDOUT) ? HTTP_TIMEOUT : HTTP_FAILED;
	if (buf.too_large)
		snprintf(resp->error, sizeof(resp->error), "response larger than %d bytes", HTTP_MAX_BODY_BYTES);
	else if (resp->error[0] == '\0')
		snprintf(resp->error, sizeof(resp->error), "%s",
				 curl_error[0] ? curl_error : curl_easy_strerror(result));
}

void
http_response_free(http_response *resp)
{
	free(resp->body);
	resp->body = NULL;
	resp->body_len = 0;
}
