/*
 * sessions.c: sessions and credentials (sessions.h).
 */
#include "app/sessions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

/* How long a request waits for a busy connection of its role. */
#define TAKE_WAIT_MS 2000

static bool
random_bytes(unsigned char *buf, size_t n)
{
	size_t		got = 0;

	while (got < n)
	{
		ssize_t		r = getrandom(buf + got, n - got, 0);

		if (r <= 0)
			return false;
		got += (size_t) r;
	}
	return true;
}

static bool
random_hex(char *out)
{
	unsigned char raw[SESSION_TOKEN_HEX / 2];

	if (!random_bytes(raw, sizeof(raw)))
		return false;
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
	return true;
}

bool
secret_equal(const char *a, const char *b)
{
	size_t		n = strlen(a);

	return n == strlen(b) && CRYPTO_memcmp(a, b, n) == 0;
}

static bool
credential_key(const session_store *store, const char *role, const char *password, unsigned char *key)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int len = 0;
	bool		ok;

	if (ctx == NULL)
		return false;
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
		EVP_DigestUpdate(ctx, store->salt, sizeof(store->salt)) == 1 &&
		EVP_DigestUpdate(ctx, role, strlen(role) + 1) == 1 &&
		EVP_DigestUpdate(ctx, password, strlen(password)) == 1 &&
		EVP_DigestFinal_ex(ctx, key, &len) == 1 && len == 32;
	EVP_MD_CTX_free(ctx);
	return ok;
}

bool
session_store_init(session_store *store, const app_config *cfg)
{
	memset(store, 0, sizeof(*store));
	pthread_mutex_init(&store->lock, NULL);
	store->cfg = cfg;
	return random_bytes(store->salt, sizeof(store->salt));
}

static void
identity_free(app_identity *who)
{
	pool_close(&who->pool);
	explicit_bzero(who->key, sizeof(who->key));
	free(who);
}

/* Removes who from its table (lock held); it is freed by its last release, or here when unheld. */
static void
unlist(session_store *store, app_identity *who)
{
	app_identity **table = who->is_session ? store->sessions : store->credentials;
	int		   *n = who->is_session ? &store->n_sessions : &store->n_credentials;

	for (int i = 0; i < *n; i++)
		if (table[i] == who)
		{
			table[i] = table[--*n];
			break;
		}
	who->ended = true;
}

void
session_store_close(session_store *store)
{
	pthread_mutex_lock(&store->lock);
	while (store->n_sessions > 0)
	{
		app_identity *who = store->sessions[0];

		unlist(store, who);
		if (who->refs == 0)
			identity_free(who);
	}
	while (store->n_credentials > 0)
	{
		app_identity *who = store->credentials[0];

		unlist(store, who);
		if (who->refs == 0)
			identity_free(who);
	}
	pthread_mutex_unlock(&store->lock);
}

/* The role's rights, read on its own connection: the database says, not the application. */
bool
identity_read_rights(PGconn *conn, app_identity *who, char *message, size_t message_size)
{
	db_result	r;

	db_query_value(conn,
				   "SELECT pg_catalog.concat("
				   "pg_catalog.pg_has_role('bifrost_reader', 'USAGE')::int, "
				   "pg_catalog.pg_has_role('bifrost_operator', 'USAGE')::int)",
				   0, NULL, &r);
	if (!r.ok || r.text == NULL || strlen(r.text) != 2)
	{
		snprintf(message, message_size, "could not read the role's rights: %s", r.message);
		db_result_free(&r);
		return false;
	}
	who->can_control = r.text[1] == '1';
	who->can_read = r.text[0] == '1' || who->can_control;
	db_result_free(&r);
	return true;
}

static app_identity *
identity_new(const char *role, int pool_limit)
{
	app_identity *who = calloc(1, sizeof(app_identity));

	if (who == NULL)
		return NULL;
	snprintf(who->role, sizeof(who->role), "%s", role);
	pool_init(&who->pool, role, pool_limit);
	return who;
}

/* Connects and reads the rights: the first connection of a new identity. */
static PGconn *
first_connection(const app_config *cfg, app_identity *who, const char *password,
				 db_connect_outcome *outcome, char *message, size_t message_size)
{
	PGconn	   *conn = db_connect(cfg, who->role, password, outcome, message, message_size);

	if (conn == NULL)
		return NULL;
	if (!identity_read_rights(conn, who, message, message_size))
	{
		*outcome = DB_UNAVAILABLE;
		db_close(conn);
		return NULL;
	}
	return conn;
}

app_identity *
sessions_login(session_store *store, const char *role, const char *password,
			   db_connect_outcome *outcome, char *message, size_t message_size)
{
	const app_config *cfg = store->cfg;
	app_identity *who = identity_new(role, 1);
	PGconn	   *conn;

	if (who == NULL)
	{
		*outcome = DB_UNAVAILABLE;
		snprintf(message, message_size, "out of memory");
		return NULL;
	}
	who->is_session = true;
	if (!random_hex(who->token) || !random_hex(who->csrf))
	{
		*outcome = DB_UNAVAILABLE;
		snprintf(message, message_size, "no random bytes for a session token");
		identity_free(who);
		return NULL;
	}
	conn = first_connection(cfg, who, password, outcome, message, message_size);
	if (conn == NULL)
	{
		identity_free(who);
		return NULL;
	}
	pool_adopt(&who->pool, conn);

	pthread_mutex_lock(&store->lock);
	{
		int			of_role = 0;

		for (int i = 0; i < store->n_sessions; i++)
			of_role += strcmp(store->sessions[i]->role, who->role) == 0;
		if (store->n_sessions >= cfg->max_sessions || store->n_sessions >= SESSION_MAX ||
			of_role >= SESSIONS_PER_ROLE)
		{
			pthread_mutex_unlock(&store->lock);
			*outcome = DB_LIMITED;
			if (of_role >= SESSIONS_PER_ROLE)
				snprintf(message, message_size, "role %s has %d sessions open already: log out of one",
						 who->role, of_role);
			else
				snprintf(message, message_size, "too many sessions (max_sessions = %d)", cfg->max_sessions);
			identity_free(who);
			return NULL;
		}
	}
	who->refs = 1;
	who->last_used = time(NULL);
	store->sessions[store->n_sessions++] = who;
	pthread_mutex_unlock(&store->lock);
	return who;
}

app_identity *
sessions_find(session_store *store, const char *token)
{
	app_identity *found = NULL;
	time_t		now = time(NULL);

	if (strlen(token) != SESSION_TOKEN_HEX)
		return NULL;
	pthread_mutex_lock(&store->lock);
	for (int i = 0; i < store->n_sessions; i++)
	{
		app_identity *who = store->sessions[i];

		if (secret_equal(who->token, token))
		{
			if (now - who->last_used <= store->cfg->session_idle_s)
			{
				who->refs++;
				who->last_used = now;
				found = who;
			}
			break;
		}
	}
	pthread_mutex_unlock(&store->lock);
	return found;
}

void
sessions_end(session_store *store, app_identity *who)
{
	pthread_mutex_lock(&store->lock);
	if (!who->ended)
		unlist(store, who);
	pthread_mutex_unlock(&store->lock);
}

void
identity_release(session_store *store, app_identity *who)
{
	bool		free_now;

	if (who == NULL)
		return;
	pthread_mutex_lock(&store->lock);
	who->refs--;
	free_now = who->refs == 0 && who->ended;
	pthread_mutex_unlock(&store->lock);
	if (free_now)
		identity_free(who);
}

/* Makes room for one credential (lock held): the least recently used one nobody holds. */
static bool
credential_room(session_store *store)
{
	int			oldest = -1;

	if (store->n_credentials < CREDENTIAL_MAX)
		return true;
	for (int i = 0; i < store->n_credentials; i++)
		if (store->credentials[i]->refs == 0 &&
			(oldest < 0 || store->credentials[i]->last_used < store->credentials[oldest]->last_used))
			oldest = i;
	if (oldest < 0)
		return false;
	{
		app_identity *who = store->credentials[oldest];

		unlist(store, who);
		identity_free(who);
	}
	return true;
}

/*
 * The credential of role and key (lock held), held, or NULL; one whose
 * password was proved too long ago is ended instead, so the caller proves
 * it again with a new connection.
 */
static app_identity *
credential_lookup(session_store *store, const char *role, const unsigned char *key)
{
	time_t		now = time(NULL);

	for (int i = 0; i < store->n_credentials; i++)
	{
		app_identity *who = store->credentials[i];

		if (strcmp(who->role, role) == 0 && CRYPTO_memcmp(who->key, key, 32) == 0)
		{
			if (now - who->verified > store->cfg->credential_recheck_s)
			{
				unlist(store, who);
				if (who->refs == 0)
					identity_free(who);
				return NULL;
			}
			who->refs++;
			who->last_used = now;
			return who;
		}
	}
	return NULL;
}

bool
credentials_known(session_store *store, const char *role, const char *password)
{
	unsigned char key[32];
	bool		known = false;

	if (!credential_key(store, role, password, key))
		return false;
	pthread_mutex_lock(&store->lock);
	for (int i = 0; i < store->n_credentials; i++)
	{
		app_identity *who = store->credentials[i];

		/* proved once (its re-check may be due): the re-check itself is no guess */
		if (strcmp(who->role, role) == 0 && CRYPTO_memcmp(who->key, key, 32) == 0)
			known = true;
	}
	pthread_mutex_unlock(&store->lock);
	explicit_bzero(key, sizeof(key));
	return known;
}

static app_identity *
credential_get(session_store *store, const char *role, const char *password, bool monitor,
			   db_connect_outcome *outcome, char *message, size_t message_size)
{
	unsigned char key[32];
	app_identity *who;
	PGconn	   *conn;

	/* the monitor's key is all zeroes: no salted hash of any password is */
	memset(key, 0, sizeof(key));
	if (!monitor && !credential_key(store, role, password, key))
	{
		*outcome = DB_UNAVAILABLE;
		snprintf(message, message_size, "could not hash the credentials");
		return NULL;
	}
	pthread_mutex_lock(&store->lock);
	who = credential_lookup(store, role, key);
	pthread_mutex_unlock(&store->lock);
	if (who != NULL)
	{
		*outcome = DB_CONNECTED;
		return who;
	}

	/* new: a first connection proves the password before anything is kept */
	who = identity_new(role, store->cfg->pool_per_role);
	if (who == NULL)
	{
		*outcome = DB_UNAVAILABLE;
		snprintf(message, message_size, "out of memory");
		return NULL;
	}
	memcpy(who->key, key, sizeof(key));
	conn = first_connection(store->cfg, who, password, outcome, message, message_size);
	if (conn == NULL)
	{
		identity_free(who);
		return NULL;
	}
	pool_adopt(&who->pool, conn);

	pthread_mutex_lock(&store->lock);
	{
		/* another request may have added the same meanwhile: use that one */
		app_identity *raced = credential_lookup(store, role, key);

		if (raced != NULL)
		{
			pthread_mutex_unlock(&store->lock);
			identity_free(who);
			return raced;
		}
	}
	if (!credential_room(store))
	{
		pthread_mutex_unlock(&store->lock);
		identity_free(who);
		*outcome = DB_LIMITED;
		snprintf(message, message_size, "too many credentials in use at once");
		return NULL;
	}
	who->refs = 1;
	who->last_used = who->verified = time(NULL);
	store->credentials[store->n_credentials++] = who;
	pthread_mutex_unlock(&store->lock);
	return who;
}

app_identity *
credentials_find(session_store *store, const char *role, const char *password,
				 db_connect_outcome *outcome, char *message, size_t message_size)
{
	return credential_get(store, role, password, false, outcome, message, message_size);
}

app_identity *
credentials_monitor(session_store *store, db_connect_outcome *outcome, char *message, size_t message_size)
{
	return credential_get(store, store->cfg->monitor_role, NULL, true, outcome, message, message_size);
}

int
sessions_expire(session_store *store, time_t now)
{
	int			ended = 0;

	pthread_mutex_lock(&store->lock);
	/*
	 * Credentials nobody used since their re-check fell due (a rotated
	 * password, a scraper gone): their connections go back, or they would
	 * hold max_db_connections for good.
	 */
	for (int i = store->n_credentials - 1; i >= 0; i--)
	{
		app_identity *who = store->credentials[i];

		if (who->refs == 0 && now - who->last_used > store->cfg->credential_recheck_s)
		{
			unlist(store, who);
			identity_free(who);
		}
	}
	for (int i = store->n_sessions - 1; i >= 0; i--)
	{
		app_identity *who = store->sessions[i];

		if (now - who->last_used > store->cfg->session_idle_s)
		{
			unlist(store, who);
			if (who->refs == 0)
				identity_free(who);
			ended++;
		}
	}
	pthread_mutex_unlock(&store->lock);
	return ended;
}

PGconn *
identity_take(const session_store *store, app_identity *who, const char *password,
			  db_connect_outcome *outcome, char *message, size_t message_size)
{
	/* a session's one connection was its login's; a credential may open more */
	return pool_take(&who->pool, store->cfg, !who->is_session, password, TAKE_WAIT_MS,
					 outcome, message, message_size);
}
