/*
 * hedger_unit.c: units of rows written through the port, and memory put
 * back when one fails (hedger_core.h, "Memory follows the tables").
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hedger_internal.h"

void
unit_begin(hcore_unit *u, const char *activity, bool durable)
{
	memset(u, 0, sizeof(*u));
	u->activity = activity;
	u->durable = durable;
}

hcore_row *
unit_add(hcore_unit *u, hcore_row_kind kind, double ts)
{
	hcore_row  *r;

	/* the units are fixed by the code: running out of room is a bug */
	if (u->n_rows >= HCORE_UNIT_MAX_ROWS)
		u->n_rows = HCORE_UNIT_MAX_ROWS - 1;
	r = &u->rows[u->n_rows++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->ts = ts;
	return r;
}

void
unit_add_status(hcore *c, hcore_unit *u, double ts, const char *history_reason)
{
	hcore_row  *r = unit_add(u, HROW_STATUS, ts);

	hcore_figures(c, &r->u.status.figures);
	r->u.status.history_reason = history_reason;
}

void
core_log(const hcore *c, hcore_log_level level, const char *fmt,...)
{
	char		line[1024];
	va_list		ap;

	if (c->port.log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	c->port.log(c->port.ctx, level, line);
}

void
note_write_failure(hcore *c, const char *error)
{
	core_log(c, HCORE_WARNING, "%s", error);
	if (!c->write_failed)
		snprintf(c->write_error, sizeof(c->write_error), "%s", error);
	c->write_failed = true;
}

bool
unit_write(hcore *c, hcore_unit *u)
{
	char		error[512];

	error[0] = '\0';
	if (c->port.write(c->port.ctx, u, error, sizeof(error)))
		return true;
	note_write_failure(c, error[0] ? error : "a write failed");
	return false;
}

bool
hcore_round_failed(hcore *c, char *error, size_t errlen)
{
	bool		failed = c->write_failed;

	if (failed && error && errlen > 0)
		snprintf(error, errlen, "%s", c->write_error);
	c->write_failed = false;
	return failed;
}

bool
commit_or_restore(hcore *c, hcore_unit *u, const hcore_ledger *m)
{
	if (unit_write(c, u))
		return true;
	c->led = *m;
	return false;
}
