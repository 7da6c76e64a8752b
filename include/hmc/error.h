/*
 * error.h — the error codes every core function returns.
 *
 * Functions return 0 for success or one of these negative codes.  The code
 * says what kind of failure it was; the detail a person needs ("unit
 * 10023456 is IN_REPAIR, deliver needs PICKED") comes from the module that
 * failed (store_errmsg() for everything that touches the store).
 */
#ifndef HMC_ERROR_H
#define HMC_ERROR_H

enum hmc_error {
	HMC_OK = 0,
	HMC_E_IO = -1,		/* a file could not be read or written */
	HMC_E_DB = -2,		/* SQLite reported an unexpected error */
	HMC_E_BUSY = -3,	/* another process holds the store too long */
	HMC_E_CORRUPT = -4,	/* not an hmc store, or a damaged one */
	HMC_E_TOO_NEW = -5,	/* store written by a newer hmc */
	HMC_E_INVALID = -6,	/* malformed input: number, date, option */
	HMC_E_NOT_FOUND = -7,	/* no such unit, article, payer, location */
	HMC_E_EXISTS = -8,	/* already there */
	HMC_E_ILLEGAL_MOVE = -9, /* the move is not legal from the state */
	HMC_E_DENIED = -10,	/* the operator's role may not do this */
	HMC_E_MISMATCH = -11,	/* verify: state differs from the journal */
	HMC_E_FULL = -12,	/* the disk is full */
	HMC_E_NO_STORE = -13,	/* no store at that path */
	HMC_E_UNSUPPORTED = -14, /* not available on this system */
	HMC_E_NET = -15,	/* central database unreachable (retryable) */
	HMC_E_REFUSED = -16,	/* central database refused (permanent) */
};

/* A short sentence for a code, in the user's language; never NULL. */
const char *error_message(int code);

/* 1 for a failure of the store or the machine (a full disk, an I/O or
 * database error, a lock held too long, a damaged store), not of the
 * input: a batch stops at the first, since every row after it would fail
 * the same way. */
int error_is_fault(int code);

/* The code's name ("HMC_E_ILLEGAL_MOVE"), for logs and tests. */
const char *error_name(int code);

#endif
