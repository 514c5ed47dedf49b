/*
 * daemon_store.h: the hedger daemon's own rows: bifrost.daemon_heartbeat,
 * status_current and status_history, daemon_run_status, daemon_control.
 * "Inside store_run" functions run in the caller's transaction (SPI
 * connected, spi/store.h).
 */
#ifndef BIFROST_DAEMON_STORE_H
#define BIFROST_DAEMON_STORE_H

#include "postgres.h"

#include "datatype/timestamp.h"

#include "engine/daemon_fsm.h"
#include "pg/hedger/hedger.h"

#define STORE_MAX_COMMANDS_PER_CLAIM 32

/* What a heartbeat or status row says about the daemon. */
typedef struct daemon_snapshot
{
	daemon_state state;
	const char *trading_state;
	const char *broker;
	bool		broker_connected;
	int			heartbeat_sec;
	TimestampTz started_at;
	TimestampTz next_retry;		/* 0 when no retry is scheduled */
	bool		graceful_stop;	/* stamp graceful_shutdown_at */
	const hedger_figures *figures;	/* NULL or !valid: no trading figures yet */
} daemon_snapshot;

typedef struct control_command
{
	int64		id;
	char		command[32];
	bool		stale;			/* issued before this worker started */
} control_command;

/* Inside store_run: */
extern void store_write_heartbeat(const daemon_snapshot *snap);
extern void store_write_status(const daemon_snapshot *snap, const char *history_reason);
extern bool store_read_suspended(void);
extern int	store_claim_commands(TimestampTz worker_started, control_command *out, int max);
extern void store_set_command_result(int64 id, const char *result);
extern int64 store_unfinished_flatten(void);
extern void store_record_error(const char *message);
extern void store_config_hash(char *out, size_t len);

/*
 * Outside store_run: records message in daemon_heartbeat.last_error in a
 * transaction of its own.  Best effort: false when even that failed.
 */
extern bool store_note_error(const char *message);

#endif							/* BIFROST_DAEMON_STORE_H */
