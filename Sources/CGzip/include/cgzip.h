// Typed wrappers over zlib's init macros, so Swift can start gzip streams.
#ifndef VELDWERK_CGZIP_H
#define VELDWERK_CGZIP_H

#include <zlib.h>

/// Starts a deflate stream that writes a gzip member (window bits 15 + 16).
static inline int cgzip_deflate_init_gzip(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

/// Starts an inflate stream that reads gzip only (window bits 15 + 16).
static inline int cgzip_inflate_init_gzip(z_stream *stream) {
    return inflateInit2(stream, 15 + 16);
}

#endif
