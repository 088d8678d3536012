#!/usr/bin/env node
// @ts-check
// CommonJS (bin/package.json): see bin/bundle.js for why.
'use strict';
const { loadBundledCli } = require('./bundle.js');

const streams = [process.stdout, process.stderr];
// `winmc … | head` closes the pipe early: that is the reader's choice, not an error.
for (const stream of streams) {
  stream.on('error', (err) => {
    if (/** @type {NodeJS.ErrnoException} */ (err).code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

/** @param {typeof import('../dist/cli/main.js')} cli */
function run({ main }) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      // Done: exit now rather than when V8's background work lets the event loop end (its
      // compile and GC tasks kept a many-files compile alive 3-14 ms longer). Output still
      // queued (writes to a pipe on POSIX and to a Windows terminal are asynchronous) drains first.
      if (streams.every((s) => s.writableLength === 0)) process.exit(code);
    },
    (err) => {
      process.stderr.write(`winmc : error MC9999: internal error: ${err && err.stack ? err.stack : err}\n`);
      process.exitCode = 70;
    },
  );
}

// The bundle when `npm run build` made one; the modules tsc wrote otherwise (slower to start).
const bundled = loadBundledCli()?.cli;
if (bundled) run(bundled);
else import('../dist/cli/main.js').then(run);
