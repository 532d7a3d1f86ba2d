/**
 * The command ids the extension registers, its manifest and src/host/commands.ts
 * agree: activating the real host code (over a stand-in `vscode` module that
 * records `commands.registerCommand`) registers each id of COMMANDS exactly once
 * and nothing else; package.json `contributes.commands` lists the same ids; every
 * menu entry and every panel link names a declared command; each id is
 * `embeddingLens.<feature>.<verb>` with a feature that has its host file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Module from 'node:module';

const ROOT = path.resolve(__dirname, '../..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/**
 * A value that absorbs anything: every property is another one, calling or
 * constructing it gives one, and it is not a thenable (awaiting it does not hang).
 */
function absorbing(): unknown {
  const target = function () {};
  const proxy: unknown = new Proxy(target, {
    get(_t, key) {
      if (key === 'then') return undefined;
      if (key === Symbol.toPrimitive) return () => '';
      if (key === Symbol.iterator) return function* () {};
      return absorbing();
    },
    apply: () => absorbing(),
    construct: () => absorbing() as object,
  });
  return proxy;
}

const registered: string[] = [];

/** The `vscode` names the host code uses, each absorbing, except `commands`, which records registrations. */
function fakeVscode(): Record<string, unknown> {
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts'))
        for (const m of fs.readFileSync(p, 'utf8').matchAll(/\bvscode\.([A-Za-z_]\w*)/g)) names.add(m[1]);
    }
  };
  walk(path.join(ROOT, 'src/host'));
  const mod: Record<string, unknown> = {};
  for (const n of names) mod[n] = absorbing();
  mod.commands = {
    registerCommand(id: string) {
      registered.push(id);
      return { dispose() {} };
    },
    executeCommand: () => Promise.resolve(undefined),
  };
  return mod;
}

const fakes: Record<string, unknown> = { vscode: fakeVscode(), 'vscode-languageclient/node': absorbing() };
const loader = Module as unknown as { _load: (this: unknown, request: string, ...rest: unknown[]) => unknown };
const realLoad = loader._load;
loader._load = function (request: string, ...rest: unknown[]) {
  if (request in fakes) return fakes[request];
  return realLoad.call(this, request, ...rest);
};

// Loaded after the stand-ins are in place (a static import would load the real modules first).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { activate } = require('../../src/host/extension') as typeof import('../../src/host/extension');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { COMMANDS } = require('../../src/host/commands') as typeof import('../../src/host/commands');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { panelLinks } = require('../../src/host/features/links') as typeof import('../../src/host/features/links');
loader._load = realLoad;

activate({ subscriptions: [] } as never);

const declared = Object.values(COMMANDS).flatMap((feature) => Object.values(feature) as string[]);
const sorted = (a: Iterable<string>) => [...a].sort();

test('activation registers every declared command exactly once, and nothing else', () => {
  const twice = registered.filter((id, i) => registered.indexOf(id) !== i);
  assert.deepEqual(twice, [], 'registered more than once');
  assert.deepEqual(sorted(registered), sorted(declared));
});

test('package.json contributes exactly the declared commands', () => {
  const contributed: string[] = manifest.contributes.commands.map((c: { command: string }) => c.command);
  assert.equal(new Set(contributed).size, contributed.length, 'a command is contributed twice');
  assert.deepEqual(sorted(contributed), sorted(declared));
});

test('every menu entry and every panel link names a declared command', () => {
  const menus = manifest.contributes.menus as Record<string, { command?: string; submenu?: string }[]>;
  const submenus = new Set((manifest.contributes.submenus ?? []).map((s: { id: string }) => s.id));
  for (const [menu, entries] of Object.entries(menus)) {
    if (menu !== 'commandPalette' && !menu.includes('/'))
      assert.ok(submenus.has(menu), `menu ${menu} is a declared submenu`);
    for (const e of entries) {
      if (e.command) assert.ok(declared.includes(e.command), `${menu}: ${e.command} is declared`);
      if (e.submenu) assert.ok(submenus.has(e.submenu), `${menu}: submenu ${e.submenu} is declared`);
    }
  }
  const links = panelLinks().map((l) => l.command);
  assert.ok(links.length > 0);
  for (const c of links) assert.ok(declared.includes(c), `panel link ${c} is declared`);
});

test('command ids are embeddingLens.<feature>.<verb>, the feature named as its host file', () => {
  for (const [feature, verbs] of Object.entries(COMMANDS)) {
    assert.ok(fs.existsSync(path.join(ROOT, 'src/host/features', `${feature}.ts`)), `src/host/features/${feature}.ts`);
    for (const [verb, id] of Object.entries(verbs)) {
      assert.match(verb, /^[a-z][A-Za-z0-9]*$/);
      assert.equal(id, `embeddingLens.${feature}.${verb}`);
    }
  }
});
