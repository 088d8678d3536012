// `winmc compile --watch`: compile every input, then recompile an input whenever it changes (and
// every .mc input when the --header-template changes), until interrupted. Changes are debounced
// (an editor's save is often several writes and a rename), an input whose bytes did not change is
// not recompiled (the events of our own outputs written beside it), and errors are printed
// without ending the watch. The directories are watched rather than the files, so that a file
// replaced by a rename (editors' atomic saves) or deleted and created again is still seen.

import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { compileInputs, type CompileCommand } from './compile.js';

/** How long the inputs must stay quiet before a recompile, in ms. */
export const WATCH_DEBOUNCE_MS = 100;

function contentOf(path: string): string | undefined {
  try {
    return readFileSync(path).toString('base64');
  } catch {
    return undefined; // missing now: compiling it reports the error
  }
}

export function watchInputs(cmd: CompileCommand): Promise<number> {
  const inputs = [...new Set(cmd.inputs)];
  const template = cmd.headerTemplateFile;
  const watched = [...inputs, ...(template !== undefined ? [template] : [])];
  const seen = new Map<string, string | undefined>(watched.map((p) => [p, contentOf(p)]));

  const round = async (which: readonly string[]) => {
    try {
      const { exitCode, results } = await compileInputs(cmd, which);
      const ok = results.filter((r) => r.exitCode === 0).length;
      process.stdout.write(`winmc: ${ok} of ${which.length} file${which.length === 1 ? '' : 's'} compiled${exitCode === 0 ? '' : ', errors above'}; watching for changes\n`);
    } catch (err) {
      process.stderr.write(`winmc : error MC9999: internal error: ${(err as Error).stack ?? String(err)}\n`);
    }
  };

  // Paths by directory and file name, as fs.watch reports them.
  const byDir = new Map<string, Map<string, string>>();
  for (const p of watched) {
    const dir = dirname(resolve(p));
    if (!byDir.has(dir)) byDir.set(dir, new Map());
    byDir.get(dir)!.set(basename(p), p);
  }

  return new Promise<number>((done) => {
    const pending = new Set<string>();
    let timer: NodeJS.Timeout | undefined;
    // The first round runs once the watchers are in place: a change during it is not missed.
    let running: Promise<void> = Promise.resolve();
    const watchers: FSWatcher[] = [];

    const flush = () => {
      timer = undefined;
      const changed = [...pending].filter((p) => {
        const now = contentOf(p);
        if (now === seen.get(p) && now !== undefined) return false;
        seen.set(p, now);
        return true;
      });
      pending.clear();
      if (changed.length === 0) return;
      // A changed template recompiles every input (only .mc inputs use it; manifests recompile unchanged).
      const which = template !== undefined && changed.includes(template) ? inputs : inputs.filter((p) => changed.includes(p));
      if (which.length === 0) return;
      running = running.then(() => round(which));
    };
    const touched = (path: string) => {
      pending.add(path);
      if (timer) clearTimeout(timer);
      timer = setTimeout(flush, WATCH_DEBOUNCE_MS);
    };

    for (const [dir, files] of byDir) {
      try {
        const w = watch(dir, { persistent: true }, (_event, name) => {
          if (name === null) for (const p of files.values()) touched(p);
          else {
            const p = files.get(basename(String(name)));
            if (p !== undefined) touched(p);
          }
        });
        w.on('error', (err) => process.stderr.write(`winmc : error MC1003: watching ${dir}: ${err.message}\n`));
        watchers.push(w);
      } catch (err) {
        process.stderr.write(`winmc : error MC1003: cannot watch ${dir}: ${(err as Error).message}\n`);
      }
    }

    running = running.then(() => round(inputs));

    const stop = () => {
      if (timer) clearTimeout(timer);
      for (const w of watchers) w.close();
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void running.then(() => done(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
