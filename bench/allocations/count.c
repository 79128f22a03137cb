/* Counts calls to malloc in a process it is preloaded into (LD_PRELOAD), and writes the
 * count to the file VERDICT_MALLOC_COUNT names when the process exits. bench/run.py builds it
 * with the system C compiler to report allocations per call. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

static atomic_ulong calls;
static void *(*next_malloc)(size_t);

void *malloc(size_t size) {
    if (!next_malloc) next_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
    atomic_fetch_add_explicit(&calls, 1, memory_order_relaxed);
    return next_malloc(size);
}

__attribute__((destructor)) static void report(void) {
    const char *path = getenv("VERDICT_MALLOC_COUNT");
    if (!path) return;
    unsigned long n = atomic_load(&calls);
    FILE *f = fopen(path, "w");
    if (f) {
        fprintf(f, "%lu\n", n);
        fclose(f);
    }
}
