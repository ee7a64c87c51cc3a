#include <stdio.h>

#include "attendance.h"
#include "config.h"
#include "log.h"

extern route_t attendance_routes[];
extern const size_t attendance_nroutes;

static attendance_ctx ctx;

static int attendance_init(service_t *svc)
{
    int bad = cfg_long("LEAVE_EXPLANATION_DAYS", 3, 0, 365, &ctx.explanation_days);
    bad |= cfg_long("SUSPENSION_ALLOWANCE_YUAN", 300, 0, 1000000, &ctx.allowance_yuan);
    bad |= cfg_long("ATTENDANCE_SWEEP_SECONDS", 5, 1, 86400, &ctx.sweep_seconds);
    bad |= cfg_long("LEAVE_RETURN_MARGIN_MINUTES", 30, 0, 24 * 60, &ctx.return_margin_minutes);
    bad |= cfg_long("LEAVE_ATTACHMENT_MAX_BYTES", 524288, 1024, 700000,
                    &ctx.attachment_max_bytes);
    const char *start = NULL;
    bad |= cfg_str("DISCIPLINE_YEAR_START", "01-01", &start);
    if (!bad && !discipline_year_start_parse(start, &ctx.year_start_month, &ctx.year_start_day)) {
        log_msg(LOG_ERROR, NULL,
                "DISCIPLINE_YEAR_START must be MM-DD, a day every year has (e.g. 01-01), not "
                "'%s'",
                start);
        bad = 1;
    }
    const char *hours = NULL;
    bad |= cfg_str("OFFICE_HOURS", "08:30-12:00,13:30-17:00", &hours);
    if (!bad && !office_hours_parse(hours, &ctx.hours)) {
        log_msg(LOG_ERROR, NULL,
                "OFFICE_HOURS must be one to four ascending sessions HH:MM-HH:MM separated by "
                "commas (e.g. 08:30-12:00,13:30-17:00), not '%s'",
                hours);
        bad = 1;
    }
    if (bad)
        return -1;
    return sweep_start(svc);
}

static void attendance_fini(service_t *svc)
{
    sweep_stop(svc);
}

int main(void)
{
    service_t svc = {
        .name = "attendance",
        .routes = attendance_routes,
        .nroutes = attendance_nroutes,
        .init = attendance_init,
        .fini = attendance_fini,
        .ctx = &ctx,
    };
    return http_run(&svc);
}
