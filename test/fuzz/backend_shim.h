/*
 * backend_shim.h
 *		What the fuzz harness needs from backend_shim.c beyond the
 *		PostgreSQL functions it stands in for.
 */
#ifndef KPI_BACKEND_SHIM_H
#define KPI_BACKEND_SHIM_H

#include "postgres.h"

/* The last error raised with ereport(ERROR); valid until the next reset. */
extern const ErrorData *shim_last_error(void);

/* Frees everything palloc'd since the previous reset: one input's memory. */
extern void shim_reset(void);

#endif							/* KPI_BACKEND_SHIM_H */
