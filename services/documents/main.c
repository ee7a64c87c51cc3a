/* The documents service: outgoing and incoming documents, the document
 * number, internal reports. */
#include "documents.h"

extern route_t documents_routes[];
extern const size_t documents_nroutes;

int main(void)
{
    service_t svc = {
        .name = "documents",
        .routes = documents_routes,
        .nroutes = documents_nroutes,
    };
    return http_run(&svc);
}
