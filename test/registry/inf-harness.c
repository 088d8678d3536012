/* Test harness for the INF backend: runs one INF install section through Wine's setupapi the way
 * AddService runs an event-log install section, i.e. with HKR opened (created) at the source key
 * HKLM\SYSTEM\CurrentControlSet\Services\EventLog\<Log>\<Source>.
 *   inf-harness INF SECTION [HKR-KEY]     (HKR-KEY relative to HKLM; omitted for DelReg sections)
 */
#include <windows.h>
#include <setupapi.h>
#include <stdio.h>

int wmain(int argc, wchar_t **argv)
{
    HINF inf;
    HKEY hkr = NULL;
    UINT error_line = 0;

    if (argc < 3) {
        fprintf(stderr, "usage: inf-harness INF SECTION [HKR-KEY]\n");
        return 2;
    }
    inf = SetupOpenInfFileW(argv[1], NULL, INF_STYLE_WIN4, &error_line);
    if (inf == INVALID_HANDLE_VALUE) {
        fprintf(stderr, "SetupOpenInfFile failed: error %lu at line %u\n", GetLastError(), error_line);
        return 1;
    }
    if (argc > 3) {
        LONG rc = RegCreateKeyExW(HKEY_LOCAL_MACHINE, argv[3], 0, NULL, 0, KEY_ALL_ACCESS | KEY_WOW64_64KEY, NULL, &hkr, NULL);
        if (rc != ERROR_SUCCESS) {
            fprintf(stderr, "RegCreateKeyEx failed: %ld\n", rc);
            return 1;
        }
    }
    if (!SetupInstallFromInfSectionW(NULL, inf, argv[2], SPINST_REGISTRY, hkr, NULL, 0, NULL, NULL, NULL, NULL)) {
        fprintf(stderr, "SetupInstallFromInfSection failed: error %lu\n", GetLastError());
        return 1;
    }
    if (hkr) RegCloseKey(hkr);
    SetupCloseInfFile(inf);
    printf("ok\n");
    return 0;
}
