/* Registers the manifest's provider, writes its event, and prints the event's message from
   its own message table; the header and resources come from winmc_add_messages (-um). */
#include <windows.h>
#include <evntprov.h>
#include <stdio.h>
#include "events.h"

/* The header declares it as MSVC's selectany makes a definition of it; gcc needs one. */
ULONG Winmc_ExampleEnableBits[1];

int main(void)
{
    ULONG registered = EventRegisterWinmc_Example();
    ULONG written = EventWriteGreeted(L"Wine");
    ULONG unregistered = EventUnregisterWinmc_Example();
    HRSRC templ = FindResourceA(NULL, MAKEINTRESOURCEA(1), "WEVT_TEMPLATE");
    char text[512];
    const char *inserts[] = { "Wine" };
    DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_HMODULE | FORMAT_MESSAGE_ARGUMENT_ARRAY, NULL, MSG_Greeted, 0,
                             text, sizeof text, (va_list *)inserts);
    printf("register %lu write %lu unregister %lu template %s\n", registered, written, unregistered,
           templ != NULL && SizeofResource(NULL, templ) > 0 ? "found" : "missing");
    printf("0x%08lX %s", (unsigned long)MSG_Greeted, n ? text : "(no message)\r\n");
    return registered == 0 && written == 0 && unregistered == 0 && templ != NULL && n != 0 ? 0 : 1;
}
