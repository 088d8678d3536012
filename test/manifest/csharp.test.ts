// The C# of -cs/-css against the corpus case that kept mc.exe's -cs output (jytrace, JyTrace.cs).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderManifestCSharp } from '../../src/manifest/csharp.js';
import { isManifestGeneration } from '../../src/manifest/generation.js';
import type { Manifest } from '../../src/manifest/model.js';
import { parseManifest } from '../../src/manifest/parse.js';
import { corpusRoot, corpusSkipNote, repoRoot } from '../support/paths.js';
import { which } from './support/toolchain.js';

const manDir = join(corpusRoot, 'man');
const hasManCorpus = existsSync(manDir);

interface ExtraRun {
  args: string[];
  expected: string[];
}
interface CaseJson {
  input: string;
  generation: string;
  args: string[];
  extraRuns?: ExtraRun[];
}

function csharpRuns(): { name: string; c: CaseJson; run: ExtraRun; file: string }[] {
  const out: { name: string; c: CaseJson; run: ExtraRun; file: string }[] = [];
  for (const name of readdirSync(manDir).sort()) {
    const c = JSON.parse(readFileSync(join(manDir, name, 'case.json'), 'utf8')) as CaseJson;
    for (const run of c.extraRuns ?? []) {
      if (!run.args.includes('-cs') && !run.args.includes('-css')) continue;
      for (const file of run.expected.filter((f) => f.toLowerCase().endsWith('.cs'))) out.push({ name, c, run, file });
    }
  }
  return out;
}

function parse(dir: string, input: string): Manifest {
  const r = parseManifest(readFileSync(join(dir, 'input', input)), input);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.manifest!;
}

describe.skipIf(!hasManCorpus)(`mc.exe -cs output (${hasManCorpus ? manDir : corpusSkipNote})`, () => {
  for (const { name, c, run, file } of hasManCorpus ? csharpRuns() : []) {
    it(`${name}: ${file} (${run.args.join(' ')})`, () => {
      const dir = join(manDir, name);
      const manifest = parse(dir, c.input);
      const css = run.args.indexOf('-css');
      const cs = run.args.indexOf('-cs');
      const z = run.args.indexOf('-z');
      const baseName = z >= 0 ? run.args[z + 1]! : c.input.replace(/\.[^.]*$/, '');
      const out = renderManifestCSharp(manifest, {
        namespace: run.args[(css >= 0 ? css : cs) + 1]!,
        staticClass: css >= 0,
        generation: isManifestGeneration(c.generation) ? c.generation : 'sdk10.0.16299',
        baseName,
      });
      // mc.exe names the file <base>.cs; the repository keeps it as JyTrace.cs for jytrace.man,
      // a casing Windows keeps when a file of that name already exists (see the doc).
      expect(out.name.toLowerCase()).toBe(file.toLowerCase());
      const expected = readFileSync(join(dir, 'expected', file));
      expect(Buffer.from(out.bytes).toString('latin1')).toBe(expected.toString('latin1'));
    });
  }
});

// A manifest with every shape the generator has: task GUIDs, a channel, an event without data,
// one string, scalar/bool/GUID values, an unsupported (ANSI) and an array field.
const SHAPES_MAN = `<?xml version="1.0" encoding="UTF-8"?>
<instrumentationManifest xmlns="http://schemas.microsoft.com/win/2004/08/events" xmlns:win="http://manifests.microsoft.com/win/2004/08/windows/events" xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <instrumentation><events>
    <provider name="Shapes-Provider" guid="{C2049A44-5BE8-4B88-A4CD-1E0EE4139F3B}" symbol="ShapesProvider" resourceFileName="s.dll" messageFileName="s.dll">
      <channels><channel name="Shapes/Operational" chid="op" type="Operational" enabled="true"/></channels>
      <tasks><task name="Work" value="1" eventGUID="{11111111-2222-3333-4444-555555555555}"/></tasks>
      <templates>
        <template tid="OneString"><data name="Message" inType="win:UnicodeString"/></template>
        <template tid="Mixed">
          <data name="Name" inType="win:UnicodeString"/>
          <data name="Id" inType="win:UInt32"/>
          <data name="Flag" inType="win:Boolean"/>
          <data name="Port" inType="win:UInt16"/>
          <data name="Activity" inType="win:GUID"/>
          <data name="Handle" inType="win:HexInt64"/>
          <data name="Path" inType="win:UnicodeString"/>
          <data name="When" inType="win:FILETIME"/>
        </template>
        <template tid="Values"><data name="A" inType="win:Int32"/><data name="B" inType="win:Double"/></template>
        <template tid="Ansi"><data name="Text" inType="win:AnsiString"/></template>
        <template tid="Array"><data name="N" inType="win:UInt32"/><data name="Items" inType="win:UInt32" count="N"/></template>
      </templates>
      <events>
        <event symbol="Plain" value="1" level="win:Informational" channel="op" task="Work"/>
        <event symbol="Text" value="2" level="win:Warning" template="OneString"/>
        <event symbol="Many" value="3" version="2" level="win:Error" template="Mixed" task="Work" opcode="win:Start"/>
        <event symbol="Nums" value="4" template="Values"/>
        <event symbol="Narrow" value="5" template="Ansi"/>
        <event symbol="List" value="6" template="Array"/>
      </events>
    </provider>
  </events></instrumentation>
</instrumentationManifest>
`;

function shapes(staticClass: boolean): string {
  const r = parseManifest(new TextEncoder().encode(SHAPES_MAN), 'shapes.man');
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const out = renderManifestCSharp(r.manifest!, { namespace: 'Shapes.Events', staticClass, generation: 'sdk10.0.16299', baseName: 'shapes' });
  expect(out.name).toBe('shapes.cs');
  return new TextDecoder().decode(out.bytes);
}

describe('renderManifestCSharp shapes', () => {
  it('-cs: instance class, descriptors with channel keyword bits, one method kind per template shape', () => {
    const text = shapes(false);
    expect(text).not.toMatch(/[^\r]\n/);
    expect(text).toContain('    public class ShapesProvider : IDisposable\r\n');
    expect(text).toContain('        // Provider Shapes-Provider Event Count 6\r\n');
    expect(text).toContain('        internal EventProviderVersionTwo m_provider = new EventProviderVersionTwo(new Guid("c2049a44-5be8-4b88-a4cd-1e0ee4139f3b"));\r\n');
    expect(text).toContain('        protected Guid WorkId = new Guid("11111111-2222-3333-4444-555555555555");\r\n');
    expect(text).toContain('                Plain = new EventDescriptor(0x1, 0x0, 0x10, 0x4, 0x0, 0x1, (long)0x8000000000000000);\r\n');
    expect(text).toContain('                Many = new EventDescriptor(0x3, 0x2, 0x0, 0x2, 0x1, 0x1, (long)0x0);\r\n');
    expect(text).toContain('        public bool EventWritePlain()\r\n');
    expect(text).toContain('            return m_provider.TemplateEventDescriptor(ref Plain);\r\n');
    expect(text).toContain('        internal unsafe bool TemplateEventDescriptor(\r\n            ref EventDescriptor eventDescriptor\r\n            )\r\n');
    expect(text).toContain('            return m_provider.WriteEvent(ref Text, Message);\r\n');
    expect(text).toContain('        public bool EventWriteMany(string Name, uint Id, bool Flag, ushort Port, Guid Activity, long Handle, string Path, DateTime When)\r\n');
    expect(text).toContain('            return m_provider.TemplateMixed(ref Many, Name, Id, Flag, Port, Activity, Handle, Path, When);\r\n');
    expect(text).toContain('                int FlagInt = Flag ? 1 : 0;\r\n                userDataPtr[2].DataPointer = (UInt64)(&FlagInt);\r\n                userDataPtr[2].Size = (uint)(sizeof(int));\r\n');
    expect(text).toContain('                userDataPtr[3].DataPointer = (UInt64)(&Port);\r\n                userDataPtr[3].Size = (uint)(sizeof(short)  );\r\n');
    expect(text).toContain('                long WhenFileTime = When.ToFileTime();\r\n                userDataPtr[7].DataPointer = (UInt64)(&WhenFileTime);\r\n                userDataPtr[7].Size = (uint)(sizeof(long));\r\n');
    expect(text).toContain('                fixed (char* a0 = Name, a1 = Path)\r\n                {\r\n                    userDataPtr[0].DataPointer = (ulong)a0;\r\n                    userDataPtr[6].DataPointer = (ulong)a1;\r\n');
    expect(text).toContain('                userDataPtr[1].Size = (uint)(sizeof(double)  );\r\n\r\n                status = WriteEvent(ref eventDescriptor, argumentCount, (IntPtr)(userData));\r\n            }\r\n');
    expect(text.match(/The event's template has types not supported in c# generation/g)?.length).toBe(2);
    // Only the templates a method uses, once each, in template order.
    expect([...text.matchAll(/internal unsafe bool (\w+)\(/g)].map((m) => m[1])).toEqual(['TemplateEventDescriptor', 'TemplateMixed', 'TemplateValues']);
  });

  it('two providers: a class each and one EventProviderVersionTwo with their template methods', () => {
    const provider = (n: number, tid: string) => `
    <provider name="P${n}" guid="{00000000-0000-0000-0000-00000000000${n}}" symbol="P${n}Sym" resourceFileName="p.dll" messageFileName="p.dll">
      <templates><template tid="${tid}"><data name="A" inType="win:UInt32"/><data name="S" inType="win:UnicodeString"/></template></templates>
      <events><event symbol="E${n}" value="${n}" template="${tid}"/></events>
    </provider>`;
    const man = SHAPES_MAN.replace(/<provider [\s\S]*<\/provider>/, provider(1, 'Shared') + provider(2, 'Shared') + provider(3, 'Own'));
    const r = parseManifest(new TextEncoder().encode(man), 'two.man');
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const text = new TextDecoder().decode(renderManifestCSharp(r.manifest!, { namespace: 'N', staticClass: false, generation: 'sdk10.0.16299', baseName: 'two' }).bytes);
    expect([...text.matchAll(/public class (\w+)/g)].map((m) => m[1])).toEqual(['P1Sym', 'P2Sym', 'P3Sym']);
    expect(text.match(/internal class EventProviderVersionTwo/g)?.length).toBe(1);
    expect([...text.matchAll(/internal unsafe bool (\w+)\(/g)].map((m) => m[1])).toEqual(['TemplateShared', 'TemplateOwn']);
    expect(text).toContain('            return m_provider.TemplateShared(ref E2, A, S);\r\n');
    expect(text).toContain('    }\r\n\r\n    public class P2Sym : IDisposable\r\n');
  });

  it('-css: a static class with a static constructor and no Dispose', () => {
    const text = shapes(true);
    expect(text).toContain('    public static class ShapesProvider\r\n    {\r\n');
    expect(text).toContain('        internal static EventProviderVersionTwo m_provider');
    expect(text).toContain('        private static Guid WorkId = new Guid(');
    expect(text).toContain('        private static EventDescriptor Plain;\r\n');
    expect(text).toContain('        private static EventDescriptor List;\r\n\r\n\r\n        static ShapesProvider()\r\n');
    expect(text).not.toContain('Dispose');
    expect(text).toContain('        public static bool EventWriteMany(');
  });
});

// The generated C# must compile (mcs from mono-mcs, against the documented API in a stub).
const mcs = which('mcs');
describe.skipIf(!mcs)(`generated C# compiles (${mcs ?? 'mcs not found: install mono-mcs; skipped'})`, () => {
  function compiles(name: string, text: string | Uint8Array): void {
    const dir = mkdtempSync(join(tmpdir(), 'winmc-cs-'));
    writeFileSync(join(dir, name), text);
    const r = spawnSync(mcs!, ['-target:library', '-unsafe', '-nowarn:0436', join(repoRoot, 'test/manifest/support/eventing-stub.cs'), join(dir, name), `-out:${join(dir, 'out.dll')}`], { encoding: 'utf8' });
    expect({ status: r.status, output: r.stdout + r.stderr }).toMatchObject({ status: 0 });
  }
  it('-cs and -css of the shapes manifest', () => {
    compiles('shapes-cs.cs', shapes(false));
    compiles('shapes-css.cs', shapes(true));
  });
  it.skipIf(!hasManCorpus)('mc.exe\'s JyTrace.cs and winmc\'s', () => {
    const dir = join(manDir, 'flowerinthenight__win32-etw-manifest__jytrace__f4c8adf');
    compiles('expected.cs', readFileSync(join(dir, 'expected', 'JyTrace.cs')));
    const out = renderManifestCSharp(parse(dir, 'jytrace.man'), { namespace: 'JyTrace', staticClass: true, generation: 'sdk10.0.10240', baseName: 'jytrace' });
    compiles('css.cs', out.bytes);
  });
});
