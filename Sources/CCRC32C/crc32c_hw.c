// The CRC-32C of the spool's frames with the processor's CRC32 instruction: eight bytes per instruction, about
// ten times the table-driven loop in Spool/CRC32C.swift, which remains the fallback (and the reference the
// tests compare this with); on x86-64, three chains at once for inputs of 192 bytes or more.
#include "crc32c_hw.h"

#include <string.h>

#if defined(__x86_64__)

#include <pthread.h>

int wirebeat_crc32c_hw_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("sse4.2");
}

// The CRC32 instruction takes three cycles to give its result but can start one every cycle: a single chain of
// them runs at a third of the unit's speed. Long inputs are therefore cut into three equal blocks whose CRCs
// are computed side by side (the second and third from zero) and then joined: the CRC register is linear, so
// crc(A·B) = shift(crc(A), |B|) ⊕ crc₀(B), where shift(c, n) is the register after n zero bytes. A shift by
// a fixed length is a linear map of the register's 32 bits, applied as four lookups in tables of 256 entries
// (one per byte of the register), made once from the images of the 32 single-bit registers.
enum { LONG_BLOCK = 4096, SHORT_BLOCK = 256, TINY_BLOCK = 64 };
static uint32_t shift_long[4][256], shift_short[4][256], shift_tiny[4][256];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

__attribute__((target("sse4.2"))) static uint32_t zeros(uint32_t c, size_t length) {
    uint64_t r = c;
    for (size_t i = 0; i < length; i += 8) r = __builtin_ia32_crc32di(r, 0);
    return (uint32_t)r;
}

static void make_shift_table(uint32_t table[4][256], size_t length) {
    uint32_t bit[32];
    for (int i = 0; i < 32; i++) bit[i] = zeros((uint32_t)1 << i, length);
    for (int k = 0; k < 4; k++) {
        for (int b = 0; b < 256; b++) {
            uint32_t image = 0;
            for (int i = 0; i < 8; i++) {
                if (b & (1 << i)) image ^= bit[8 * k + i];
            }
            table[k][b] = image;
        }
    }
}

static void make_tables(void) {
    make_shift_table(shift_long, LONG_BLOCK);
    make_shift_table(shift_short, SHORT_BLOCK);
    make_shift_table(shift_tiny, TINY_BLOCK);
}

static inline uint32_t shift(uint32_t table[4][256], uint32_t c) {
    return table[0][c & 0xff] ^ table[1][(c >> 8) & 0xff] ^ table[2][(c >> 16) & 0xff] ^ table[3][c >> 24];
}

static inline uint64_t load64(const unsigned char *p) {
    uint64_t word;
    memcpy(&word, p, 8);
    return word;
}

/// Three blocks of `block` bytes at `*p`, joined into `c`, while at least three are left.
__attribute__((target("sse4.2"))) static inline uint64_t three_way(
    uint64_t c, const unsigned char **p, size_t *length, size_t block, uint32_t table[4][256]
) {
    while (*length >= 3 * block) {
        const unsigned char *a = *p, *end = a + block;
        uint64_t c1 = 0, c2 = 0;
        do {
            c = __builtin_ia32_crc32di(c, load64(a));
            c1 = __builtin_ia32_crc32di(c1, load64(a + block));
            c2 = __builtin_ia32_crc32di(c2, load64(a + 2 * block));
            a += 8;
        } while (a < end);
        c = shift(table, shift(table, (uint32_t)c) ^ (uint32_t)c1) ^ (uint32_t)c2;
        *p += 3 * block;
        *length -= 3 * block;
    }
    return c;
}

__attribute__((target("sse4.2"))) uint32_t wirebeat_crc32c_hw(uint32_t crc, const void *data, size_t length) {
    const unsigned char *p = data;
    uint64_t c = crc;
    if (length >= 3 * TINY_BLOCK) {
        pthread_once(&tables_once, make_tables);
        c = three_way(c, &p, &length, LONG_BLOCK, shift_long);
        c = three_way(c, &p, &length, SHORT_BLOCK, shift_short);
        c = three_way(c, &p, &length, TINY_BLOCK, shift_tiny);
    }
    while (length >= 8) {
        c = __builtin_ia32_crc32di(c, load64(p));
        p += 8;
        length -= 8;
    }
    uint32_t c32 = (uint32_t)c;
    while (length > 0) {
        c32 = __builtin_ia32_crc32qi(c32, *p);
        p += 1;
        length -= 1;
    }
    return c32;
}

#elif defined(__aarch64__) && defined(__linux__)

#include <sys/auxv.h>
#ifndef HWCAP_CRC32
#define HWCAP_CRC32 (1 << 7)
#endif

int wirebeat_crc32c_hw_available(void) { return (getauxval(AT_HWCAP) & HWCAP_CRC32) != 0; }

__attribute__((target("crc"))) uint32_t wirebeat_crc32c_hw(uint32_t crc, const void *data, size_t length) {
    const unsigned char *p = data;
    while (length >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);
        crc = __builtin_arm_crc32cd(crc, word);
        p += 8;
        length -= 8;
    }
    while (length > 0) {
        crc = __builtin_arm_crc32cb(crc, *p);
        p += 1;
        length -= 1;
    }
    return crc;
}

#else

int wirebeat_crc32c_hw_available(void) { return 0; }

uint32_t wirebeat_crc32c_hw(uint32_t crc, const void *data, size_t length) {
    (void)data;
    (void)length;
    return crc;
}

#endif
