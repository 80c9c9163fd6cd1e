#ifndef WIREBEAT_CPCAP_SHIM_H
#define WIREBEAT_CPCAP_SHIM_H
#include <pcap/pcap.h>
#if __has_include(<stdio_ext.h>)
#include <stdio_ext.h>
#endif
#endif
