/*
 * text_buffer.c: a growing string with a limit (text_buffer.h).
 */
#include "app/text_buffer.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
tb_init(text_buffer *tb, size_t limit)
{
	memset(tb, 0, sizeof(*tb));
	tb->limit = limit;
}

static bool
reserve(text_buffer *tb, size_t more)
{
	size_t		need;
	char	   *grown;

	if (tb->failed)
		return false;
	need = tb->len + more + 1;
	if (need > tb->limit)
	{
		tb->failed = true;
		return false;
	}
	if (need <= tb->cap)
		return true;
	{
		size_t		cap = tb->cap ? tb->cap : 1024;

		while (cap < need)
			cap *= 2;
		if (cap > tb->limit)
			cap = tb->limit;
		grown = realloc(tb->data, cap);
		if (grown == NULL)
		{
			tb->failed = true;
			return false;
		}
		tb->data = grown;
		tb->cap = cap;
	}
	return true;
}

void
tb_append(text_buffer *tb, const char *s, size_t n)
{
	if (!reserve(tb, n))
		return;
	memcpy(tb->data + tb->len, s, n);
	tb->len += n;
	tb->data[tb->len] = '\0';
}

void
tb_puts(text_buffer *tb, const char *s)
{
	tb_append(tb, s, strlen(s));
}

void
tb_printf(text_buffer *tb, const char *fmt,...)
{
	va_list		ap;
	int			n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !reserve(tb, (size_t) n))
	{
		tb->failed = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(tb->data + tb->len, (size_t) n + 1, fmt, ap);
	va_end(ap);
	tb->len += (size_t) n;
}

void
tb_free(text_buffer *tb)
{
	free(tb->data);
	memset(tb, 0, sizeof(*tb));
}
