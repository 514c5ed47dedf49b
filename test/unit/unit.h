/*
 * unit.h: minimal assertions for the C unit tests of the pure engine.
 *
 * Each test_*.c is one executable: it includes this header, runs CHECKs and
 * ends main() with "return unit_summary("name");", which prints the counts
 * and returns non-zero when anything failed.  Every CHECK is an expression
 * that yields 1 on success and 0 on failure, so a loop can add context:
 *
 *     if (!CHECK_NEAR_REL(got, want, 1e-12))
 *         unit_note("s=%g k=%g", s, k);
 *
 * Comparisons treat NaN as a failure (two NaNs are not "near").
 */
#ifndef BIFROST_UNIT_H
#define BIFROST_UNIT_H

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

/* Failures printed in full; later ones are only counted. */
#define UNIT_MAX_PRINTED 50

static int	unit_checks;
static int	unit_failures;

static inline int
unit_record(int ok)
{
	unit_checks++;
	if (!ok)
		unit_failures++;
	return ok;
}

static inline int
unit_printing(void)
{
	return unit_failures <= UNIT_MAX_PRINTED;
}

static inline int
unit_check(int ok, const char *expr, const char *file, int line)
{
	if (!unit_record(ok) && unit_printing())
		fprintf(stderr, "%s:%d: FAIL: %s\n", file, line, expr);
	return ok;
}

/*
 * |got - want| <= max(abs_tol, rel_tol * max(|got|, |want|)); infinities
 * must be equal.
 */
static inline int
unit_check_close(double got, double want, double rel_tol, double abs_tol,
				 const char *got_expr, const char *want_expr,
				 const char *file, int line)
{
	double		diff = fabs(got - want);
	double		scale = fmax(fabs(got), fabs(want));
	double		allowed = fmax(abs_tol, rel_tol * scale);
	int			ok;

	if (isinf(got) || isinf(want))
		ok = (got == want);
	else
		ok = (diff <= allowed);	/* false for NaN */
	if (!unit_record(ok) && unit_printing())
		fprintf(stderr,
				"%s:%d: FAIL: %s = %.17g, expected %s = %.17g "
				"(diff %.3g, allowed %.3g)\n",
				file, line, got_expr, got, want_expr, want, diff, allowed);
	return ok;
}

/* Context for the failure just reported (printf-style, one line). */
static inline void unit_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static inline void
unit_note(const char *fmt, ...)
{
	va_list		ap;

	if (!unit_printing())
		return;
	fputs("    at ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Prints the totals; the exit status for main(). */
static inline int
unit_summary(const char *name)
{
	printf("%s: %d checks, %d failed%s\n", name, unit_checks, unit_failures,
		   unit_failures ? "" : ", all passed");
	if (unit_failures > UNIT_MAX_PRINTED)
		printf("%s: (only the first %d failures were printed)\n",
			   name, UNIT_MAX_PRINTED);
	return unit_failures ? 1 : 0;
}

#define CHECK(cond) \
	unit_check(!!(cond), #cond, __FILE__, __LINE__)
#define CHECK_NEAR(got, want, rel_tol, abs_tol) \
	unit_check_close((got), (want), (rel_tol), (abs_tol), #got, #want, \
					 __FILE__, __LINE__)
#define CHECK_NEAR_REL(got, want, rel_tol) \
	CHECK_NEAR(got, want, rel_tol, 0.0)
#define CHECK_NEAR_ABS(got, want, abs_tol) \
	CHECK_NEAR(got, want, 0.0, abs_tol)

#endif							/* BIFROST_UNIT_H */
