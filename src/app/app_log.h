/*
 * app_log.h: one line on standard error (journald), prefixed
 * "bifrost-status: ", with every control character of what it quotes
 * (a role name, a server message) shown as '?', so nothing a client sends
 * can forge a line of its own; at most 20 lines a second, the rest
 * counted in a line of their own, so no client can flood the log.
 */
#ifndef BIFROST_APP_LOG_H
#define BIFROST_APP_LOG_H

extern void app_log(const char *fmt,...) __attribute__((format(printf, 1, 2)));

#endif							/* BIFROST_APP_LOG_H */
