/* The seals service: custody, seal use, the use log, introduction letters. */
#include "seals.h"

extern route_t seals_routes[];
extern const size_t seals_nroutes;

int main(void)
{
    /* The service's own state lives as long as http_run, which returns only
     * at shutdown. */
    seals_ctx ctx = {0};
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
