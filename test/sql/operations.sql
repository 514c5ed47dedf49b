-- operations: bifrost_operations() filters, order, limits and bad input.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS bifrost;
RESET client_min_messages;
SET TimeZone = 'UTC';

-- one hedge cycle and a rejected retry; two rows share a timestamp
INSERT INTO bifrost.operations (ts, type, side, quantity, price, state_reason, client_order_id, decision_mid)
VALUES ('2026-03-02 14:30:00+00', 'hedge_intent', 'SELL', 30, NULL,   'D2',           NULL,    100.00),
       ('2026-03-02 14:30:00+00', 'order_sent',   'SELL', 30, NULL,   'D2',           'bf-1',  100.00),
       ('2026-03-02 14:30:01+00', 'fill',         'SELL', 30, 99.98,  'D2',           'bf-1',  100.00),
       ('2026-03-02 15:00:00+00', 'hedge_intent', 'BUY',  600, NULL,  'D3',           NULL,    101.50),
       ('2026-03-02 15:00:00.5+00', 'order_sent', 'BUY',  500, NULL,  'D3',           'bf-2',  101.50),
       ('2026-03-02 15:00:01+00', 'reject',       'BUY',  500, NULL,  'order_failed', 'bf-2',  101.50),
       ('2026-03-02 15:05:00+00', 'cancel',       'BUY',  500, NULL,  'timeout',      'bf-2',  101.50),
       ('2026-03-03 14:31:00+00', 'hedge_intent', 'BUY',  25,  NULL,  'D2',           NULL,    98.00);

-- everything, newest first (ties by id, newest first)
SELECT ts, type, side, quantity, price, state_reason, client_order_id FROM bifrost_operations();

-- one type
SELECT ts, type, quantity FROM bifrost_operations(op_type => 'hedge_intent');
SELECT ts, type, quantity FROM bifrost_operations(op_type => 'fill');

-- since and until are inclusive
SELECT ts, type FROM bifrost_operations(since => '2026-03-02 15:00:00+00');
SELECT ts, type FROM bifrost_operations(until => '2026-03-02 14:30:01+00');
SELECT ts, type FROM bifrost_operations('2026-03-02 14:30:00+00', '2026-03-02 14:30:00+00');
SELECT ts, type FROM bifrost_operations('2026-03-02 15:00:00+00', '2026-03-02 15:10:00+00', 'order_sent');
SELECT count(*) FROM bifrost_operations('2026-03-04', '2026-03-05');

-- lim keeps the newest rows; 1 and 1000 are the bounds
SELECT ts, type FROM bifrost_operations(lim => 2);
SELECT count(*) FROM bifrost_operations(lim => 1);
SELECT count(*) FROM bifrost_operations(lim => 1000);

-- paging: the next page ends just before the oldest row of this one
SELECT ts, type FROM bifrost_operations(until => '2026-03-02 15:00:00.5+00'::timestamptz - interval '1 microsecond', lim => 3);

-- the rows are bifrost.operations rows, every column included
SELECT block_reason, decision_mid, realized_pnl FROM bifrost_operations(op_type => 'fill');

-- bad input: 22023 with the argument and its value named
SELECT * FROM bifrost_operations(lim => 0);
SELECT * FROM bifrost_operations(lim => 1001);
SELECT * FROM bifrost_operations(lim => -5);
SELECT * FROM bifrost_operations(lim => NULL);
SELECT * FROM bifrost_operations(op_type => 'trade');
SELECT * FROM bifrost_operations(op_type => 'FILL');
SELECT * FROM bifrost_operations(op_type => '');
SELECT * FROM bifrost_operations('2026-03-03', '2026-03-02');

CREATE FUNCTION pg_temp.sqlstate_of(cmd text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE cmd;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE;
END
$$;
SELECT cmd, pg_temp.sqlstate_of(cmd) AS sqlstate
  FROM (VALUES ('SELECT * FROM bifrost_operations(lim => 0)'),
               ('SELECT * FROM bifrost_operations(op_type => ''trade'')'),
               ('SELECT * FROM bifrost_operations(''2026-03-03'', ''2026-03-02'')'),
               ('SELECT * FROM bifrost_operations(''2026-03-02'', ''2026-03-03'', ''fill'', 1000)')) v(cmd);

-- readers may call it
BEGIN;
SET LOCAL ROLE bifrost_reader;
SELECT count(*) FROM bifrost_operations();
ROLLBACK;

DELETE FROM bifrost.operations;
RESET TimeZone;
