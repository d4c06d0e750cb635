/* slave.h: `molotov slave REPO[#REF] [TEST]` (also run as `moloslave`),
 * Molotov 1.0's moloslave: clone a git repository, read its molotov.json,
 * run one of its tests, remove the clone. */
#ifndef MOLOTOV_SLAVE_H
#define MOLOTOV_SLAVE_H

/* argv[0] is "slave" (or "moloslave"). `run` is the molotov command itself,
 * called with "molotov --config molotov.json TEST [extra...]" inside the
 * clone. Returns the exit code: run's, or 2 for bad usage, a clone that
 * fails, a missing molotov.json or test. */
int mt_slave_main(int argc, char **argv, int (*run)(int argc, char **argv));

#endif
