/* Prints a message of its own message table (from winmc_add_messages) with an insert. */
#include <windows.h>
#include <stdio.h>
#include "msgs.h"

int main(void)
{
    char text[512];
    const char *inserts[] = { "Wine" };
    DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_HMODULE | FORMAT_MESSAGE_ARGUMENT_ARRAY, NULL, MSG_GREETING, 0,
                             text, sizeof text, (va_list *)inserts);
    if (n == 0) {
        printf("FormatMessage 0x%08lX failed: %lu\n", (unsigned long)MSG_GREETING, (unsigned long)GetLastError());
        return 1;
    }
    printf("0x%08lX %s", (unsigned long)MSG_GREETING, text);
    return 0;
}
