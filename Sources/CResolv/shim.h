#ifndef WIREBEAT_CRESOLV_SHIM_H
#define WIREBEAT_CRESOLV_SHIM_H
#include <netinet/in.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <resolv.h>
#endif
