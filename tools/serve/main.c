/* main.c: the molotov-serve executable, the test target of the demo and of
 * the e2e tests (`molotov serve` runs it too); everything is in cli.c. */
#include "serve.h"

int main(int argc, char **argv)
{
    return mt_serve_main(argc, argv);
}
