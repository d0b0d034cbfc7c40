/* rl-bench.h: `reslab-cli bench`, the speed figures of issue 4 measured side by side with
 * PyTorch in one invocation. */
#pragma once

int rl_bench_main (int argc, char **argv);
