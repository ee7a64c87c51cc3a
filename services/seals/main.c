/* The seals service: custody, seal use, the use log, introduction letters. */
#include "seals.h"

extern route_t seals_routes[];
extern const size_t seals_nroutes;

int main(void)
{
    service_t svc = {
        .name = "seals",
        .routes = seals_routes,
        .nroutes = seals_nroutes,
    };
    return http_run(&svc);
}
