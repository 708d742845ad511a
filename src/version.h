/* version: the one place the release number is written. */
#ifndef CAPSULED_VERSION_H
#define CAPSULED_VERSION_H

#define CAPSULED_VERSION	"0.1.0"

#endif
