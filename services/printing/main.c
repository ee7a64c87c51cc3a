/* The printing service: print and copy jobs, the copy register, violations,
 * equipment and its maintenance, copy-room visits. */
#include "config.h"
#include "printing.h"

extern route_t printing_routes[];
extern const size_t printing_nroutes;

static printing_ctx ctx;

static int printing_init(service_t *svc)
{
    (void)svc;
    return cfg_long("PRINT_LARGE_JOB_SHEETS", 200, 1, 1000000, &ctx.large_sheets);
}

int main(void)
{
    service_t svc = {
        .name = "printing",
        .routes = printing_routes,
        .nroutes = printing_nroutes,
        .init = printing_init,
        .ctx = &ctx,
    };
    return http_run(&svc);
}
