/* The official PDF of a numbered document (GB/T 9704-2012). */
#include "documents.h"

void h_documents_pdf(req_t *r)
{
    reply_problem(r, ERR_NOT_FOUND, NULL, NULL, "not yet");
}
