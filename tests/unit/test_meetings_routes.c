/* The meetings service's route table and api/openapi.yaml agree. */
#include "spec_check.h"

SPEC_CHECK_MAIN(meetings)
