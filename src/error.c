/*
 * error.c — names and sentences for the codes in error.h.
 */
#include "hmc/error.h"
#include "hmc/i18n.h"

static const struct {
	int code;
	const char *name;
	const char *message;
} error_table[] = {
	{ HMC_OK, "HMC_OK", N_("success") },
	{ HMC_E_IO, "HMC_E_IO", N_("a file could not be read or written") },
	{ HMC_E_DB, "HMC_E_DB", N_("database error") },
	{ HMC_E_BUSY, "HMC_E_BUSY",
	  N_("the store is busy in another program; try again") },
	{ HMC_E_CORRUPT, "HMC_E_CORRUPT", N_("not an hmc store, or damaged") },
	{ HMC_E_TOO_NEW, "HMC_E_TOO_NEW",
	  N_("the store was written by a newer hmc") },
	{ HMC_E_INVALID, "HMC_E_INVALID", N_("invalid input") },
	{ HMC_E_NOT_FOUND, "HMC_E_NOT_FOUND", N_("not found") },
	{ HMC_E_EXISTS, "HMC_E_EXISTS", N_("already exists") },
	{ HMC_E_ILLEGAL_MOVE, "HMC_E_ILLEGAL_MOVE",
	  N_("that move is not allowed from the unit's state") },
	{ HMC_E_DENIED, "HMC_E_DENIED", N_("your role may not do that") },
	{ HMC_E_MISMATCH, "HMC_E_MISMATCH",
	  N_("the state does not match the journal") },
	{ HMC_E_FULL, "HMC_E_FULL", N_("the disk is full") },
	{ HMC_E_NO_STORE, "HMC_E_NO_STORE", N_("no store there") },
	{ HMC_E_UNSUPPORTED, "HMC_E_UNSUPPORTED",
	  N_("not available on this system") },
	{ HMC_E_NET, "HMC_E_NET", N_("the central database cannot be reached") },
	{ HMC_E_REFUSED, "HMC_E_REFUSED",
	  N_("the central database refused the request") },
};

#define N_ERRORS (sizeof error_table / sizeof error_table[0])

const char *
error_message(int code)
{
	for (unsigned i = 0; i < N_ERRORS; i++)
		if (error_table[i].code == code)
			return _(error_table[i].message);
	return _("unknown error");
}

const char *
error_name(int code)
{
	for (unsigned i = 0; i < N_ERRORS; i++)
		if (error_table[i].code == code)
			return error_table[i].name;
	return "HMC_E_UNKNOWN";
}

int
error_is_fault(int code)
{
	switch (code) {
	case HMC_E_IO:
	case HMC_E_DB:
	case HMC_E_BUSY:
	case HMC_E_CORRUPT:
	case HMC_E_TOO_NEW:
	case HMC_E_FULL:
	case HMC_E_NO_STORE:
		return 1;
	default:
		return 0;
	}
}
