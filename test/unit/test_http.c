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

static void
test_redirect_not_followed(void)
{
	int			port1 = 0;
	int			port2 = 0;
	int			fd1 = listen_loopback(&port1);
	int			fd2 = listen_loopback(&port2);
	char		response[256];
	char		url[64];
	char		error[HTTP_ERROR_MAX];
	struct pollfd pfd;
	http_request req;
	http_response resp;
	pid_t		child;
	int			status = 0;

	if (!CHECK(fd1 >= 0 && fd2 >= 0))
		return;
	snprintf(response, sizeof(response),
			 "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:%d/stolen\r\n"
			 "Content-Length: 0\r\nConnection: close\r\n\r\n", port2);
	child = fork();
	if (!CHECK(child >= 0))
		return;
	if (child == 0)
		serve_once(fd1, response);

	CHECK(http_global_init(error, sizeof(error)));
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/api", port1);
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.url = url;
	req.timeout_ms = 2000;
	http_perform(&req, &resp);
	if (!CHECK(resp.outcome == HTTP_DONE && resp.status == 302))
		unit_note("outcome %d status %ld error %s", (int) resp.outcome, resp.status, resp.error);
	http_response_free(&resp);

	/* nobody knocked on the redirect's target */
	pfd.fd = fd2;
	pfd.events = POLLIN;
	pfd.revents = 0;
	CHECK(poll(&pfd, 1, 200) == 0);

	waitpid(child, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(fd1);
	close(fd2);
}

/*
 * A proxy named in the environment (http_proxy, all_proxy) never sees the
 * plain-http requests to a loopback test server: those are the only ones
 * in clear text, and they carry the same signed headers.
 */
static void
test_loopback_bypasses_proxy(void)
{
	int			port_server = 0;
	int			port_proxy = 0;
	int			fd_server = listen_loopback(&port_server);
	int			fd_proxy = listen_loopback(&port_proxy);
	char		proxy[64];
	char		url[64];
	char		error[HTTP_ERROR_MAX];
	struct pollfd pfd;
	http_request req;
	http_response resp;
	pid_t		child;
	int			status = 0;

	if (!CHECK(fd_server >= 0 && fd_proxy >= 0))
		return;
	child = fork();
	if (!CHECK(child >= 0))
		return;
	if (child == 0)
		serve_once(fd_server, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");

	snprintf(proxy, sizeof(proxy), "http://127.0.0.1:%d", port_proxy);
	setenv("http_proxy", proxy, 1);
	setenv("HTTPS_PROXY", proxy, 1);
	setenv("all_proxy", proxy, 1);
	unsetenv("no_proxy");
	unsetenv("NO_PROXY");
	CHECK(http_global_init(error, sizeof(error)));
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/api", port_server);
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.url = url;
	req.timeout_ms = 2000;
	http_perform(&req, &resp);
	if (!CHECK(resp.outcome == HTTP_DONE && resp.status == 200))
		unit_note("outcome %d status %ld error %s", (int) resp.outcome, resp.status, resp.error);
	http_response_free(&resp);
	unsetenv("http_proxy");
	unsetenv("HTTPS_PROXY");
	unsetenv("all_proxy");

	pfd.fd = fd_proxy;
	pfd.events = POLLIN;
	pfd.revents = 0;
	CHECK(poll(&pfd, 1, 200) == 0);

	waitpid(child, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(fd_server);
	close(fd_proxy);
}

int
main(void)
{
	test_redirect_not_followed();
	test_loopback_bypasses_proxy();
	return unit_summary("http");
}
