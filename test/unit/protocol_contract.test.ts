/**
 * The host ↔ engine contract: every module in src/shared/protocol/ (listed at test
 * time, so a new one is covered without editing this file) names its methods
 * `embeddingLens/<module file name>/<verb>`; methods are unique; the engine's
 * handlers (HANDLERS, over the real request context on a stand-in connection that
 * records `onRequest`) answer each declared request exactly once and nothing
 * undeclared, and handlers/<module>.ts answers exactly the requests of
 * protocol/<module>.ts. Notifications are checked by a source scan: the engine
 * sends each one, and the host listens to it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NotificationDef, RequestDef } from '../../src/shared/protocol/request';
import { createContext, EngineContext } from '../../src/engine/handlers/context';
import { HANDLERS } from '../../src/engine/handlers/index';

const ROOT = path.resolve(__dirname, '../..');
const PROTOCOL = path.join(ROOT, 'src/shared/protocol');
const HANDLER_DIR = path.join(ROOT, 'src/engine/handlers');
/** Building blocks, not features: they declare no requests. */
const NOT_FEATURES = new Set(['request', 'common']);
/** Notifications no host code listens to, with the reason; the engine must still send them. */
const NOT_FOR_THE_HOST: Record<string, string> = {
  'embeddingLens/map/layout':
    'pushed only when map/project is asked with notify, for other clients; the Map panel polls map/poll',
};

type Def = (RequestDef<unknown, unknown> | NotificationDef<unknown>) & { name: string; module: string };

function isDef(v: unknown): v is RequestDef<unknown, unknown> | NotificationDef<unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const d = v as { kind?: unknown; method?: unknown };
  return (d.kind === 'request' || d.kind === 'notification') && typeof d.method === 'string';
}

const modules = fs
  .readdirSync(PROTOCOL)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .sort();

const defs: Def[] = modules.flatMap((module) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exports = require(path.join(PROTOCOL, module)) as Record<string, unknown>;
  return Object.entries(exports)
    .filter(([, v]) => isDef(v))
    .map(([name, v]) => ({ ...(v as RequestDef<unknown, unknown>), name, module }));
});
const requests = defs.filter((d) => d.kind === 'request');
const notifications = defs.filter((d) => d.kind === 'notification');

/** The methods `register` makes the engine answer, in registration order. */
function registeredBy(register: (ctx: EngineContext) => void): string[] {
  const methods: string[] = [];
  const connection = {
    onRequest(method: string) {
      methods.push(method);
    },
    sendNotification() {},
    window: { attachWorkDoneProgress: () => Promise.resolve({ begin() {}, report() {}, done() {} }) },
  };
  register(createContext(connection as never));
  return methods;
}

function sourceFiles(dir: string): { file: string; text: string }[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') ? [{ file: path.relative(ROOT, p), text: fs.readFileSync(p, 'utf8') }] : [];
  });
}

test('the protocol folder holds the building blocks and feature modules', () => {
  assert.ok(modules.includes('request') && modules.includes('common'));
  assert.ok(!modules.includes('index'), 'no barrel: importers name the feature module they use');
  assert.ok(requests.length >= 20, `${requests.length} requests found`);
  for (const m of modules) {
    const own = defs.filter((d) => d.module === m);
    if (NOT_FEATURES.has(m)) assert.deepEqual(own, [], `${m}.ts declares no requests`);
    else assert.ok(own.length > 0, `${m}.ts declares at least one request`);
  }
});

test('every method is embeddingLens/<module file name>/<lowerCamel verb>, and unique', () => {
  for (const d of defs) {
    const m = /^embeddingLens\/([^/]+)\/([^/]+)$/.exec(d.method);
    assert.ok(m, `${d.module}.${d.name}: ${d.method} has the form embeddingLens/<module>/<verb>`);
    assert.equal(m[1], d.module, `${d.module}.${d.name}: ${d.method} is in the module it is declared in`);
    assert.match(m[2], /^[a-z][a-zA-Z0-9]*$/, `${d.module}.${d.name}: the verb is lowerCamel`);
  }
  const methods = defs.map((d) => d.method);
  assert.deepEqual(
    methods.filter((m, i) => methods.indexOf(m) !== i),
    [],
    'methods declared twice',
  );
});

test('the engine answers every declared request exactly once, and nothing undeclared', () => {
  const methods = HANDLERS.flatMap((register) => registeredBy(register));
  const declared = new Set(requests.map((d) => d.method));
  assert.deepEqual(
    methods.filter((m, i) => methods.indexOf(m) !== i),
    [],
    'requests with more than one handler',
  );
  assert.deepEqual(
    methods.filter((m) => !declared.has(m)),
    [],
    'handlers of undeclared methods',
  );
  assert.deepEqual(
    [...declared].filter((m) => !methods.includes(m)),
    [],
    'declared requests no handler answers',
  );
});

test('handlers/<module>.ts answers exactly the requests of protocol/<module>.ts', () => {
  for (const m of modules.filter((x) => !NOT_FEATURES.has(x))) {
    const file = path.join(HANDLER_DIR, `${m}.ts`);
    assert.ok(fs.existsSync(file), `src/engine/handlers/${m}.ts exists`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exports = require(file) as Record<string, unknown>;
    const registers = Object.entries(exports).filter(
      ([k, v]) => /^register\w*Handlers$/.test(k) && typeof v === 'function',
    );
    assert.equal(registers.length, 1, `handlers/${m}.ts exports one register…Handlers function`);
    const register = registers[0][1] as (ctx: EngineContext) => void;
    assert.ok(HANDLERS.includes(register), `handlers/index.ts lists ${registers[0][0]}`);
    const own = requests.filter((d) => d.module === m).map((d) => d.method);
    assert.deepEqual(registeredBy(register).sort(), own.sort(), `handlers/${m}.ts`);
  }
});

test('the engine sends every declared notification, and the host listens to it (source scan)', () => {
  const engine = sourceFiles(path.join(ROOT, 'src/engine'));
  const host = sourceFiles(path.join(ROOT, 'src/host'));
  // `ctx.notify(Name` (or `sendNotification(Name.method`) / `onNotification(Name` in a file that imports Name from
  // protocol/<module>.
  const imports = (text: string, d: Def) =>
    new RegExp(`import \\{[^}]*\\b${d.name}\\b[^}]*\\} from '[./]*(?:src/)?shared/protocol/${d.module}'`).test(text);
  for (const d of notifications) {
    const sent = engine.filter(
      (f) =>
        imports(f.text, d) &&
        new RegExp(`(?:sendNotification\\(\\s*${d.name}\\.method|\\.notify\\(\\s*${d.name})\\b`).test(f.text),
    );
    assert.ok(sent.length > 0, `the engine sends ${d.method} (${d.module}.${d.name})`);
    const heard = host.filter(
      (f) => imports(f.text, d) && new RegExp(`onNotification\\(\\s*${d.name}\\b`).test(f.text),
    );
    if (d.method in NOT_FOR_THE_HOST)
      assert.equal(heard.length, 0, `${d.method} has a host listener now: drop it from NOT_FOR_THE_HOST`);
    else assert.ok(heard.length > 0, `the host listens to ${d.method} (${d.module}.${d.name})`);
  }
  for (const m of Object.keys(NOT_FOR_THE_HOST))
    assert.ok(
      notifications.some((d) => d.method === m),
      `NOT_FOR_THE_HOST names ${m}, which is not declared`,
    );
});
