/*
 * daemon.h: the hedger daemon's run, shared by its life cycle (daemon.c)
 * and its control commands (commands.c).  Private to the hedger folder.
 */
#ifndef BIFROST_HEDGER_DAEMON_H
#define BIFROST_HEDGER_DAEMON_H

#include "postgres.h"

#include "datatype/timestamp.h"

#include "engine/daemon_fsm.h"
#include "pg/spi/store.h"

/* Everything the loop knows about its own run. */
typedef struct daemon_run
{
	daemon_state state;
	bool		broker_connected;
	bool		suspended;		/* operator flag or bifrost.enabled = off */
	bool		extension_ready;
	bool		stopping;		/* the last writes are under way */
	bool		stopped_written;
	TimestampTz started_at;
	double		next_heartbeat; /* monotonic */
	double		next_retry;		/* monotonic, WAITING_BROKER only */
	int			heartbeats;
	char		config_hash[16];	/* of bifrost.config when last written */
	char		last_error[STORE_ERROR_MAX];
} daemon_run;

extern daemon_run run;

/* --- daemon.c --- */

/* Logs a failed unit of work into daemon_heartbeat.last_error (best effort). */
extern void daemon_record_error(const char *message);

/* Reads the operator's suspended flag (daemon_run_status). */
extern void daemon_refresh_suspended(void);

/* RUNNING <-> RUNNING_SUSPENDED after the flag or bifrost.enabled changed. */
extern void daemon_apply_suspension(void);

/* The operator's flag or bifrost.enabled = off. */
extern bool daemon_suspend_wanted(void);

/* IDLE or WAITING_BROKER -> CONNECTING -> CONNECTED -> RUNNING, or back to WAITING_BROKER. */
extern void daemon_connect_broker(void);

/* --- commands.c --- */

/* Claims the queued commands of daemon_control, acts on each, records its result. */
extern void daemon_handle_commands(void);

#endif							/* BIFROST_HEDGER_DAEMON_H */
