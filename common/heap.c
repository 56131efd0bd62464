/*
 * heap: a large heap in huge pages.
 *
 * A program that builds a large state in memory (soc-correlate: its open
 * incidents, entity index and page cache, 150 MB and more) touches each
 * of tens of thousands of 4 KiB pages for the first time, and each touch
 * is a page fault; then walks them with a TLB too small for them.  The
 * kernel backs memory it is advised to (MADV_HUGEPAGE, the default
 * "madvise" mode of transparent huge pages) with 2 MiB pages: a fault
 * per 2 MiB and a TLB entry per 2 MiB.  glibc's malloc does so only when
 * told by an environment variable (glibc.malloc.hugetlb=1) read at
 * start, so soc_heap_huge does it from within: it has malloc grow the
 * heap in large steps and keep what it freed (so that the heap is one
 * region that does not move), and advises that region; soc_heap_huge_again
 * advises what the heap grew by since (call it now and then: the advice
 * is per region, and a heap grown by malloc is a new one).  Advice only:
 * where the kernel has no huge pages to give, nothing changes.
 */
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "heap.h"

#define STEP ((size_t)256 << 20)	/* the heap grows by this much at a time */
#define MMAP_MAX (32 << 20)	/* malloc's largest block from the heap */

static uintptr_t lo;		/* the heap's first page, 0 until started */

static void
advise(void)
{
#ifdef MADV_HUGEPAGE
	uintptr_t hi = (uintptr_t)sbrk(0);

	/* Failure (no such advice, a hole) is harmless: 4 KiB pages. */
	if (lo && hi > lo)
		(void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#endif
}

void
soc_heap_huge(void)
{
	void *p;

	if (lo)
		return;
	/* Blocks of up to 32 MiB (malloc's most) from the heap, not each a
	 * mapping of its own; nothing given back to the system at free
	 * (the program's state is about to be freed whole at exit); the
	 * heap grown by STEP at a time. */
	mallopt(M_MMAP_THRESHOLD, MMAP_MAX);
	mallopt(M_TRIM_THRESHOLD, (int)(STEP * 4));
	mallopt(M_TOP_PAD, (int)STEP);
	/* A block as large as the heap gives grows it by STEP now (the
	 * memory is not touched, so it costs nothing yet), and stays in it
	 * once freed: the region to advise. */
	if ((p = malloc(MMAP_MAX - 4096)) == NULL)
		return;
	lo = (uintptr_t)p & ~(uintptr_t)(sysconf(_SC_PAGESIZE) - 1);
	free(p);
	advise();
}

void
soc_heap_huge_again(void)
{
	advise();
}
