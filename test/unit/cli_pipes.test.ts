/**
 * The built `embedding-lens` as scripts run it: a child process whose stdout is a real
 * pipe. A result far over the 64 KiB a pipe holds arrives whole (the same bytes as
 * --output-file writes), a reader that leaves early (`| head`) ends it quietly, SIGINT and
 * SIGTERM stop a running UMAP within a second, and every command's exit statuses are the
 * documented ones. Needs dist/ (`npm test` builds before the unit tests).
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeNpy } from '../../src/engine/io/npy';
import { Rng } from '../../src/engine/util/random';
import { main } from '../../src/engine/cli';
import type { Command } from '../../src/engine/cli/command';
import { COMMANDS } from '../../src/engine/cli/commands/index';
import { StopToken } from '../../src/engine/cli/stop';
import { throwIfCancelled } from '../../src/engine/util/errors';
import { BUILT_BUNDLE, BUILT_CLI, spawnPiped } from './helpers/cli';
import { slow } from './helpers/tier';

const NODE = process.execPath;
const cli = (...argv: string[]) => spawnPiped([NODE, BUILT_CLI, ...argv]);
/** Single-quoted for sh -c. */
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const shell = (line: string) => spawnPiped(['/bin/sh', '-c', line]);
/** The one field that differs between two runs of the same command: its wall-clock time. */
const untimed = (text: string) => text.replace(/"seconds": ?[0-9.e+-]+/g, '"seconds":0');

let dir = '';
const file = (name: string) => path.join(dir, name);

/** n×d rows: `clusters` Gaussian blobs (seeded), optionally scaled to unit length. */
function writeRows(name: string, n: number, d: number, clusters: number, unit: boolean, seed: number): string {
  const rng = new Rng(seed);
  const gauss = () => rng.normal();
  const centres = Float64Array.from({ length: clusters * d }, () => 4 * gauss());
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = rng.int(clusters);
    let ss = 0;
    for (let j = 0; j < d; j++) ss += (data[i * d + j] = centres[c * d + j] + gauss()) ** 2;
    if (unit) for (let j = 0; j < d; j++) data[i * d + j] /= Math.sqrt(ss);
  }
  writeNpy(file(name), data, [n, d], true);
  return file(name);
}

before(() => {
  assert.ok(
    fs.existsSync(BUILT_BUNDLE),
    `${BUILT_BUNDLE} is missing: these tests run the built CLI; run node scripts/build.mjs first (npm test does)`,
  );
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elens-pipes-'));
  // Unit rows: equal norms, so diagnose builds one k-NN graph and 20k rows take seconds.
  writeRows('big.npy', 20_000, 4, 1, true, 1);
  writeRows('mid.npy', 2000, 8, 5, false, 2);
  writeRows('umap.npy', 5000, 16, 20, false, 3);
  writeRows('small.npy', 300, 8, 5, false, 4);
  writeRows('small2.npy', 300, 12, 5, false, 5);
  const meta = ['group\tpair\tlabel'];
  for (let i = 0; i < 300; i++) meta.push(`${i < 150 ? 'a' : 'b'}\t${i % 150}\tc${i % 5}`);
  fs.writeFileSync(file('small.tsv'), meta.join('\n') + '\n');
  fs.writeFileSync(file('words.txt'), 'the cat sat\non the mat\nkings and queens\n');
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('results through a pipe', { skip: slow() }, () => {
  test('a result over 1 MB arrives whole and equals the --output-file bytes', async () => {
    const piped = await cli('diagnose', file('big.npy'), '--per-row');
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stderr, '');
    assert.ok(piped.stdout.length > 1 << 20, `only ${piped.stdout.length} bytes: the test needs a result over 1 MB`);
    const parsed = JSON.parse(piped.stdout.toString('utf8'));
    assert.equal(parsed.perRow.kOccurrence.length, 20_000);

    const written = await cli('diagnose', file('big.npy'), '--per-row', '--output-file', file('big.json'));
    assert.equal(written.code, 0, written.stderr);
    assert.equal(written.stdout.length, 0, 'with --output-file stdout stays empty');
    assert.equal(written.stderr, '');
    assert.equal(untimed(piped.stdout.toString('utf8')), untimed(fs.readFileSync(file('big.json'), 'utf8')));
    assert.deepEqual(
      fs.readdirSync(dir).filter((f) => f.endsWith('.tmp') || f.includes('.tmp.')),
      [],
    );
  });

  test('| cat: the whole result, compact with --json', async () => {
    const r = await shell(`${q(NODE)} ${q(BUILT_CLI)} diagnose ${q(file('mid.npy'))} --per-row --json | cat`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const text = r.stdout.toString('utf8');
    assert.ok(text.length > 1 << 16, `${text.length} bytes: more than a pipe buffer`);
    assert.equal(text.indexOf('\n'), text.length - 1, 'one line');
    assert.equal(JSON.parse(text).perRow.norms.length, 2000);
  });

  test('| head -c 100 ends quietly: status 141 (or 0), nothing on stderr', async () => {
    // The group's `echo $?` is the CLI's own status inside the pipeline; stderr goes to a file, not through head.
    const r = await shell(
      `{ ${q(NODE)} ${q(BUILT_CLI)} diagnose ${q(file('mid.npy'))} --per-row 2>${q(file('head.err'))}; echo $? >${q(file('head.code'))}; } | head -c 100 >${q(file('head.out'))}`,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.readFileSync(file('head.err'), 'utf8'), '', 'no stack trace, no message');
    const code = Number(fs.readFileSync(file('head.code'), 'utf8'));
    assert.ok(code === 141 || code === 0, `exit status ${code}`);
    assert.equal(fs.readFileSync(file('head.out')).length, 100);
  });
});

describe('SIGINT and SIGTERM stop the work', { skip: slow() }, () => {
  // UMAP on 5000×16 runs ~10 s (k-NN graph ~1 s, epochs ~7 s, quality ~2 s): 3 s in, it is laying out.
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    test(`${signal} during project --method umap: status ${code} within 1 s, one line, no result`, async (t) => {
      let sentAt = 0;
      const r = await spawnPiped(
        [NODE, BUILT_CLI, 'project', file('umap.npy'), '--method', 'umap', '--json'],
        (child) =>
          setTimeout(() => {
            sentAt = performance.now();
            child.kill(signal);
          }, 3000),
      );
      assert.ok(sentAt > 0, `the run ended before the signal (status ${r.code}): it needs a bigger file`);
      assert.equal(r.code, code, r.stderr);
      assert.equal(r.stderr, `embedding-lens: cancelled (${signal})\n`);
      assert.equal(r.stdout.length, 0);
      const ms = r.exitedAt - sentAt;
      t.diagnostic(`${signal} to exit: ${Math.round(ms)} ms`);
      // The issue asks for "within 1 s"; the stages check the token every ≲ 0.3 s of work.
      assert.ok(ms <= 1000, `${signal} to exit took ${Math.round(ms)} ms`);
    });
  }
});

describe('exit statuses', { skip: slow() }, () => {
  const okRuns: Record<string, string[]> = {
    inspect: [file('small.npy')],
    neighbors: [file('small.npy'), '--row', '0'],
    embed: [file('words.txt'), '--out', file('words.npy'), '--force'],
    diagnose: [file('small.npy')],
    compress: [file('small.npy'), '--queries', '50'],
    project: [file('small.npy'), '--method', 'pca'],
    gap: [file('small.npy'), '--meta', file('small.tsv'), '--group', 'group', '--pair', 'pair'],
    collapse: [file('small.npy'), '--meta', file('small.tsv'), '--labels', 'label'],
    compare: [file('small.npy'), file('small2.npy')],
  };

  test('every command is covered here', () => {
    assert.deepEqual(Object.keys(okRuns).sort(), COMMANDS.map((c) => c.name).sort());
  });

  for (const c of COMMANDS) {
    test(`${c.name}: 0 with a result on stdout only; 2 for a missing file and for a bad option`, async () => {
      const ok = await cli(c.name, ...okRuns[c.name], '--json');
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal(ok.stderr, '');
      assert.equal(typeof JSON.parse(ok.stdout.toString('utf8')), 'object');

      const [first, ...rest] = okRuns[c.name];
      const missing = await cli(c.name, file(`absent-${path.basename(first)}`), ...rest, '--json');
      assert.equal(missing.code, 2, missing.stderr);
      assert.match(missing.stderr, /^embedding-lens: absent-\S+: .+\n$/);
      assert.equal(missing.stdout.length, 0);

      const bad = await cli(c.name, ...okRuns[c.name], '--no-such-flag');
      assert.equal(bad.code, 2, bad.stderr);
      assert.equal(bad.stderr, 'embedding-lens: unknown option --no-such-flag\n');
    });
  }

  test('diagnose --fail-on: 1 when a finding is that severe, after the full result', async () => {
    const plain = JSON.parse((await cli('diagnose', file('small.npy'), '--json')).stdout.toString('utf8'));
    const order = ['info', 'warning', 'critical'];
    for (const level of order) {
      const hits = plain.findings.filter(
        (f: { severity: string }) => order.indexOf(f.severity) >= order.indexOf(level),
      );
      const r = await cli('diagnose', file('small.npy'), '--json', '--fail-on', level);
      assert.equal(r.code, hits.length ? 1 : 0, `--fail-on ${level}: ${r.stderr}`);
      assert.deepEqual(JSON.parse(r.stdout.toString('utf8')).findings, plain.findings);
      assert.equal(r.stderr.split('\n').length - 1, hits.length ? 1 : 0, r.stderr);
      if (hits.length) assert.match(r.stderr, new RegExp(`--fail-on ${level}: ${hits.length} finding`));
    }
    assert.ok(plain.findings.length > 0, 'the file gives findings, so --fail-on info fails');
    const bad = await cli('diagnose', file('small.npy'), '--fail-on', 'severe');
    assert.equal(bad.code, 2);
  });

  test('compress --fail-under-target: 1 only when no configuration reaches the target', async () => {
    const unreachable = await cli(
      'compress',
      file('small.npy'),
      '--queries',
      '50',
      '--target',
      '1',
      '--json',
      '--fail-under-target',
    );
    assert.equal(JSON.parse(unreachable.stdout.toString('utf8')).recommended, null, 'recall 1 needs exact search');
    assert.equal(unreachable.code, 1, unreachable.stderr);
    assert.match(unreachable.stderr, /^embedding-lens: --fail-under-target: .+\n$/);
    const easy = await cli(
      'compress',
      file('small.npy'),
      '--queries',
      '50',
      '--target',
      '0.05',
      '--json',
      '--fail-under-target',
    );
    assert.notEqual(JSON.parse(easy.stdout.toString('utf8')).recommended, null);
    assert.equal(easy.code, 0, easy.stderr);
  });

  test('--output-file: refuses to replace without --force (2, file unchanged), replaces with it, never an input', async () => {
    const out = file('inspect.json');
    fs.writeFileSync(out, 'keep me');
    const refused = await cli('inspect', file('small.npy'), '--output-file', out);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^embedding-lens: inspect\.json: already exists; pass --force to replace it\n$/);
    assert.equal(fs.readFileSync(out, 'utf8'), 'keep me');
    const forced = await cli('inspect', file('small.npy'), '--output-file', out, '--force');
    assert.equal(forced.code, 0, forced.stderr);
    const direct = await cli('inspect', file('small.npy'));
    assert.equal(fs.readFileSync(out, 'utf8'), direct.stdout.toString('utf8'));
    for (const input of [file('small.npy'), file('small.tsv')]) {
      const r = await cli(
        'gap',
        file('small.npy'),
        '--meta',
        file('small.tsv'),
        '--group',
        'group',
        '--output-file',
        input,
        '--force',
      );
      assert.equal(r.code, 2);
      assert.match(r.stderr, /is an input of this run/);
    }
  });

  test('--help lists every command and the exit statuses; no command is bad input', async () => {
    const help = await cli('--help');
    assert.equal(help.code, 0);
    const text = help.stdout.toString('utf8');
    for (const c of COMMANDS) assert.match(text, new RegExp(`^  ${c.name} `, 'm'));
    for (const code of [0, 1, 2, 70, 130, 141, 143]) assert.match(text, new RegExp(`\\b${code}\\b`));
    assert.match(text, /--output-file FILE/);
    const sub = await cli('diagnose', '--help');
    assert.equal(sub.code, 0);
    assert.match(sub.stdout.toString('utf8'), /--fail-on/);
    const none = await cli();
    assert.equal(none.code, 2);
    assert.equal(none.stdout.length, 0, 'usage after an error goes to stderr');
    assert.match(none.stderr, /^usage: embedding-lens/);
  });

  test('70 for an internal error: one line, no stack', async () => {
    const broken: Command = {
      name: 'broken',
      summary: 'throws',
      usage: 'broken',
      flags: {},
      run: () => Promise.reject(new TypeError('x is undefined')),
    };
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(
      ['broken'],
      { out: (t) => void out.push(t), err: (t) => void err.push(t), errIsTTY: false },
      { commands: [broken] },
    );
    assert.equal(code, 70);
    assert.deepEqual(out, []);
    assert.equal(err.join(''), 'embedding-lens: internal error: x is undefined\n');
  });
});

describe('main() stops when its token fires', () => {
  /** Reports 50%, then works in short steps until cancelled, as an analysis does. */
  const slow: Command = {
    name: 'slow',
    summary: 'waits for a cancel',
    usage: 'slow',
    flags: {},
    async run(_args, io) {
      io.progress(0.5);
      for (;;) {
        await new Promise((r) => setTimeout(r, 5));
        throwIfCancelled(io.token);
      }
    },
  };
  for (const [reason, code, said] of [
    ['SIGINT', 130, '\rslow 50%   \nembedding-lens: cancelled (SIGINT)\n'],
    ['SIGTERM', 143, '\rslow 50%   \nembedding-lens: cancelled (SIGTERM)\n'],
    ['EPIPE', 141, '\rslow 50%   '],
  ] as const) {
    test(`${reason}: status ${code}, the open progress line ended first, nothing on stdout`, async () => {
      const stop = new StopToken();
      const out: string[] = [];
      const err: string[] = [];
      setTimeout(() => stop.stop(reason), 30);
      const got = await main(
        ['slow'],
        { out: (t) => void out.push(t), err: (t) => void err.push(t), errIsTTY: true },
        { stop, commands: [slow] },
      );
      assert.equal(got, code);
      assert.deepEqual(out, []);
      assert.equal(err.join(''), said);
    });
  }
});
