/* Database steps every seals handler repeats. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "org.h"
#include "seals.h"

