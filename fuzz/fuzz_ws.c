/* fuzz_ws.c: libFuzzer target for the WebSocket handshake answer parser
 * (mt_ws_handshake_parse): any bytes, never a crash or an overread; a
 * complete header block's length stays within the input. */
#include "molotov/ws_handshake.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    long status;
    size_t hlen;
    int rc =
        mt_ws_handshake_parse((const char *)data, size, "dGhlIHNhbXBsZSBub25jZQ==", &status, &hlen);
    if (rc != 1 && hlen > size) abort();
    return 0;
}
