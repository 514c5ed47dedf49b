/*
 * routes.h: what each URL of the status application answers (README, "The
 * status application": the table of endpoints).
 */
#ifndef BIFROST_APP_ROUTES_H
#define BIFROST_APP_ROUTES_H

#include "app/request.h"

extern enum MHD_Result routes_dispatch(app_request *req);

#endif							/* BIFROST_APP_ROUTES_H */
