#ifndef VERDICT_CSQLITE_SHIM_H
#define VERDICT_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif
