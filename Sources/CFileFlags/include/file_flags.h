// Open flags the Swift Glibc module does not export (they need _GNU_SOURCE).
#ifndef WIREBEAT_FILE_FLAGS_H
#define WIREBEAT_FILE_FLAGS_H

/// The open(2) flag for direct I/O (O_DIRECT), or 0 where the system has none.
int wirebeat_o_direct(void);

#endif
