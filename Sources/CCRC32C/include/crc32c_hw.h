// CRC-32C with the processor's CRC32 instruction (SSE 4.2 on x86-64, the CRC extension on AArch64).
#ifndef WIREBEAT_CRC32C_HW_H
#define WIREBEAT_CRC32C_HW_H

#include <stddef.h>
#include <stdint.h>

/// 1 when this processor has the instruction, else 0 (then `wirebeat_crc32c_hw` must not be called).
int wirebeat_crc32c_hw_available(void);

/// Continues the raw (not inverted) CRC-32C register `crc` over `length` bytes at `data`.
uint32_t wirebeat_crc32c_hw(uint32_t crc, const void *data, size_t length);

#endif
