/*
 * app_log.c: log lines that cannot be forged (app_log.h).
 */
#include "app/app_log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#define LOG_LINE_MAX 1024
/* Lines a second at most: what clients cause must not flood the log. */
#define LOG_LINES_PER_SECOND 20

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static time_t log_second;
static int	log_lines;
static long log_dropped;

void
app_log(const char *fmt,...)
{
	char		line[LOG_LINE_MAX];
	va_list		ap;
	time_t		now = time(NULL);
	long		dropped = 0;

	pthread_mutex_lock(&log_lock);
	if (now != log_second)
	{
		dropped = log_dropped;
		log_dropped = 0;
		log_second = now;
		log_lines = 0;
	}
	if (++log_lines > LOG_LINES_PER_SECOND)
	{
		log_dropped++;
		pthread_mutex_unlock(&log_lock);
		return;
	}
	pthread_mutex_unlock(&log_lock);
	if (dropped > 0)
		fprintf(stderr, "bifrost-status: %ld log lines left out in the second before (more than %d a second)\n",
				dropped, LOG_LINES_PER_SECOND);

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	for (char *p = line; *p; p++)
		if ((unsigned char) *p < 0x20 || *p == 0x7f)
			*p = '?';
	fprintf(stderr, "bifrost-status: %s\n", line);
}
