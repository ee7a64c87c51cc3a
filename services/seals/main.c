/* The seals service: custody, seal use, the use log, introduction letters. */
#include "seals.h"

extern route_t seals_routes[];
extern const size_t seals_nroutes;

static seals_ctx ctx;

int main(void)
{
    service_t svc = {
        .name = "seals",
        .routes = seals_routes,
        .nroutes = seals_nroutes,
        .init = letter_chase_start,
        .fini = letter_chase_stop,
        .ctx = &ctx,
    };
    return http_run(&svc);
}
