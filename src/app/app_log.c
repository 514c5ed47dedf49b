/*
 * app_log.c: log lines that cannot be forged (app_log.h).
 */
#include "app/app_log.h"

#include <stdarg.h>
#include <stdio.h>

#define LOG_LINE_MAX 1024

void
app_log(const char *fmt,...)
{
	char		line[LOG_LINE_MAX];
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	for (char *p = line; *p; p++)
		if ((unsigned char) *p < 0x20 || *p == 0x7f)
			*p = '?';
	fprintf(stderr, "bifrost-status: %s\n", line);
}
