# bifrost: PGXS build.  `make && make install`, then `make installcheck`
# (pg_regress on a temporary instance, then the TAP tests) and
# `make unitcheck` (C unit tests of the pure engine).

EXTENSION = bifrost
EXTVERSION := $(shell sed -n "s/^default_version[[:space:]]*=[[:space:]]*'\([^']*\)'.*/\1/p" bifrost.control)

MODULE_big = bifrost

# The pure engine: no PostgreSQL headers, unit-tested on its own.
ENGINE_OBJS = \
	src/engine/backtest.o \
	src/engine/backtest_keys.o \
	src/engine/backtest_metrics.o \
	src/engine/bs.o \
	src/engine/calendar.o \
	src/engine/classifier.o \
	src/engine/config_schema.o \
	src/engine/daemon_fsm.o \
	src/engine/engine.o \
	src/engine/engine_config.o \
	src/engine/guards.o \
	src/engine/hedger_book.o \
	src/engine/hedger_core.o \
	src/engine/hedger_decide.o \
	src/engine/hedger_orders.o \
	src/engine/hedger_unit.o \
	src/engine/paper_fill.o \
	src/engine/pnl.o \
	src/engine/portfolio.o \
	src/engine/settlement.o \
	src/engine/rng.o \
	src/engine/sim_feed.o \
	src/engine/sizing.o \
	src/engine/tick_quote.o \
	src/engine/trading_fsm.o

# I/O: libcurl and json-c, no PostgreSQL headers either.
NET_OBJS = \
	src/net/http.o \
	src/net/broker_link.o \
	src/net/ibkr_parse.o \
	src/net/json_util.o \
	src/net/json_util_get.o \
	src/net/okx_parse.o \
	src/net/okx_parse_trade.o \
	src/net/okx_size.o \
	src/net/rate_limit.o \
	src/net/url_check.o

# PostgreSQL glue, one folder per subsystem (README, Layout).
PG_OBJS = \
	src/pg/bifrost.o \
	src/pg/common/config_rows.o \
	src/pg/common/echo.o \
	src/pg/common/engine_glue.o \
	src/pg/common/numeric_double.o \
	src/pg/spi/store.o \
	src/pg/bgw/bgw.o \
	src/pg/bgw/connect.o \
	src/pg/bgw/register.o \
	src/pg/venue/venue.o \
	src/pg/venue/session.o \
	src/pg/venue/settings.o \
	src/pg/venue/okx/okx.o \
	src/pg/venue/okx/okx_auth.o \
	src/pg/venue/okx/okx_http.o \
	src/pg/venue/okx/okx_orders.o \
	src/pg/venue/ibkr/ibkr.o \
	src/pg/venue/ibkr/ibkr_http.o \
	src/pg/venue/ibkr/ibkr_orders.o \
	src/pg/hedger/commands.o \
	src/pg/hedger/core_port.o \
	src/pg/hedger/daemon.o \
	src/pg/hedger/daemon_store.o \
	src/pg/hedger/feed.o \
	src/pg/hedger/hedge_store.o \
	src/pg/hedger/hedger.o \
	src/pg/hedger/launch.o \
	src/pg/hedger/leg_settlement.o \
	src/pg/hedger/settings.o \
	src/pg/hedger/trading_config.o \
	src/pg/backtest/quote_source.o \
	src/pg/backtest/record.o \
	src/pg/backtest/run.o \
	src/pg/backtest/settings.o \
	src/pg/backtest/spec.o \
	src/pg/backtest/sweep.o \
	src/pg/backtest/sweep_worker.o \
	src/pg/ingest/fetch.o \
	src/pg/ingest/okx_candles.o \
	src/pg/ingest/okx_market.o \
	src/pg/ingest/request.o \
	src/pg/ingest/run.o \
	src/pg/ingest/schedule.o \
	src/pg/ingest/settings.o \
	src/pg/ingest/worker.o \
	src/pg/sqlapi/backtest.o \
	src/pg/sqlapi/backtest_quotes.o \
	src/pg/sqlapi/calendar.o \
	src/pg/sqlapi/config.o \
	src/pg/sqlapi/echo.o \
	src/pg/sqlapi/control.o \
	src/pg/sqlapi/evaluate.o \
	src/pg/sqlapi/ingest.o \
	src/pg/sqlapi/okx_sign.o \
	src/pg/sqlapi/pricing.o

OBJS = $(PG_OBJS) $(NET_OBJS) $(ENGINE_OBJS)

# The engine and the network code are called only from inside bifrost.so (PostgreSQL looks up
# src/pg's functions alone): hidden, a call among them goes straight to the function rather than
# through the PLT, and may be inlined within its file.
$(ENGINE_OBJS) $(NET_OBJS): CFLAGS += -fvisibility=hidden

# The install script of the current version, sql/bifrost--$(EXTVERSION).sql, is generated (git-ignored):
# the topic files of sql/install/ one after the other, in the order of their numbers.  The last one,
# the expected-schema snapshot, is also appended to every update script from 0.7 on.
INSTALL_SQL = $(sort $(wildcard sql/install/*.sql))
EXPECTED_SCHEMA_SQL = sql/install/99_expected_schema.sql

# Update scripts: the frozen history up to 0.7, installed as it is (the 0.1 script with it, so that an
# update from 0.1 can be tested), each ending with its own copy of the snapshot block; from 0.7 on,
# sql/upgrade/bifrost--A--B.sql is the hand-written part of sql/bifrost--A--B.sql, which make
# completes with $(EXPECTED_SCHEMA_SQL).
FROZEN_SQL = $(addprefix sql/upgrade/$(EXTENSION)--,0.1.sql 0.1--0.2.sql 0.2--0.3.sql 0.3--0.4.sql \
	0.4--0.5.sql 0.5--0.6.sql 0.6--0.7.sql)
UPGRADE_SQL = $(filter-out $(FROZEN_SQL),$(wildcard sql/upgrade/$(EXTENSION)--*--*.sql))

DATA = $(FROZEN_SQL)
DATA_built = sql/$(EXTENSION)--$(EXTVERSION).sql $(patsubst sql/upgrade/%,sql/%,$(UPGRADE_SQL))

# pg_regress: test/sql/<name>.sql against test/expected/<name>.out, on a temporary instance.
REGRESS = $(sort $(patsubst test/sql/%.sql,%,$(wildcard test/sql/*.sql)))
REGRESS_OPTS = --temp-instance=tmp_check_regress --temp-config=test/regress.conf
REGRESS_OPTS += --inputdir=test

TAP_TESTS = 1
PROVE_TESTS = test/t/*.pl

PKG_CONFIG ?= pkg-config
# Includes name their folder from src/: "engine/engine.h", "net/http.h", "pg/spi/store.h".
# -Wextra is welcome; fmgr and GUC callbacks have parameters they must ignore.
PG_CPPFLAGS = -Isrc $(shell $(PKG_CONFIG) --cflags libcurl json-c) -Wno-unused-parameter -Wno-missing-field-initializers
# -lm binds exp and log to libm's current versions: unlinked, the loader takes
# their oldest (GLIBC_2.2.5, with the old error handling), slower on every price.
SHLIB_LINK = $(shell $(PKG_CONFIG) --libs libcurl json-c) -lm

EXTRA_CLEAN = tmp_check_regress test/unit/bin $(OBJS:.o=.o.d) $(APP_PROGRAM)

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# Each object notes the headers it read (x.o.d), so that a changed header (a struct grown by a field)
# rebuilds every object that uses it, not only those whose .c changed.
%.o: %.c
	$(COMPILE.c) -MMD -MP -MF $@.d -o $@ $<
-include $(wildcard $(OBJS:.o=.o.d))

# A generated script: its parts ($^) one after the other, each under a line naming its file.
define concat_sql
	{ echo '-- Generated by make from the files named below; edit those, not this one.'; \
	  for f in $^; do printf '\n-- %s\n' "$$f"; cat "$$f"; done; } > $@ || { rm -f $@; exit 1; }
endef

sql/$(EXTENSION)--$(EXTVERSION).sql: $(INSTALL_SQL)
	$(concat_sql)

$(patsubst sql/upgrade/%,sql/%,$(UPGRADE_SQL)): sql/%: sql/upgrade/% $(EXPECTED_SCHEMA_SQL)
	$(concat_sql)

# C unit tests: each test/unit/test_<module>.c is linked with the whole pure
# engine and the PostgreSQL-free I/O code (src/net: libcurl, json-c) and run
# under the address and undefined-behaviour sanitizers.
UNIT_CC ?= cc
UNIT_CFLAGS = -std=c99 -O1 -g -Wall -Wextra -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-Isrc/engine -Isrc/net -Itest/unit $(shell $(PKG_CONFIG) --cflags libcurl json-c)
UNIT_LIBS = $(shell $(PKG_CONFIG) --libs libcurl json-c) -lm
ENGINE_SRCS = $(wildcard src/engine/*.c)
NET_SRCS = $(wildcard src/net/*.c)
UNIT_TESTS = $(patsubst test/unit/%.c,test/unit/bin/%,$(wildcard test/unit/test_*.c))

test/unit/bin/%: test/unit/%.c $(ENGINE_SRCS) $(NET_SRCS) $(wildcard src/engine/*.h src/net/*.h test/unit/*.h)
	@mkdir -p test/unit/bin
	$(UNIT_CC) $(UNIT_CFLAGS) -o $@ $< $(ENGINE_SRCS) $(NET_SRCS) $(UNIT_LIBS)

# The status application's pure parts (no libpq, no HTTP): its settings and its metrics text.
APP_PURE_SRCS = src/app/app_config.c src/app/login_limit.c src/app/metrics_text.c src/app/text_buffer.c
test/unit/bin/test_app_%: test/unit/test_app_%.c $(APP_PURE_SRCS) $(wildcard src/app/*.h test/unit/*.h)
	@mkdir -p test/unit/bin
	$(UNIT_CC) $(UNIT_CFLAGS) -Isrc -o $@ $< $(APP_PURE_SRCS) $(UNIT_LIBS)

# The includes of src/ flow one way, folder by folder, without a circle
# (scripts/include_graph.sh); unitcheck runs it first, so a new back-include
# fails the test command.
.PHONY: unitcheck fuzzcheck includecheck
includecheck:
	bash scripts/include_graph.sh

unitcheck: includecheck $(UNIT_TESTS)
	@status=0; for t in $(UNIT_TESTS); do echo "+++ $$t"; ./$$t || status=1; done; exit $$status

# libFuzzer over every JSON parser (clang, libclang-rt-14-dev), for a bounded
# time per target over the corpus in test/fuzz/corpus.
FUZZ_SECONDS ?= 10
fuzzcheck:
	bash test/fuzz/run.sh $(FUZZ_SECONDS)

# The status application (src/app, README "The status application"): a program of its own, a libpq
# client with GNU libmicrohttpd for HTTP; built with the extension, installed beside PostgreSQL's
# programs, its page's files in the share directory.  PG_CFLAGS (the test build's -Werror) apply.
APP_PROGRAM = bifrost-status
APP_SRCS = $(wildcard src/app/*.c)
APP_PAGE = src/app/page/index.html src/app/page/app.js src/app/page/app.css
APP_PAGE_DIR = $(datadir)/bifrost/status-app
APP_CFLAGS = -std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter -Isrc \
	-I$(shell $(PG_CONFIG) --includedir) $(shell $(PKG_CONFIG) --cflags json-c libmicrohttpd) \
	-DBIFROST_STATUS_PAGE_DIR='"$(APP_PAGE_DIR)"'
APP_LIBS = -L$(shell $(PG_CONFIG) --libdir) -lpq $(shell $(PKG_CONFIG) --libs json-c libmicrohttpd) \
	-lcrypto -lpthread

all: $(APP_PROGRAM)

$(APP_PROGRAM): $(APP_SRCS) $(wildcard src/app/*.h)
	$(CC) $(APP_CFLAGS) $(PG_CFLAGS) -o $@ $(APP_SRCS) $(APP_LIBS)

.PHONY: install-app
install: install-app
install-app: $(APP_PROGRAM)
	$(MKDIR_P) '$(DESTDIR)$(bindir)' '$(DESTDIR)$(APP_PAGE_DIR)'
	$(INSTALL_PROGRAM) $(APP_PROGRAM) '$(DESTDIR)$(bindir)/$(APP_PROGRAM)'
	$(INSTALL_DATA) $(APP_PAGE) '$(DESTDIR)$(APP_PAGE_DIR)/'
