/*
 * echo.h: user-supplied values as error messages repeat them.
 *
 * A message names the value it refuses, but a megabyte of it helps nobody
 * and fills the server log.  Every ereport that repeats a value a user gave
 * passes it through one of these first: they keep its first
 * BIFROST_ECHO_MAX_CHARS characters (whole characters of the database
 * encoding) and mark a cut with "...".  SQL and PL/pgSQL code uses the same
 * cut through bifrost._echo(text).
 */
#ifndef BIFROST_ECHO_H
#define BIFROST_ECHO_H

#include "postgres.h"

#include "utils/jsonb.h"

/* Characters of a value a message repeats. */
#define BIFROST_ECHO_MAX_CHARS 64

/* The value as a message shows it (palloc'd); NULL gives "NULL". */
extern char *echo_cstring(const char *value);

/* The same for a text datum, without copying more of it than is shown. */
extern char *echo_text(text *value);

/* A jsonb document as JSON text, cut the same way. */
extern char *echo_jsonb(Jsonb *value);

#endif							/* BIFROST_ECHO_H */
