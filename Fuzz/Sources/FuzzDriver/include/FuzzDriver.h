#include <stddef.h>
#include <stdint.h>

// libFuzzer's entry for programs that keep their own main (compiler-rt FuzzerInterface.h).
// SwiftPM links an executable's main as <Module>_main, so libFuzzer's own main never runs;
// each fuzz target's main.swift starts the driver instead.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
