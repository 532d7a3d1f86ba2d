/**
 * Minimal argv parsing for the CLI: `COMMAND POSITIONAL... --flag value --switch`.
 * Flags are declared per command so a typo is an error, not a silent default.
 */
import type { Metric } from '../../shared/protocol/common';
import { METRICS } from '../../shared/protocol/common';
import { InputError } from '../util/errors';

export interface FlagSpec {
  /** Takes a value (`--k 10`) or is a switch (`--json`). */
  value: boolean;
  /** May be given more than once (values collected in order). */
  repeat?: boolean;
  /** Its value names a file the command reads or writes (so --output-file may not name it). */
  file?: boolean;
}

export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string[]>;
}

export function parseArgs(argv: string[], spec: Record<string, FlagSpec>): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('--') || a === '--') {
      positional.push(a);
      continue;
    }
    let name = a.slice(2);
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    const s = spec[name];
    if (!s) throw new InputError(undefined, `unknown option --${name}`);
    if (s.value) {
      if (value === undefined) {
        if (i + 1 >= argv.length) throw new InputError(undefined, `option --${name} needs a value`);
        value = argv[++i];
      }
    } else if (value !== undefined) {
      throw new InputError(undefined, `option --${name} takes no value`);
    } else {
      value = 'true';
    }
    const list = flags.get(name) ?? [];
    if (list.length && !s.repeat) throw new InputError(undefined, `option --${name} given twice`);
    list.push(value);
    flags.set(name, list);
  }
  return { positional, flags };
}

export class Args {
  constructor(readonly parsed: ParsedArgs) {}
  get positional(): string[] {
    return this.parsed.positional;
  }
  has(name: string): boolean {
    return this.parsed.flags.has(name);
  }
  str(name: string): string | undefined {
    return this.parsed.flags.get(name)?.[0];
  }
  all(name: string): string[] {
    return this.parsed.flags.get(name) ?? [];
  }
  int(name: string, def: number, min = 1): number {
    const s = this.str(name);
    if (s === undefined) return def;
    const v = Number(s);
    if (!Number.isInteger(v) || v < min)
      throw new InputError(undefined, `--${name} must be an integer ≥ ${min}, got '${s}'`);
    return v;
  }
  num(name: string, def: number): number {
    const s = this.str(name);
    if (s === undefined) return def;
    const v = Number(s);
    if (!Number.isFinite(v)) throw new InputError(undefined, `--${name} must be a number, got '${s}'`);
    return v;
  }
  metric(name: string, def: Metric, allowed: readonly Metric[] = METRICS): Metric {
    const s = this.str(name) ?? def;
    if (!allowed.includes(s as Metric))
      throw new InputError(undefined, `--${name} must be one of ${allowed.join(', ')}, got '${s}'`);
    return s as Metric;
  }
  /** The n-th positional argument, or a clear error naming what is missing. */
  need(i: number, what: string): string {
    const v = this.positional[i];
    if (v === undefined) throw new InputError(undefined, `missing ${what}`);
    return v;
  }
}
