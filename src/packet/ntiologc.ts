// The standard I/O error codes (facility 4, FACILITY_IO_ERROR_CODE) and machine-check codes
// (facility 5, FACILITY_MCA_ERROR_CODE) that drivers put in IO_ERROR_LOG_PACKET.ErrorCode.
//
// Names and values: mingw-w64 include/ntiologc.h (public domain, from the ReactOS PSDK).
// Texts: the messages IoLogMsg.dll shows for the facility-4 codes, written for this project from
// what Event Viewer displays for them (PACKET-REGISTRY.md §1.7 quotes two of them verbatim); they
// are a readable fallback, and the real IoLogMsg.dll (given to `--messages`) always takes
// precedence. In them %1 is the device name and %2.. are the driver's strings (§1.7).
// MCA codes carry no text: Windows renders them from the WHEA/MCA provider, not IoLogMsg.dll.

import { hex32 } from '../hex.js';

export interface IoLogCode {
  name: string;
  /** Full 32-bit NTSTATUS, unsigned. */
  value: number;
  /** IoLogMsg-style message text with FormatMessage inserts, when there is one. */
  text?: string;
}

export const FACILITY_IO_ERROR_CODE = 0x4;
export const FACILITY_MCA_ERROR_CODE = 0x5;

// Facility-4 codes, in header order: name, value, IoLogMsg text.
const IO_CODES: readonly [name: string, value: number, text: string][] = [
  ['IO_ERR_RETRY_SUCCEEDED', 0x00040001, 'A retry was successful on %1.'],
  ['IO_ERR_INSUFFICIENT_RESOURCES', 0xc0040002, 'The driver could not allocate something necessary for the request for %1.'],
  ['IO_ERR_CONFIGURATION_ERROR', 0xc0040003, 'Driver or device is incorrectly configured for %1.'],
  ['IO_ERR_DRIVER_ERROR', 0xc0040004, 'Driver detected an internal error in its data structures for %1.'],
  ['IO_ERR_PARITY', 0xc0040005, 'A parity error was detected on %1.'],
  ['IO_ERR_SEEK_ERROR', 0xc0040006, 'The device, %1, had a seek error.'],
  ['IO_ERR_BAD_BLOCK', 0xc0040007, 'The device, %1, has a bad block.'],
  ['IO_ERR_OVERRUN_ERROR', 0xc0040008, 'An overrun occurred on %1.'],
  ['IO_ERR_TIMEOUT', 0xc0040009, 'The device, %1, did not respond within the timeout period.'],
  ['IO_ERR_SEQUENCE', 0xc004000a, 'The driver detected an unexpected sequence by the device, %1.'],
  ['IO_ERR_CONTROLLER_ERROR', 0xc004000b, 'The driver detected a controller error on %1.'],
  ['IO_ERR_INTERNAL_ERROR', 0xc004000c, 'The driver detected an internal driver error on %1.'],
  ['IO_ERR_INCORRECT_IRQL', 0xc004000d, 'The driver was configured with an incorrect interrupt for %1.'],
  ['IO_ERR_INVALID_IOBASE', 0xc004000e, 'The driver was configured with an invalid I/O base address for %1.'],
  ['IO_ERR_NOT_READY', 0xc004000f, 'The device, %1, is not ready for access yet.'],
  ['IO_ERR_INVALID_REQUEST', 0xc0040010, 'The request is incorrectly formatted for %1.'],
  ['IO_ERR_VERSION', 0xc0040011, 'The wrong version of the driver has been loaded.'],
  ['IO_ERR_LAYERED_FAILURE', 0xc0040012, 'The driver beneath this one has failed in some way for %1.'],
  ['IO_ERR_RESET', 0xc0040013, 'The device, %1, has been reset.'],
  ['IO_ERR_PROTOCOL', 0xc0040014, 'A transport driver received a frame which violated the protocol.'],
  ['IO_ERR_MEMORY_CONFLICT_DETECTED', 0xc0040015, 'A conflict has been detected between two drivers which claimed two overlapping memory regions.%nDriver %2, with device <%1>, claimed a memory range with starting address in data address 0x28 and 0x2c, and length in data address 0x30.'],
  ['IO_ERR_PORT_CONFLICT_DETECTED', 0xc0040016, 'A conflict has been detected between two drivers which claimed two overlapping I/O port regions.%nDriver %2, with device <%1>, claimed an I/O port range with starting address in data address 0x28 and 0x2c, and length in data address 0x30.'],
  ['IO_ERR_DMA_CONFLICT_DETECTED', 0xc0040017, 'A conflict has been detected between two drivers which claimed equivalent DMA channels.%nDriver %2, with device <%1>, claimed the DMA channel in data address 0x28, with optional port in data address 0x2c.'],
  ['IO_ERR_IRQ_CONFLICT_DETECTED', 0xc0040018, 'A conflict has been detected between two drivers which claimed equivalent IRQs.%nDriver %2, with device <%1>, claimed an interrupt with level in data address 0x28, vector in data address 0x2c and affinity in data address 0x30.'],
  ['IO_ERR_BAD_FIRMWARE', 0xc0040019, 'The driver has detected a device with old or out-of-date firmware. The device will not be used.'],
  ['IO_WRN_BAD_FIRMWARE', 0x8004001a, 'The driver has detected that device %1 has old or out-of-date firmware. Reduced performance may result.'],
  ['IO_ERR_DMA_RESOURCE_CONFLICT', 0xc004001b, "The device could not allocate one or more required resources due to conflicts with other devices. The device DMA setting of '%2' could not be satisfied due to a conflict with driver '%3'."],
  ['IO_ERR_INTERRUPT_RESOURCE_CONFLICT', 0xc004001c, "The device could not allocate one or more required resources due to conflicts with other devices. The device interrupt setting of '%2' could not be satisfied due to a conflict with driver '%3'."],
  ['IO_ERR_MEMORY_RESOURCE_CONFLICT', 0xc004001d, "The device could not allocate one or more required resources due to conflicts with other devices. The device memory setting of '%2' could not be satisfied due to a conflict with driver '%3'."],
  ['IO_ERR_PORT_RESOURCE_CONFLICT', 0xc004001e, "The device could not allocate one or more required resources due to conflicts with other devices. The device port setting of '%2' could not be satisfied due to a conflict with driver '%3'."],
  ['IO_BAD_BLOCK_WITH_NAME', 0xc004001f, 'The file %2 on device %1 contains a bad disk block.'],
  ['IO_WRITE_CACHE_ENABLED', 0x80040020, 'The driver detected that the device %1 has its write cache enabled. Data corruption may occur.'],
  ['IO_RECOVERED_VIA_ECC', 0x80040021, 'Data was recovered using error correction code on device %1.'],
  ['IO_WRITE_CACHE_DISABLED', 0x80040022, 'The driver disabled the write cache on device %1.'],
  ['IO_FILE_QUOTA_THRESHOLD', 0x40040024, 'A user hit their quota threshold on volume %2.'],
  ['IO_FILE_QUOTA_LIMIT', 0x40040025, 'A user hit their quota limit on volume %2.'],
  ['IO_FILE_QUOTA_STARTED', 0x40040026, 'The system has started rebuilding the user disk quota information on device %1 with label "%2".'],
  ['IO_FILE_QUOTA_SUCCEEDED', 0x40040027, 'The system has successfully rebuilt the user disk quota information on device %1 with label "%2".'],
  ['IO_FILE_QUOTA_FAILED', 0x80040028, 'The system has encountered an error rebuilding the user disk quota information on device %1 with label "%2".'],
  ['IO_FILE_SYSTEM_CORRUPT', 0xc0040029, 'The file system structure on the disk is corrupt and unusable. Please run the chkdsk utility on the device %1 with label "%2".'],
  ['IO_FILE_QUOTA_CORRUPT', 0xc004002a, 'The user disk quota information is unusable. To ensure accuracy, the file system quota information on the device %1 with label "%2" will be rebuilt.'],
  ['IO_SYSTEM_SLEEP_FAILED', 0xc004002b, 'The system sleep operation failed.'],
  ['IO_DUMP_POINTER_FAILURE', 0xc004002c, 'The system could not get file retrieval pointers for the dump file.'],
  ['IO_DUMP_DRIVER_LOAD_FAILURE', 0xc004002d, 'The system could not successfully load the crash dump driver.'],
  ['IO_DUMP_INITIALIZATION_FAILURE', 0xc004002e, 'Crash dump initialization failed.'],
  ['IO_DUMP_DUMPFILE_CONFLICT', 0xc004002f, 'A valid crash dump was found in the paging file while trying to configure a direct dump. Direct dump is disabled.'],
  ['IO_DUMP_DIRECT_CONFIG_FAILED', 0xc0040030, 'Direct dump configuration failed. Check the file name and that the target device is a local, non-removable disk with room for the dump file.'],
  ['IO_DUMP_PAGE_CONFIG_FAILED', 0xc0040031, 'Configuring the page file for crash dump failed. Make sure there is a page file on the boot partition that is large enough to hold all physical memory.'],
  ['IO_LOST_DELAYED_WRITE', 0x80040032, '{Delayed Write Failed} Windows was unable to save all the data for the file %1. The data has been lost.'],
  ['IO_WARNING_PAGING_FAILURE', 0x80040033, 'An error was detected on device %1 during a paging operation.'],
  ['IO_WRN_FAILURE_PREDICTED', 0x80040034, 'The driver has detected that device %1 has predicted that it will fail. Back up your data and replace the device.'],
  ['IO_WARNING_INTERRUPT_STILL_PENDING', 0x80040035, 'A pending interrupt was detected on device %1 during a timeout operation.'],
  ['IO_DRIVER_CANCEL_TIMEOUT', 0x80040036, 'Driver %1 failed to complete a cancelled I/O request in the allotted time.'],
  ['IO_FILE_SYSTEM_CORRUPT_WITH_NAME', 0xc0040037, 'The file system structure on the disk is corrupt and unusable. Please run the chkdsk utility on the volume %2.'],
  ['IO_WARNING_ALLOCATION_FAILED', 0x80040038, 'The driver failed to allocate memory for device %1.'],
  ['IO_WARNING_LOG_FLUSH_FAILED', 0x80040039, 'The system failed to flush data to the transaction log. Corruption may occur.'],
  ['IO_WARNING_DUPLICATE_SIGNATURE', 0x8004003a, 'Disk %2 has the same disk signature as another disk attached to the system.'],
  ['IO_WARNING_DUPLICATE_PATH', 0x8004003b, 'Disk %2 is reachable through more than one path; the duplicate path was ignored.'],
  ['IO_ERR_THREAD_STUCK_IN_DEVICE_DRIVER', 0xc004006c, 'A thread is stuck in device driver %1.'],
  ['IO_ERR_PORT_TIMEOUT', 0xc0040075, 'The driver has detected a timeout on port %1.'],
  ['IO_WARNING_BUS_RESET', 0x80040076, 'The driver for device %1 performed a bus reset upon request.'],
  ['IO_INFO_THROTTLE_COMPLETE', 0x40040077, 'The driver for device %1 delayed non-paging I/O requests for %2 ms to recover from a low memory condition.'],
  ['IO_WARNING_RESET', 0x80040081, 'Reset to device, %1, was issued.'],
  ['IO_FILE_SYSTEM_REPAIR_SUCCESS', 0x80040082, 'The file system structure on volume %2 was repaired.'],
  ['IO_FILE_SYSTEM_REPAIR_FAILED', 0xc0040083, 'The file system structure on volume %2 could not be repaired.'],
  ['IO_WARNING_WRITE_FUA_PROBLEM', 0x80040084, 'The device %1 does not honour Force Unit Access writes; data may be lost on power failure.'],
  ['IO_CDROM_EXCLUSIVE_LOCK', 0x40040085, 'Process %2 has taken exclusive access to the CD/DVD device %1.'],
  ['IO_FILE_SYSTEM_TXF_RECOVERY_FAILURE', 0x80040086, 'The transactional resource manager on volume %2 could not recover.'],
  ['IO_FILE_SYSTEM_TXF_LOG_FULL_HANDLING_FAILED', 0xc0040087, 'The transactional resource manager on volume %2 could not handle a full log.'],
  ['IO_FILE_SYSTEM_TXF_RESOURCE_MANAGER_RESET', 0x80040088, 'The transactional resource manager on volume %2 was reset.'],
  ['IO_FILE_SYSTEM_TXF_RESOURCE_MANAGER_START_FAILED', 0xc0040089, 'The transactional resource manager on volume %2 failed to start.'],
  ['IO_FILE_SYSTEM_TXF_RESOURCE_MANAGER_SHUT_DOWN', 0xc004008a, 'The transactional resource manager on volume %2 shut down.'],
  ['IO_LOST_DELAYED_WRITE_NETWORK_DISCONNECTED', 0x8004008b, '{Delayed Write Failed} Windows was unable to save all the data for the file %1; the network connection was lost.'],
  ['IO_LOST_DELAYED_WRITE_NETWORK_SERVER_ERROR', 0x8004008c, '{Delayed Write Failed} Windows was unable to save all the data for the file %1; the server returned an error.'],
  ['IO_LOST_DELAYED_WRITE_NETWORK_LOCAL_DISK_ERROR', 0x8004008d, '{Delayed Write Failed} Windows was unable to save all the data for the file %1; the server could not write to its disk.'],
];

export const IO_LOG_CODES: readonly IoLogCode[] = [...IO_CODES.map(([name, value, text]) => ({ name, value, text })), ...mcaCodes()];

// Facility-5 codes, in header order. Pairs share a suffix; the warning is 0x8005xxxx, the error 0xC005xxxx.
function mcaCodes(): IoLogCode[] {
  const pairs: [string, number][] = [
    ['CACHE', 0x3c], ['TLB', 0x3e], ['CPU_BUS', 0x40], ['REGISTER_FILE', 0x42], ['MAS', 0x44],
    ['MEM_UNKNOWN', 0x46], ['MEM_1_2', 0x48], ['MEM_1_2_5', 0x4a], ['MEM_1_2_5_4', 0x4c],
    ['SYSTEM_EVENT', 0x4e], ['PCI_BUS_PARITY', 0x50], ['PCI_BUS_PARITY_NO_INFO', 0x52],
    ['PCI_BUS_SERR', 0x54], ['PCI_BUS_SERR_NO_INFO', 0x56], ['PCI_BUS_MASTER_ABORT', 0x58],
    ['PCI_BUS_MASTER_ABORT_NO_INFO', 0x5a], ['PCI_BUS_TIMEOUT', 0x5c], ['PCI_BUS_TIMEOUT_NO_INFO', 0x5e],
    ['PCI_BUS_UNKNOWN', 0x60], ['PCI_DEVICE', 0x62], ['SMBIOS', 0x64], ['PLATFORM_SPECIFIC', 0x66],
    ['UNKNOWN', 0x68], ['UNKNOWN_NO_CPU', 0x6a],
  ];
  const codes: IoLogCode[] = [];
  for (const [suffix, code] of pairs) {
    codes.push({ name: `MCA_WARNING_${suffix}`, value: (0x80050000 | code) >>> 0 });
    codes.push({ name: `MCA_ERROR_${suffix}`, value: (0xc0050000 | (code + 1)) >>> 0 });
  }
  const singles: [string, number][] = [
    ['MCA_WARNING_CMC_THRESHOLD_EXCEEDED', 0x8005006d],
    ['MCA_WARNING_CPE_THRESHOLD_EXCEEDED', 0x8005006e],
    ['MCA_WARNING_CPU_THERMAL_THROTTLED', 0x8005006f],
    ['MCA_INFO_CPU_THERMAL_THROTTLING_REMOVED', 0x40050070],
    ['MCA_WARNING_CPU', 0x80050071],
    ['MCA_ERROR_CPU', 0xc0050072],
    ['MCA_INFO_NO_MORE_CORRECTED_ERROR_LOGS', 0x40050073],
    ['MCA_INFO_MEMORY_PAGE_MARKED_BAD', 0x40050074],
    ['MCA_MEMORYHIERARCHY_ERROR', 0xc0050078],
    ['MCA_TLB_ERROR', 0xc0050079],
    ['MCA_BUS_ERROR', 0xc005007a],
    ['MCA_BUS_TIMEOUT_ERROR', 0xc005007b],
    ['MCA_INTERNALTIMER_ERROR', 0xc005007c],
    ['MCA_MICROCODE_ROM_PARITY_ERROR', 0xc005007e],
    ['MCA_EXTERNAL_ERROR', 0xc005007f],
    ['MCA_FRC_ERROR', 0xc0050080],
  ];
  for (const [name, value] of singles) codes.push({ name, value });
  return codes;
}

const BY_VALUE = new Map(IO_LOG_CODES.map((c) => [c.value, c]));
const BY_NAME = new Map(IO_LOG_CODES.map((c) => [c.name, c]));

export function ioLogCodeByValue(value: number): IoLogCode | undefined {
  return BY_VALUE.get(value >>> 0);
}

export function ioLogCodeByName(name: string): IoLogCode | undefined {
  return BY_NAME.get(name.toUpperCase());
}


export const SEVERITY_NAMES = ['Success', 'Informational', 'Warning', 'Error'] as const;

/** The NTSTATUS fields of §1.8. */
export function ntstatusParts(value: number): { severity: number; severityName: string; customer: boolean; facility: number; code: number } {
  const v = value >>> 0;
  const severity = v >>> 30;
  return { severity, severityName: SEVERITY_NAMES[severity]!, customer: (v & 0x20000000) !== 0, facility: (v >>> 16) & 0xfff, code: v & 0xffff };
}

/** `IO_ERR_TIMEOUT (0xC0040009)`, or just the hex value for a code outside the table. */
export function describeErrorCode(code: number): string {
  const known = ioLogCodeByValue(code);
  return known ? `${known.name} (${hex32(code)})` : hex32(code);
}
