#include "cgzip.h"
