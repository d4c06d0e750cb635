/* quickstart.h: `molotov quickstart [DIR]`, Molotov's molostart: a new load
 * test (loadtest.lua, molotov.json, Makefile) to start from. */
#ifndef MOLOTOV_QUICKSTART_H
#define MOLOTOV_QUICKSTART_H

/* argv[0] is "quickstart". Returns the exit code: 0, or 2 when a file
 * exists already (nothing is written then) or cannot be written. */
int mt_quickstart_main(int argc, char **argv);

#endif
