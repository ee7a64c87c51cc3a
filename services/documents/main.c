/* The documents service: outgoing and incoming documents, the document
 * number, internal reports. */
#include "config.h"
#include "documents.h"

extern route_t documents_routes[];
extern const size_t documents_nroutes;

static documents_ctx ctx;

static int documents_init(service_t *svc)
{
    int bad = cfg_long("INCOMING_SWEEP_SECONDS", 5, 1, 86400, &ctx.sweep_seconds);
    bad |= cfg_long("INCOMING_REMIND_DAYS", 1, 0, 365, &ctx.remind_days);
    bad |= cfg_long("ATTACHMENT_MAX_BYTES", 20L * 1024 * 1024, 1024, 64L * 1024 * 1024,
                    &ctx.attachment_max);
    if (bad || pdf_init())
        return -1;
    /* The upload route alone takes a body that large. */
    svc->binary_max_body = (size_t)ctx.attachment_max + 1;
    return sweep_start(svc);
}

static void documents_fini(service_t *svc)
{
    sweep_stop(svc);
    pdf_fini();
}

int main(void)
{
    service_t svc = {
        .name = "documents",
        .routes = documents_routes,
        .nroutes = documents_nroutes,
        .init = documents_init,
        .fini = documents_fini,
        .ctx = &ctx,
    };
    return http_run(&svc);
}
