/*
 * private_lock.h: heavyweight locks that only bifrost's C code can take.
 *
 * pg_advisory_lock() and its kin take locks of type "advisory", which any
 * login role may hold for as long as it likes; a guard built on them can be
 * squatted.  These locks use the lock manager's "userlock" type instead, which
 * no SQL function takes.  They show in pg_locks (locktype 'userlock',
 * database, classid = key1, objid = key2, objsubid = 2) and the lock manager
 * releases them however their holder ends.
 */
#ifndef BIFROST_PRIVATE_LOCK_H
#define BIFROST_PRIVATE_LOCK_H

#include "postgres.h"

#include "storage/lock.h"

static inline void
set_private_locktag(LOCKTAG *tag, Oid dboid, uint32 key1, uint32 key2)
{
	tag->locktag_field1 = dboid;
	tag->locktag_field2 = key1;
	tag->locktag_field3 = key2;
	tag->locktag_field4 = 2;
	tag->locktag_type = LOCKTAG_USERLOCK;
	tag->locktag_lockmethodid = USER_LOCKMETHOD;
}

#endif							/* BIFROST_PRIVATE_LOCK_H */
