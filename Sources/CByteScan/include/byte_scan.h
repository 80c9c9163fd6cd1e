// Which bytes a JSON string must escape, sixteen at a time (SSE2 on x86-64, a byte loop elsewhere). Header-only
// and `static inline`, so that Swift inlines the few instructions into the encoder's loop; byte_scan.c exists
// only because a C target needs a source file.
#ifndef WIREBEAT_BYTE_SCAN_H
#define WIREBEAT_BYTE_SCAN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/// A bit per byte of the 16 at `p`, set when the byte needs an escape in JSON or may start U+2028/U+2029:
/// below 0x20, 0x80 or above, '"' or '\\' (and '<', '>', '&' when `html`). Bytes 0x80 and above are flagged
/// for a closer look by the caller.
static inline uint32_t wirebeat_json_special16(const void *p, int html) {
#if defined(__SSE2__)
    __m128i v = _mm_loadu_si128((const __m128i *)p);
    // A signed compare with 0x20 catches 0x00-0x1F and 0x80-0xFF together.
    __m128i bad = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
    bad = _mm_or_si128(bad, _mm_cmpeq_epi8(v, _mm_set1_epi8(0x22)));
    bad = _mm_or_si128(bad, _mm_cmpeq_epi8(v, _mm_set1_epi8(0x5C)));
    if (html) {
        bad = _mm_or_si128(bad, _mm_cmpeq_epi8(v, _mm_set1_epi8(0x3C)));
        bad = _mm_or_si128(bad, _mm_cmpeq_epi8(v, _mm_set1_epi8(0x3E)));
        bad = _mm_or_si128(bad, _mm_cmpeq_epi8(v, _mm_set1_epi8(0x26)));
    }
    return (uint32_t)_mm_movemask_epi8(bad);
#else
    const unsigned char *b = p;
    uint32_t mask = 0;
    for (int i = 0; i < 16; i++) {
        unsigned char c = b[i];
        if (c < 0x20 || c >= 0x80 || c == 0x22 || c == 0x5C || (html && (c == 0x3C || c == 0x3E || c == 0x26))) {
            mask |= 1u << i;
        }
    }
    return mask;
#endif
}

/// `wirebeat_json_special16` of the two words of a value held in registers (a small Swift string's bytes).
static inline uint32_t wirebeat_json_special_words(uint64_t w0, uint64_t w1, int html) {
    uint64_t words[2] = {w0, w1};
    return wirebeat_json_special16(words, html);
}

#endif
