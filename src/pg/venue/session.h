/*
 * session.h: a venue as the worker opens it, with its secrets read
 * from bifrost.secrets and the worker's stop flag wired into every
 * transfer and wait.
 */
#ifndef BIFROST_VENUE_SESSION_H
#define BIFROST_VENUE_SESSION_H

#include "pg/venue/venue.h"

/*
 * Opens the venue named kind ("okx" or "ibkr") for symbol: reads its
 * secrets (a transaction of its own), initialises and opens it.  NULL with
 * why when it cannot trade or quote the symbol now.  No transaction may be
 * open.
 */
extern venue *venue_session_open(const char *kind, const char *symbol, char *why, size_t whylen);
extern void venue_session_close(venue *v);

#endif							/* BIFROST_VENUE_SESSION_H */
