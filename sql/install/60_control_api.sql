/*
 * sql/install/60_control_api.sql: starting and steering the hedger (role
 * bifrost_operator).  bifrost_start() launches a worker; the other control
 * functions record their command in bifrost.daemon_control and set the
 * worker's latch: the worker acts when the transaction commits and writes
 * the result in the row.  Every control function is SECURITY DEFINER with
 * its search_path pinned, so an operator needs no right on the tables behind
 * it.
 */

------------------------------------------------------------------------------
-- The worker's single-instance lock, and waking it.
------------------------------------------------------------------------------

-- The hedger holds a lock of type userlock (keys 1111904084, 1) for its whole
-- life, which no SQL function can take, so no session can keep it from
-- starting; with two int4 keys it shows in pg_locks with objsubid 2.
CREATE FUNCTION bifrost.worker_pid()
RETURNS integer
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT l.pid
      FROM pg_catalog.pg_locks l
     WHERE l.locktype = 'userlock'
       AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
       AND l.classid = 1111904084
       AND l.objid = 1
       AND l.objsubid = 2
       AND l.granted
     LIMIT 1
$$;
COMMENT ON FUNCTION bifrost.worker_pid() IS 'Pid of the process holding the hedger''s single-instance lock in this database, NULL when none runs';

CREATE FUNCTION bifrost._wake_worker()
RETURNS boolean
AS 'MODULE_PATHNAME', 'bifrost_wake_worker'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION bifrost._wake_worker() IS 'Sets the latch of this database''s hedger so it reads its command queue now; false when none runs';

-- Records a control command and wakes the worker.  Runs with the rights of
-- the SECURITY DEFINER function that calls it; not callable by PUBLIC.
CREATE FUNCTION bifrost._send_command(cmd text, note text DEFAULT NULL)
RETURNS boolean
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    command_id bigint;
BEGIN
    IF cmd IS NULL OR cmd NOT IN ('start', 'stop', 'suspend', 'resume', 'retry_broker', 'flatten', 'resume_trading') THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = pg_catalog.format('unknown bifrost command: %s', coalesce(pg_catalog.quote_literal(bifrost._echo(cmd)), 'NULL')),
            DETAIL = 'Commands are start, stop, suspend, resume, retry_broker, flatten and resume_trading.';
    END IF;

    INSERT INTO bifrost.daemon_control (command, requested_by)
    VALUES (cmd, session_user)
    RETURNING id INTO command_id;

    IF bifrost.worker_pid() IS NULL THEN
        UPDATE bifrost.daemon_control
           SET consumed_at = pg_catalog.clock_timestamp(), result = 'no worker running'
         WHERE id = command_id;
        RAISE NOTICE 'no bifrost hedger is running in this database; command "%" was recorded but not delivered', cmd
            USING DETAIL = coalesce(note, 'The command is marked consumed with result "no worker running".'),
                  HINT = 'Start the hedger with SELECT bifrost_start(); or add bifrost to shared_preload_libraries.';
        RETURN false;
    END IF;

    RETURN bifrost._wake_worker();
END
$$;
COMMENT ON FUNCTION bifrost._send_command(text, text) IS 'Queues a command in bifrost.daemon_control and wakes the hedger; false (with a notice) when no hedger runs';

-- The operator's run flag, set by suspend, resume and flatten alike; STRICT:
-- a NULL flag has no meaning (the column is NOT NULL).
CREATE FUNCTION bifrost._set_suspended(flag boolean)
RETURNS void
LANGUAGE sql VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    INSERT INTO bifrost.daemon_run_status AS r (id, suspended, updated_at, updated_by)
    VALUES (1, flag, pg_catalog.now(), session_user)
    ON CONFLICT (id) DO UPDATE
        SET suspended = excluded.suspended, updated_at = excluded.updated_at, updated_by = excluded.updated_by;
$$;
COMMENT ON FUNCTION bifrost._set_suspended(boolean) IS
    'Sets bifrost.daemon_run_status.suspended (saved across restarts); called by the SECURITY DEFINER control functions';

------------------------------------------------------------------------------
-- Control (role bifrost_operator).
------------------------------------------------------------------------------

CREATE FUNCTION bifrost_start()
RETURNS integer
AS 'MODULE_PATHNAME', 'bifrost_start'
LANGUAGE C VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION bifrost_start() IS 'Launches the hedger worker for this database unless one runs; returns its pid';

CREATE FUNCTION bifrost_stop()
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN bifrost._send_command('stop');
END
$$;
COMMENT ON FUNCTION bifrost_stop() IS 'Asks the hedger to stop (it writes STOPPED and graceful_shutdown_at); false when none runs';

CREATE FUNCTION bifrost_suspend()
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM bifrost._set_suspended(true);
    RETURN bifrost._send_command('suspend',
        'The suspended flag is saved: a hedger started later stays suspended until bifrost_resume().');
END
$$;
COMMENT ON FUNCTION bifrost_suspend() IS 'Suspends hedging (the worker keeps running and reporting); the flag survives restarts';

CREATE FUNCTION bifrost_resume()
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM bifrost._set_suspended(false);
    RETURN bifrost._send_command('resume',
        'The suspended flag is cleared: a hedger started later hedges right away.');
END
$$;
COMMENT ON FUNCTION bifrost_resume() IS 'Resumes hedging after bifrost_suspend()';

CREATE FUNCTION bifrost_retry_broker()
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN bifrost._send_command('retry_broker');
END
$$;
COMMENT ON FUNCTION bifrost_retry_broker() IS 'Asks a hedger waiting for its broker (WAITING_BROKER) to reconnect now instead of at the next heartbeat';

CREATE FUNCTION bifrost_flatten()
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- flatten suspends hedging first, so nothing re-hedges the position away
    PERFORM bifrost._set_suspended(true);
    RETURN bifrost._send_command('flatten',
        'Hedging is suspended: it stays so until bifrost_resume().');
END
$$;
COMMENT ON FUNCTION bifrost_flatten() IS
    'Suspends hedging and sends the order that takes the hedge position to zero (operations state_reason flatten); stays suspended until bifrost_resume()';

CREATE FUNCTION bifrost_resume_trading()
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN bifrost._send_command('resume_trading');
END
$$;
COMMENT ON FUNCTION bifrost_resume_trading() IS
    'Takes the trading state machine from SAFE to SYNC by hand (when no fault remains); the result is in bifrost.daemon_control';
