/*
 * hlc.h — hybrid logical clock.
 *
 * A timestamp is one int64_t: the wall clock in milliseconds in the high 48
 * bits and a counter in the low 16.  Each device's timestamps only grow,
 * even when its clock is set back, and a device that learns of a later
 * timestamp from elsewhere moves past it, so timestamps order events in a
 * way that respects causality while staying close to real time.
 *
 *   bits 63..16  wall clock, ms since 1970 (good until year 10889)
 *   bits 15..0   counter within one millisecond
 */
#ifndef HMC_HLC_H
#define HMC_HLC_H

#include <stdint.h>

#define HLC_COUNTER_BITS 16

static inline int64_t
hlc_make(int64_t wall_ms, unsigned counter)
{
	return (wall_ms << HLC_COUNTER_BITS) | (int64_t)(counter & 0xffff);
}

static inline int64_t
hlc_wall_ms(int64_t hlc)
{
	return hlc >> HLC_COUNTER_BITS;
}

static inline unsigned
hlc_counter(int64_t hlc)
{
	return (unsigned)(hlc & 0xffff);
}

/* The timestamp for a local event, after `last`, at wall clock `now_ms`. */
int64_t hlc_next(int64_t last, int64_t now_ms);

/* The clock after receiving a timestamp `remote` from elsewhere. */
int64_t hlc_merge(int64_t last, int64_t remote, int64_t now_ms);

#endif
