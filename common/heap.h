/*
 * heap: a large heap in huge pages (heap.c says why).
 *
 * soc_heap_huge, once, before the program builds its state: malloc grows
 * the heap in large steps, keeps what is freed, and the heap is advised
 * into 2 MiB pages.  soc_heap_huge_again advises what it grew by since;
 * call it now and then (at a checkpoint).
 */
#ifndef SOC_HEAP_H
#define SOC_HEAP_H

void soc_heap_huge(void);
void soc_heap_huge_again(void);

#endif
