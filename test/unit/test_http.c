/*
 * test_http.c: the HTTP layer never follows a redirect, and never hands a
 * plain-http loopback request to a proxy.  A one-shot server
 * on 127.0.0.1 answers 302 with a Location on a second listening socket;
 * the transfer must end with the 302 itself, and the second socket must
 * never see a connection (signed requests would otherwise go wherever an
 * answer points).
 */
/* fork, sockets and poll are POSIX, not C99 */
#define _POSIX_C_SOURCE 200809L

#include "http.h"
#include "unit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* A socket listening on 127.0.0.1 at a port the kernel picks; -1 on failure. */
static int
listen_loopback(int *port)
{
	struct sockaddr_in addr;
	socklen_t	len = sizeof(addr);
	int			fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *) &addr, sizeof(addr)) != 0 || listen(fd, 4) != 0 ||
		getsockname(fd, (struct sockaddr *) &addr, &len) != 0)
	{
		close(fd);
		return -1;
	}
	*port = ntohs(addr.sin_port);
	return fd;
}

/* Child: answers one request with the given response, then exits. */
static void
serve_once(int listen_fd, const char *response)
{
	char		buf[4096];
	size_t		got = 0;
	int			fd = accept(listen_fd, NULL, NULL);

	if (fd < 0)
		_exit(1);
	while (got < sizeof(buf) - 1)
	{
		ssize_t		n = read(fd, buf + got, sizeof(buf) - 1 - got);

		if (n <= 0)
			break;
		got += (size_t) n;
		buf[got] = '\0';
		if (strstr(buf, "\r\n\r\n"))
			break;
	}
	if (write(fd, response, strlen(response)) < 0)
		_exit(1);
	close(fd);
	_exit(0);
}

/*
 * Serves response once on a fresh loopback socket, GETs it, and checks the
 * transfer ended with want_status and that nothing ever connected to the
 * socket watch_fd (the place a request must not go).
 */
static void
get_once_and_watch(const char *response, long want_status, int watch_fd)
{
	int			port = 0;
	int			fd = listen_loopback(&port);
	char		url[64];
	char		error[HTTP_ERROR_MAX];
	struct pollfd pfd;
	http_request req;
	http_response resp;
	pid_t		child;
	int			status = 0;

	if (!CHECK(fd >= 0))
		return;
	child = fork();
	if (!CHECK(child >= 0))
		return;
	if (child == 0)
		serve_once(fd, response);

	CHECK(http_global_init(error, sizeof(error)));
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/api", port);
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.url = url;
	req.timeout_ms = 2000;
	http_perform(&req, &resp);
	if (!CHECK(resp.outcome == HTTP_DONE && resp.status == want_status))
		unit_note("outcome %d status %ld error %s", (int) resp.outcome, resp.status, resp.error);
	http_response_free(&resp);

	pfd.fd = watch_fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	CHECK(poll(&pfd, 1, 200) == 0);

	waitpid(child, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(fd);
}

/* A 302 is the answer: its Location is never visited. */
static void
test_redirect_not_followed(void)
{
	int			port = 0;
	int			target = listen_loopback(&port);
	char		response[256];

	if (!CHECK(target >= 0))
		return;
	snprintf(response, sizeof(response),
			 "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:%d/stolen\r\n"
			 "Content-Length: 0\r\nConnection: close\r\n\r\n", port);
	get_once_and_watch(response, 302, target);
	close(target);
}

/*
 * A proxy named in the environment (http_proxy, all_proxy) never sees the
 * plain-http requests to a loopback test server: those are the only ones
 * in clear text, and they carry the same signed headers.
 */
static void
test_loopback_bypasses_proxy(void)
{
	int			port = 0;
	int			proxy_fd = listen_loopback(&port);
	char		proxy[64];

	if (!CHECK(proxy_fd >= 0))
		return;
	snprintf(proxy, sizeof(proxy), "http://127.0.0.1:%d", port);
	setenv("http_proxy", proxy, 1);
	setenv("HTTPS_PROXY", proxy, 1);
	setenv("all_proxy", proxy, 1);
	unsetenv("no_proxy");
	unsetenv("NO_PROXY");
	get_once_and_watch("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok", 200, proxy_fd);
	unsetenv("http_proxy");
	unsetenv("HTTPS_PROXY");
	unsetenv("all_proxy");
	close(proxy_fd);
}

int
main(void)
{
	test_redirect_not_followed();
	test_loopback_bypasses_proxy();
	return unit_summary("http");
}
