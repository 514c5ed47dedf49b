/*
 * text_buffer.h: a growing NUL-terminated string with a size limit; a
 * write past the limit or out of memory marks it failed instead.
 */
#ifndef BIFROST_APP_TEXT_BUFFER_H
#define BIFROST_APP_TEXT_BUFFER_H

#include <stdbool.h>
#include <stddef.h>

typedef struct text_buffer
{
	char	   *data;
	size_t		len;
	size_t		cap;
	size_t		limit;
	bool		failed;
} text_buffer;

extern void tb_init(text_buffer *tb, size_t limit);
extern void tb_append(text_buffer *tb, const char *s, size_t n);
extern void tb_puts(text_buffer *tb, const char *s);
extern void tb_printf(text_buffer *tb, const char *fmt,...) __attribute__((format(printf, 2, 3)));
extern void tb_free(text_buffer *tb);

#endif							/* BIFROST_APP_TEXT_BUFFER_H */
