/* main.c: entry point (placeholder until the CLI lands). */
#include <stdio.h>
int main(void)
{
    puts("molotov " MOLOTOV_VERSION);
    return 0;
}
