/* fuzz.h: what every harness in tests/fuzz/ defines. Each is a libFuzzer target (built with
 * clang when meson's -Dfuzzing=true) and, linked with run-corpus.c, a plain test that feeds it
 * every file of its seed corpus (built with any compiler, run in the engine suite). */
#pragma once

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
