/*
 * broker_link.h: "is the broker there?" — the connect step of the daemon.
 *
 * paper is always there; okx asks the public time endpoint; ibkr asks the
 * Client Portal gateway whether its brokerage session is authenticated.
 * Plain C on top of http.h.
 */
#ifndef BIFROST_BROKER_LINK_H
#define BIFROST_BROKER_LINK_H

#include "http.h"

typedef enum broker_link_kind
{
	BROKER_LINK_PAPER,
	BROKER_LINK_OKX,
	BROKER_LINK_IBKR
} broker_link_kind;

typedef enum broker_link_result
{
	BROKER_LINK_UP,
	BROKER_LINK_DOWN,
	BROKER_LINK_ABORTED
} broker_link_result;

extern broker_link_result broker_link_probe(broker_link_kind kind, const char *base_url,
											long timeout_ms, http_abort_fn should_abort,
											void *abort_arg, char *why, size_t whylen);

#endif							/* BIFROST_BROKER_LINK_H */
