/*
 * sessions.h: who a request is, and the database connections it uses.
 *
 * People log in through the page with their PostgreSQL role and password:
 * the application connects as them, and that connection is the session
 * (a random token in an HttpOnly cookie, a CSRF token for its POSTs).
 * The password is not kept: when the connection breaks the session ends.
 * Machines send HTTP Basic credentials with each request: a credential's
 * pool is found by the role and a salted SHA-256 of the password, so a
 * wrong password never reaches another's connections.
 *
 * Both are reference counted: a request holds what it found until it
 * releases it, and an ended session's connections close after the last
 * request that held it.
 */
#ifndef BIFROST_APP_SESSIONS_H
#define BIFROST_APP_SESSIONS_H

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include "app/app_config.h"
#include "app/pool.h"

#define SESSION_TOKEN_HEX 64		/* 32 random bytes */
#define SESSION_MAX 10000
#define CREDENTIAL_MAX 64
/* Sessions of one role at once: a role cannot take every session and connection. */
#define SESSIONS_PER_ROLE 8
/* The longest role name PostgreSQL keeps (NAMEDATALEN - 1): a longer one is cut, so refused here. */
#define ROLE_NAME_MAX 63

typedef struct app_identity
{
	char		role[APP_CONFIG_TEXT_MAX];
	bool		can_read;		/* a member of bifrost_reader (or bifrost_operator) */
	bool		can_control;	/* a member of bifrost_operator */
	conn_pool	pool;
	int			refs;
	time_t		last_used;
	bool		ended;
	bool		is_session;
	char		token[SESSION_TOKEN_HEX + 1];	/* a session's */
	char		csrf[SESSION_TOKEN_HEX + 1];
	unsigned char key[32];		/* a credential's: SHA-256 of the salt, role and password */
	time_t		verified;		/* a credential's: when its password was last proved */
} app_identity;

typedef struct session_store
{
	pthread_mutex_t lock;
	const app_config *cfg;
	unsigned char salt[32];
	app_identity *sessions[SESSION_MAX];
	int			n_sessions;
	app_identity *credentials[CREDENTIAL_MAX];
	int			n_credentials;
} session_store;

extern bool session_store_init(session_store *store, const app_config *cfg);

/* Ends every session and credential (shutdown). */
extern void session_store_close(session_store *store);

/*
 * Logs role in with password: a new session holding its connection,
 * returned held (release it).  NULL with *outcome and message when the
 * server refuses the login or there is no room.
 */
extern app_identity *sessions_login(session_store *store, const char *role, const char *password,
									db_connect_outcome *outcome, char *message, size_t message_size);

/* The live session of token (held), or NULL; using it keeps it alive. */
extern app_identity *sessions_find(session_store *store, const char *token);

/* Ends a session now (logout); its connections close once released. */
extern void sessions_end(session_store *store, app_identity *who);

/*
 * The credential of role and password (held): one seen and proved within
 * credential_recheck_s (a changed password, NOLOGIN or VALID UNTIL takes
 * effect within it), or a new one once a connection with them succeeds.
 * NULL with *outcome.
 */
extern app_identity *credentials_find(session_store *store, const char *role, const char *password,
									  db_connect_outcome *outcome, char *message, size_t message_size);

/*
 * Whether role and password are a credential proved before and still kept
 * (no database call): its re-check is no guess, so the login limit lets it
 * through.
 */
extern bool credentials_known(session_store *store, const char *role, const char *password);

/* Reads who's rights on its connection (pg_has_role): false with message when it cannot. */
extern bool identity_read_rights(PGconn *conn, app_identity *who, char *message, size_t message_size);

/* The monitor role's (no password), for unauthenticated /healthz and /metrics. */
extern app_identity *credentials_monitor(session_store *store, db_connect_outcome *outcome,
										 char *message, size_t message_size);

/*
 * A connection of who's (give it back with pool_give(&who->pool, ...)): a
 * credential's pool may open one more with the request's password (NULL
 * for the monitor role); a session has only its own.
 */
extern PGconn *identity_take(const session_store *store, app_identity *who, const char *password,
							 db_connect_outcome *outcome, char *message, size_t message_size);

extern void identity_release(session_store *store, app_identity *who);

/* Ends sessions unused for session_idle_s; returns how many. */
extern int	sessions_expire(session_store *store, time_t now);

/* Equal without a timing difference that tells how much of a secret matched. */
extern bool secret_equal(const char *a, const char *b);

#endif							/* BIFROST_APP_SESSIONS_H */
