// The wrappers are static inline in include/cedit.h; this file gives the target a compilation unit.
#include "cedit.h"
