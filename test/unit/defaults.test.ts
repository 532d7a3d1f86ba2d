/**
 * The defaults of src/shared/defaults.ts and the places that must repeat them as data:
 * package.json's setting defaults (VS Code reads them there) and README's settings table.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_K, DEFAULT_METRIC, DEFAULT_SCATTER_MAX_POINTS } from '../../src/shared/defaults';

const ROOT = path.resolve(__dirname, '../..');

const MIRRORED: Record<string, unknown> = {
  'embeddingLens.k': DEFAULT_K,
  'embeddingLens.metric': DEFAULT_METRIC,
  'embeddingLens.scatter.maxPoints': DEFAULT_SCATTER_MAX_POINTS,
};

test("package.json's setting defaults equal the shared constants", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const props = pkg.contributes.configuration.properties as Record<string, { default?: unknown }>;
  for (const [name, value] of Object.entries(MIRRORED)) {
    assert.ok(props[name], `package.json declares ${name}`);
    assert.equal(props[name].default, value, `${name} default`);
  }
});

test("README's settings table shows the same defaults", () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  for (const [name, value] of Object.entries(MIRRORED)) {
    const row = readme.split('\n').find((l) => l.startsWith(`| \`${name}\` |`));
    assert.ok(row, `README lists ${name}`);
    assert.equal(row.split('|')[2].trim(), `\`${String(value)}\``, `README default of ${name}`);
  }
});
