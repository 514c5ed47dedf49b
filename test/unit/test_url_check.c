/*
 * test_url_check.c: which base URLs may receive signed requests.  Every
 * trick that makes a URL look local or harmless while libcurl would send the
 * request elsewhere, or in clear text, must be refused; the plain forms
 * operators and the test mocks use must pass.
 */
#include "url_check.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>

static void
expect(const char *url, bool want, const char *why_part)
{
	char		why[URL_CHECK_WHY_MAX] = "";
	bool		got = url_check_base(url, why, sizeof(why));

	if (!CHECK(got == want))
	{
		unit_note("url \"%s\": %s (%s)", url, got ? "accepted" : "refused", why);
		return;
	}
	if (!want && !CHECK(why[0] != '\0'))
		unit_note("url \"%s\" refused without a reason", url);
	if (!want && why_part && !CHECK(strstr(why, why_part) != NULL))
		unit_note("url \"%s\": reason \"%s\" lacks \"%s\"", url, why, why_part);
}

#define ACCEPT(url) expect((url), true, NULL)
#define REFUSE(url, why_part) expect((url), false, (why_part))

static void
test_accepted(void)
{
	ACCEPT("https://www.okx.com");
	ACCEPT("https://www.okx.com/");
	ACCEPT("https://localhost:5000/v1/api");
	ACCEPT("https://my.okx.com:443");
	ACCEPT("HTTPS://WWW.OKX.COM");
	ACCEPT("http://127.0.0.1:18778");
	ACCEPT("http://127.0.0.1:18778/v1/api");
	ACCEPT("http://127.0.0.1");
	ACCEPT("http://localhost:5000/");
	ACCEPT("http://LocalHost:5000");
	ACCEPT("HTTP://LOCALHOST:1/");
	ACCEPT("http://[::1]:8080/");
	ACCEPT("http://[::1]");
	/* libcurl writes the loopback address these spell as 127.0.0.1 and connects there */
	ACCEPT("http://127.1/");
	ACCEPT("http://2130706433/");
	ACCEPT("http://[0:0:0:0:0:0:0:1]/");
	/* percent-encoding in the path is the path's business, not the host's */
	ACCEPT("http://localhost:18778/v1/%2e%2e/api");
}

static void
test_user_info(void)
{
	/* the reported bypass: user "localhost", empty password, host 192.0.2.2 */
	REFUSE("http://localhost:@192.0.2.2:18778", "user");
	REFUSE("http://localhost@192.0.2.2", "user");
	REFUSE("http://127.0.0.1:80@192.0.2.2/", "user");
	REFUSE("http://[::1]@192.0.2.2/", "user");
	REFUSE("https://user:secret@www.okx.com", "user");
	REFUSE("https://user@www.okx.com", "user");
	REFUSE("http://@localhost/", "user");
	REFUSE("http://:@localhost/", "user");
	REFUSE("http://;options@localhost/", "user");
	REFUSE("http://u:p;opt@localhost/", "user");
	/* '@' in the path is refused too: no base URL needs one */
	REFUSE("http://127.0.0.1:80/a@b", "@");
	REFUSE("https://www.okx.com/x@y", "@");
	/* encoded '@' stays in the user name for libcurl: the host is still refused */
	REFUSE("http://localhost%40192.0.2.2/", "%");
}

static void
test_backslashes(void)
{
	REFUSE("http://127.0.0.1\\@192.0.2.2/", "backslash");
	REFUSE("http://192.0.2.2\\@127.0.0.1/", "backslash");
	REFUSE("http:\\\\localhost\\", "backslash");
	REFUSE("https://www.okx.com\\api", "backslash");
}

static void
test_hosts(void)
{
	REFUSE("http://localhost.evil.com/", "localhost.evil.com");
	REFUSE("http://127.0.0.1.nip.io/", "127.0.0.1.nip.io");
	REFUSE("http://localhost./", "only");
	REFUSE("http://evil.com/localhost", "evil.com");
	REFUSE("http://example.com", "only");
	REFUSE("http://192.0.2.1:5000", "only");
	REFUSE("http://10.0.0.1/", "only");
	REFUSE("http://0.0.0.0/", "only");
	REFUSE("http://127.0.0.2/", "only");
	REFUSE("http://[::ffff:127.0.0.1]/", "only");
	REFUSE("http://[::2]/", "only");
	REFUSE("http://[fe80::1]/", "only");
	/* a zone id is percent-encoded in the host */
	REFUSE("http://[::1%25lo]/", "%");
	/* percent-encoded hosts: libcurl would decode them; we do not take that risk */
	REFUSE("http://%6cocalhost/", "%");
	REFUSE("http://127.0.0.%31/", "%");
	REFUSE("https://www.okx%2ecom/", "%");
	REFUSE("http://local%00host/", "%");
	/* non-ASCII look-alikes (a roman numeral fifty for the l) */
	REFUSE("http://\xe2\x85\xbc" "ocalhost/", "non-ASCII");
	REFUSE("https://ex\xc3\xa4mple.com/", "non-ASCII");
}

static void
test_schemes(void)
{
	REFUSE("ftp://localhost/", "https://");
	REFUSE("file:///etc/passwd", "https://");
	REFUSE("gopher://localhost/", "https://");
	REFUSE("httpx://localhost/", "https://");
	REFUSE("www.okx.com", "https://");
	REFUSE("localhost:5000", "https://");
	REFUSE("//localhost/", "https://");
	/* libcurl is lenient with slashes; we are not */
	REFUSE("http:/localhost/", "https://");
	REFUSE("http:localhost:1", "https://");
	REFUSE("https:/www.okx.com", "https://");
}

static void
test_missing_host(void)
{
	REFUSE("https://", "host");
	REFUSE("http://", "host");
	REFUSE("https:///path", "host");
	REFUSE("http:///localhost", "host");
	REFUSE("http://:80/", "host");
	REFUSE("http://[]/", NULL);
}

static void
test_query_fragment_port(void)
{
	REFUSE("https://www.okx.com/?a=1", "query");
	REFUSE("https://www.okx.com?", "query");
	REFUSE("https://www.okx.com#frag", "fragment");
	REFUSE("https://www.okx.com/#", "fragment");
	REFUSE("http://localhost:18778#@192.0.2.2", NULL);
	REFUSE("http://localhost:99999/", NULL);
	REFUSE("http://localhost:80:80/", NULL);
	REFUSE("https://www.okx.com:0x50/", NULL);
}

static void
test_whitespace_and_controls(void)
{
	REFUSE(" https://www.okx.com", "space");
	REFUSE("https://www.okx.com ", "space");
	REFUSE("https://www .okx.com", "space");
	REFUSE("https://www.okx.com\n", "space");
	REFUSE("http://loc\talhost/", "space");
	REFUSE("http://localhost\r\nHost: evil/", "space");
	REFUSE("https://www.okx.com\x7f", "space");
}

static void
test_empty_and_long(void)
{
	char	   *big;
	size_t		n = 1024 * 1024;

	REFUSE("", "empty");
	REFUSE(NULL, "empty");

	/* the longest allowed URL passes; one character more does not */
	big = malloc(n + 1);
	if (!CHECK(big != NULL))
		return;
	memset(big, 'a', n);
	memcpy(big, "https://x.com/", 14);
	big[BIFROST_MAX_BASE_URL_LEN] = '\0';
	ACCEPT(big);
	big[BIFROST_MAX_BASE_URL_LEN] = 'a';
	big[BIFROST_MAX_BASE_URL_LEN + 1] = '\0';
	REFUSE(big, "longer");
	/* a megabyte, and a megabyte of host */
	big[BIFROST_MAX_BASE_URL_LEN + 1] = 'a';
	big[n] = '\0';
	REFUSE(big, "longer");
	memcpy(big, "http://", 7);
	REFUSE(big, "longer");
	free(big);
}

static void
test_reason_fits(void)
{
	char		why[8];

	/* a short buffer gets a cut, terminated reason, never an overflow */
	CHECK(!url_check_base("http://localhost.evil.com/", why, sizeof(why)));
	CHECK(strlen(why) < sizeof(why));
	CHECK(url_check_base("https://www.okx.com", NULL, 0));
	CHECK(!url_check_base("http://example.com", NULL, 0));
}

int
main(void)
{
	test_accepted();
	test_user_info();
	test_backslashes();
	test_hosts();
	test_schemes();
	test_missing_host();
	test_query_fragment_port();
	test_whitespace_and_controls();
	test_empty_and_long();
	test_reason_fits();
	return unit_summary("url_check");
}
