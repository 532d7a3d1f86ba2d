import { diagnose } from '../../analysis/diagnostics';
import type { Finding } from '../../../shared/protocol/diagnostics';
import { Args } from '../args';
import { Command, FILE_FLAGS } from '../command';
import { openFromArgs } from '../open';
import { InputError } from '../../util/errors';
import { DEFAULT_K, DEFAULT_SEED } from '../../../shared/defaults';

type Severity = Finding['severity'];
/** Mildest first: --fail-on S fails on S and everything after it. */
const SEVERITIES: readonly Severity[] = ['info', 'warning', 'critical'];

function failOn(args: Args): Severity | undefined {
  const s = args.str('fail-on');
  if (s === undefined) return undefined;
  if (!SEVERITIES.includes(s as Severity))
    throw new InputError(undefined, `--fail-on must be one of ${SEVERITIES.join(', ')}, got '${s}'`);
  return s as Severity;
}

export const diagnoseCommand: Command = {
  name: 'diagnose',
  summary:
    'geometry diagnostics: rank axes, intrinsic dimension, isotropy, hubness, cosine vs dot, with findings; --fail-on exits 1 when a finding is that severe',
  usage: `diagnose FILE [--k ${DEFAULT_K}] [--metric cosine|euclidean] [--sample N] [--seed ${DEFAULT_SEED}] [--per-row] [--fail-on info|warning|critical] --json`,
  flags: {
    ...FILE_FLAGS,
    k: { value: true },
    metric: { value: true },
    sample: { value: true },
    seed: { value: true },
    'per-row': { value: false },
    'fail-on': { value: true },
  },
  async run(args, io) {
    const metric = args.str('metric');
    if (metric !== undefined && metric !== 'cosine' && metric !== 'euclidean')
      throw new InputError(undefined, `--metric must be cosine or euclidean, got '${metric}'`);
    const k = args.int('k', DEFAULT_K);
    const sample = args.has('sample') ? args.int('sample', 0, 2) : undefined;
    const seed = args.int('seed', DEFAULT_SEED, 0);
    const gate = failOn(args);
    const ds = await openFromArgs(args);
    const r = await diagnose(
      ds,
      { k, metric, sample, seed },
      { progress: io.progress, token: io.token, perRow: args.has('per-row') },
    );
    if (gate) {
      const hits = r.findings.filter((f) => SEVERITIES.indexOf(f.severity) >= SEVERITIES.indexOf(gate));
      if (hits.length)
        io.checkFailed(
          `--fail-on ${gate}: ${hits.length} finding${hits.length === 1 ? '' : 's'} at or above ${gate}: ${hits.map((f) => `${f.severity}: ${f.title}`).join('; ')}`,
        );
    }
    return { ...r, warnings: ds.warnings.length ? ds.warnings : undefined };
  },
};
