/*
 * hlc.c — hybrid logical clock (Kulkarni et al., 2014), packed in 64 bits.
 */
#include "hmc/hlc.h"

int64_t
hlc_next(int64_t last, int64_t now_ms)
{
	int64_t last_wall = hlc_wall_ms(last);
	if (now_ms > last_wall)
		return hlc_make(now_ms, 0);
	/* Clock did not move or went back: count on from the last timestamp.
	 * A counter overflow borrows the next millisecond. */
	if (hlc_counter(last) == 0xffff)
		return hlc_make(last_wall + 1, 0);
	return last + 1;
}

int64_t
hlc_merge(int64_t last, int64_t remote, int64_t now_ms)
{
	int64_t later = remote > last ? remote : last;
	return hlc_next(later, now_ms);
}
