// How Hyperscan would do as Verdict's multi-pattern prefilter: every pattern of a rule set
// compiled into one database in prefilter mode (caseless, UTF-8, UCP, one report per pattern
// per text), then every text scanned once. Prints the compile time, the scan time and the
// (text, pattern) pairs PCRE2 would still have to confirm. Driven by run.py beside it.
//
//   probe PATTERNS TEXTS    PATTERNS: one per line; TEXTS: texts ended by a NUL byte
#include <hs/hs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static char *slurp(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb"); fseek(f, 0, SEEK_END); *n = ftell(f); fseek(f, 0, SEEK_SET);
    char *b = malloc(*n + 1); fread(b, 1, *n, f); b[*n] = 0; fclose(f); return b;
}
static long hits;
static int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void *ctx) { hits++; return 0; }

int main(int argc, char **argv) {
    size_t pn, tn;
    char *pats = slurp(argv[1], &pn), *texts = slurp(argv[2], &tn);
    const char *expr[20000]; unsigned flags[20000], ids[20000]; int count = 0;
    for (char *line = strtok(pats, "\n"); line; line = strtok(NULL, "\n")) {
        expr[count] = line; ids[count] = count;
        flags[count] = HS_FLAG_PREFILTER | HS_FLAG_CASELESS | HS_FLAG_UTF8 | HS_FLAG_UCP | HS_FLAG_SINGLEMATCH | HS_FLAG_ALLOWEMPTY;
        count++;
    }
    // Patterns Hyperscan refuses even in prefilter mode would always run: find them one by one.
    int refused = 0, kept = 0;
    const char *ok[20000]; unsigned okf[20000], okid[20000];
    for (int i = 0; i < count; i++) {
        hs_database_t *db; hs_compile_error_t *err;
        if (hs_compile(expr[i], flags[i], HS_MODE_BLOCK, NULL, &db, &err) != HS_SUCCESS) { refused++; hs_free_compile_error(err); continue; }
        hs_free_database(db);
        ok[kept] = expr[i]; okf[kept] = flags[i]; okid[kept] = i; kept++;
    }
    double t0 = now();
    hs_database_t *db; hs_compile_error_t *err;
    if (hs_compile_multi(ok, okf, okid, kept, HS_MODE_BLOCK, NULL, &db, &err) != HS_SUCCESS) { fprintf(stderr, "compile: %s\n", err->message); return 1; }
    double t1 = now();
    hs_scratch_t *scratch = NULL; hs_alloc_scratch(db, &scratch);
    long ntexts = 0; size_t bytes = 0;
    double t2 = now();
    char *p = texts, *end = texts + tn;
    while (p < end) {
        char *q = memchr(p, 0, end - p); if (!q) q = end;
        hs_scan(db, p, (unsigned)(q - p), 0, scratch, on_match, NULL);
        ntexts++; bytes += q - p; p = q + 1;
    }
    double t3 = now();
    printf("patterns %d (refused in prefilter mode: %d); compile %.3f s; %ld texts, %.1f MB; scan %.3f s; candidate (text, pattern) pairs %ld\n",
           count, refused, t1 - t0, ntexts, bytes / 1e6, t3 - t2, hits);
    return 0;
}
