// Classic (MOF) events under EVENT_TRACE_HEADER whose class GUIDs a reader meets in merged
// traces: PerfView's KernelTraceControl image and metadata events (written by the relogger /
// xperf merge) and the kernel's SysConfigEx class. Names as PerfView gives them.

export interface ClassicClass {
  provider: string;
  task: string;
  types: Record<number, string>;
}

export const CLASSIC_CLASSES: Record<string, ClassicClass> = {
  'b3e675d7-2554-4f18-830b-2762732560de': {
    provider: 'KernelTraceControl',
    task: 'ImageID',
    types: { 0: '', 32: 'None', 36: 'DbgID_RSDS', 37: 'DbgID_ILRSDS', 64: 'FileVersion' },
  },
  'bbccf6c1-6cd1-48c4-80ff-839482e37671': {
    provider: 'KernelTraceControl',
    task: 'MetaData',
    types: { 32: 'EventInfo', 33: 'EventMapInfo' },
  },
  '9b79ee91-b5fd-41c0-a243-4248e266e9d0': {
    provider: 'Windows Kernel',
    task: 'SysConfig',
    types: { 32: 'BuildInfo', 33: 'SystemPaths', 34: 'UnknownVolume', 35: 'VolumeMapping' },
  },
};

export function classicEventName(c: ClassicClass, type: number): string {
  const t = c.types[type];
  if (t === undefined) return `${c.task}/Opcode(${type})`;
  return t === '' ? c.task : `${c.task}/${t}`;
}
