/* The meetings service: the director's meetings, their decisions and
 * supervision, thematic meetings and the tasks leaders assign. */
#include "config.h"
#include "meetings.h"

extern route_t meetings_routes[];
extern const size_t meetings_nroutes;

static meetings_ctx ctx;

static int meetings_init(service_t *svc)
{
    int bad = cfg_long("MEETINGS_SWEEP_SECONDS", 5, 1, 86400, &ctx.sweep_seconds);
    bad |= cfg_long("DECISION_DUE_SOON_DAYS", 3, 0, 60, &ctx.due_soon_days);
    if (bad || report_totals_start(svc))
        return -1;
    return sweep_start(svc);
}

static void meetings_fini(service_t *svc)
{
    sweep_stop(svc);
    report_totals_stop();
}

int main(void)
{
    service_t svc = {
        .name = "meetings",
        .routes = meetings_routes,
        .nroutes = meetings_nroutes,
        .init = meetings_init,
        .fini = meetings_fini,
        .ctx = &ctx,
    };
    return http_run(&svc);
}
