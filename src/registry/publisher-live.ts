// Publishers in the live registry through native-reg (live.ts). This writes the registry only, as
// a .reg import or an offline hive edit does. The Event Log service "reads the table from disk at
// start up" (MS-EVEN6 3.1.1.3) and changes reach its copy through EvtRpcAssertConfig, which is what
// wevtutil uses and winmc does not call: until the service restarts (in practice a reboot, it cannot
// be stopped while Windows runs) it may not know the publisher, so its events may not render and its
// channels have no log file yet. `wevtutil sl CHANNEL /e:true` (or /e:false) makes the running
// service take a channel's configuration. See docs/registry.md, "What the Event Log service does".

import { type ApplyOptions, applyChanges } from './apply.js';
import type { Change } from './plan.js';
import { LiveRegistry, type NativeReg, loadNativeReg } from './live.js';
import { type PublisherPlan, resolvePublisher } from './publisher.js';

export function applyPublisherToLiveRegistry(p: PublisherPlan, options: ApplyOptions & { nativeReg?: NativeReg } = {}): { changes: Change[]; notes: string[] } {
  const reg = new LiveRegistry(options.nativeReg ?? loadNativeReg());
  const { changes, notes } = resolvePublisher(p, reg);
  applyChanges(reg, changes, options);
  return { changes, notes };
}
