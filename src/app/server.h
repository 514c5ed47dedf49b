/*
 * server.h: the status application's HTTP server (GNU libmicrohttpd).
 *
 * Requests run on a pool of threads over epoll; slow clients cost a
 * socket, not a thread (the request timeout closes them), and the limits
 * of app_config bound connections, header memory and bodies.
 */
#ifndef BIFROST_APP_SERVER_H
#define BIFROST_APP_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "app/request.h"

/*
 * The TLS files, when given: a PEM certificate, an unencrypted PEM private
 * key, and the two a pair; false with *error saying which is wrong.
 */
extern bool server_check_tls(const app_config *cfg, char *error, size_t error_size);

/* Starts serving; false with *error (the address in use, the TLS files unreadable...). */
extern bool server_start(app_server *server, char *error, size_t error_size);

extern void server_stop(app_server *server);

#endif							/* BIFROST_APP_SERVER_H */
