/**
 * Plain-language findings: each names the problem, its severity, and the number
 * behind it, so a user can judge without reading the charts. Thresholds are the
 * ones the literature uses where there is one (hubness skewness > 1.2 is "strong"
 * in Radovanović et al. 2010's tables; outlier dimensions at OUTLIER_FACTOR × the
 * mean variance, cited in isotropy.ts), and conservative rules of thumb otherwise,
 * named in the text.
 */
import type { DiagnoseResult, Finding } from '../../../shared/protocol/diagnostics';
import { EQUAL_NORM_CV } from './cosineVsDot';
import { OUTLIER_FACTOR } from './isotropy';

const HUBNESS_STRONG = 1.2;
const HUBNESS_SEVERE = 3;
const ANISOTROPY_MEAN_COS = 0.3;
const ROGUE_SHARE = 0.25;
/** …and at least this multiple of the 1/d share every dimension would have in isotropic data. */
const ROGUE_FAIR_MULTIPLE = 3;
const NORM_CV_VARIES = 0.1;
/** Share of top-k neighbours that differ between cosine and dot above which the choice matters. */
const NEIGHBOR_DISAGREEMENT = 0.2;

const pct = (x: number) => `${Math.round(100 * x)}%`;
const f2 = (x: number) =>
  Number.isFinite(x)
    ? Math.abs(x) >= 100
      ? x.toFixed(0)
      : Math.abs(x) >= 10
        ? x.toFixed(1)
        : Math.abs(x) < 0.005
          ? '0.00'
          : x.toFixed(2)
    : 'n/a';
const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;

export function findings(r: Omit<DiagnoseResult, 'findings' | 'seconds'>): Finding[] {
  return [
    ...dataFindings(r),
    ...rankFindings(r),
    ...idFindings(r),
    ...isotropyFindings(r),
    ...hubnessFindings(r),
    ...normFindings(r),
  ];
}

function dataFindings(r: Omit<DiagnoseResult, 'findings' | 'seconds'>): Finding[] {
  const out: Finding[] = [];
  if (r.nonFiniteRows)
    out.push({
      severity: 'critical',
      section: 'data',
      title: `${plural(r.nonFiniteRows, 'row')} with NaN or Inf`,
      detail: `They were left out of every measure; ${r.rows - r.nonFiniteRows} of ${r.rows} rows remain.`,
    });
  if (r.zeroRows)
    out.push({
      severity: 'warning',
      section: 'data',
      title: `${plural(r.zeroRows, 'zero vector')}`,
      detail: `Cosine similarity is undefined for a zero vector, so ${r.zeroRows === 1 ? 'it was' : 'they were'} left out of the cosine measures.`,
    });
  if (r.duplicateRows)
    out.push({
      severity: 'warning',
      section: 'data',
      title: `${plural(r.duplicateRows, 'duplicate row')} (${pct(r.duplicateRows / r.rows)})`,
      detail:
        'Exact copies of earlier rows; they were removed before estimating intrinsic dimension (zero distances break the estimators).',
    });
  if (r.sample)
    out.push({
      severity: 'info',
      section: 'data',
      title: `Neighbour measures on a sample of ${r.sample.rows} of ${r.sample.of} rows`,
      detail: `Seed ${r.sample.seed}; sampled: ${r.sample.sections.join(', ')}. Rank and isotropy use every row.`,
    });
  return out;
}

function rankFindings(r: Omit<DiagnoseResult, 'findings' | 'seconds'>): Finding[] {
  const k = r.rank;
  if (!k)
    return [
      {
        severity: 'info',
        section: 'rank',
        title: 'Spectrum not computed',
        detail:
          r.notes.find((n) => n.includes('spectrum')) ?? 'The matrix is too large for a full eigen-decomposition.',
      },
    ];
  if (k.n < 2)
    return [
      {
        severity: 'info',
        section: 'rank',
        title: 'One usable row: no variance to analyse',
        detail: 'Rank, variance and isotropy measures need at least two rows.',
      },
    ];
  if (k.dims95 === 0)
    return [
      {
        severity: 'critical',
        section: 'rank',
        title: `No variance: all ${k.n} usable rows are the same vector`,
        detail: 'Every direction has zero variance, so the rows cannot tell items apart.',
      },
    ];
  const m = k.minND;
  const share = k.dims95 / m;
  const title = `95% of variance in ${k.dims95} of ${m} dimensions`;
  const detail = `Effective rank ${f2(k.effectiveRank)} (centred), RankMe ${f2(k.rankMe)} (raw), participation ratio ${f2(k.participationRatio)}, out of min(n, d) = ${m}.`;
  if (m >= 8 && share <= 0.05)
    return [
      {
        severity: 'critical',
        section: 'rank',
        title: `Dimensional collapse: ${title}`,
        detail: `${detail} Most dimensions carry almost nothing.`,
      },
    ];
  if (m >= 8 && share <= 0.25)
    return [
      {
        severity: 'warning',
        section: 'rank',
        title: `Dimensional collapse: ${title}`,
        detail: `${detail} The space uses a quarter or less of its dimensions.`,
      },
    ];
  return [{ severity: 'info', section: 'rank', title: `Variance spread: ${title}`, detail }];
}

function idFindings(r: Omit<DiagnoseResult, 'findings' | 'seconds'>): Finding[] {
  const id = r.intrinsicDimension;
  if (!Number.isFinite(id.twoNN) && !Number.isFinite(id.mle))
    return [
      {
        severity: 'info',
        section: 'intrinsicDimension',
        title: 'Intrinsic dimension not defined',
        detail: id.notes.join(' '),
      },
    ];
  return [
    {
      severity: 'info',
      section: 'intrinsicDimension',
      title: `Intrinsic dimension ≈ ${f2(id.twoNN)} (TwoNN), ${f2(id.mle)} (MLE, k = ${id.mleK}) in ${r.dims} ambient dimensions`,
      detail: `The data lies near a manifold with about this many degrees of freedom (${id.metric} distances${id.duplicatesRemoved ? `, ${id.duplicatesRemoved} duplicate rows removed` : ''}).`,
    },
  ];
}

function isotropyFindings(r: Omit<DiagnoseResult, 'findings' | 'seconds'>): Finding[] {
  const iso = r.isotropy;
  const out: Finding[] = [];
  const mc = iso.meanCosine;
  if (Number.isFinite(mc)) {
    const abtt = iso.previews[0];
    const fix =
      abtt && Number.isFinite(abtt.meanCosine)
        ? ` Removing the mean and top ${abtt.components} component${abtt.components === 1 ? '' : 's'} (all-but-the-top) would give ${f2(abtt.meanCosine)}.`
        : '';
    if (mc >= ANISOTROPY_MEAN_COS)
      out.push({
        severity: 'warning',
        section: 'isotropy',
        title: `Anisotropy: mean cosine ${f2(mc)}`,
        detail: `Two random rows have cosine ${f2(mc)} on average (0 for isotropic data), so raw cosine scores are inflated and compressed (≥ ${ANISOTROPY_MEAN_COS} flagged).${fix}`,
      });
    else
      out.push({
        severity: 'info',
        section: 'isotropy',
        title: `Mean cosine ${f2(mc)}`,
        detail: `Average cosine between two random rows (0 for isotropic data); IsoScore ${f2(iso.isoScore)}, I(W) ${f2(iso.partitionIsotropy)}.`,
      });
    const top = iso.topContributors[0];
    // A rogue dimension carries far more than its fair share 1/d (Timkey & van Schijndel 2021 report single dimensions
    // at 50–90%).
    if (top && mc > 0.05 && top.share >= Math.max(ROGUE_SHARE, ROGUE_FAIR_MULTIPLE / r.dims))
      out.push({
        severity: 'warning',
        section: 'isotropy',
        title: `Rogue dimension ${top.dim} carries ${pct(top.share)} of the average cosine`,
        detail: `One dimension dominates cosine similarity (≥ ${pct(ROGUE_SHARE)} flagged); similarity rankings mostly reflect it. Standardising dimensions or all-but-the-top reduces it.`,
      });
  }
  if (iso.outlierDimensions.length) {
    const list = iso.outlierDimensions.slice(0, 8).join(', ') + (iso.outlierDimensions.length > 8 ? ', …' : '');
    out.push({
      severity: 'warning',
      section: 'isotropy',
      title: `${plural(iso.outlierDimensions.length, 'outlier dimension')}: ${list}`,
      detail: `Variance at least ${OUTLIER_FACTOR}× the mean per-dimension variance; they dominate distances and dot products.`,
    });
  }
  if (Number.isFinite(iso.isoScore) && iso.isoScore < 0.1 && mc < ANISOTROPY_MEAN_COS)
    out.push({
      severity: 'info',
      section: 'isotropy',
      title: `Low IsoScore ${f2(iso.isoScore)}`,
      detail: 'Variance is concentrated in few principal directions (1 = every direction used equally).',
    });
  return out;
}

function hubnessFindings(r: Omit<DiagnoseResult, 'findings' | 'seconds'>): Finding[] {
  const h = r.hubness;
  if (!Number.isFinite(h.skewness))
    return [
      {
        severity: 'info',
        section: 'hubness',
        title: 'Hubness not defined',
        detail: h.notes.join(' ') || 'Too few rows.',
      },
    ];
  const best = Math.min(h.mutualProximity.skewness, h.csls.skewness);
  const which = h.mutualProximity.skewness <= h.csls.skewness ? 'mutual proximity' : 'CSLS';
  const help = Number.isFinite(best) ? ` ${which} re-ranking brings it to ${f2(best)}.` : '';
  const detail = `Skewness of the ${h.k}-occurrence distribution (${h.metric}); the top hub is in ${h.maxOccurrence} neighbour lists, ${pct(h.antihubShare)} of rows are in none.${help}`;
  if (h.skewness > HUBNESS_SEVERE)
    return [
      {
        severity: 'critical',
        section: 'hubness',
        title: `Strong hubness: skewness ${f2(h.skewness)} (> ${HUBNESS_STRONG})`,
        detail,
      },
    ];
  if (h.skewness > HUBNESS_STRONG)
    return [
      {
        severity: 'warning',
        section: 'hubness',
        title: `Strong hubness: skewness ${f2(h.skewness)} (> ${HUBNESS_STRONG})`,
        detail,
      },
    ];
  return [
    {
      severity: 'info',
      section: 'hubness',
      title: `Little hubness: skewness ${f2(h.skewness)} (≤ ${HUBNESS_STRONG})`,
      detail,
    },
  ];
}

function normFindings(r: Omit<DiagnoseResult, 'findings' | 'seconds'>): Finding[] {
  const c = r.cosineVsDot;
  const out: Finding[] = [];
  if (!Number.isFinite(c.normCv) || r.isotropy.rowsUsed < 2) return out;
  if (c.normCv < EQUAL_NORM_CV)
    out.push({
      severity: 'info',
      section: 'cosineVsDot',
      title: 'All rows have the same norm',
      detail: 'Cosine similarity and dot product rank neighbours identically.',
    });
  // Judged by what users see (neighbour lists), not by the CV alone: a CV of 0.1 can already reorder most top-k lists.
  else if (c.normCv >= NORM_CV_VARIES || c.topkOverlap < 1 - NEIGHBOR_DISAGREEMENT)
    out.push({
      severity: 1 - c.topkOverlap >= NEIGHBOR_DISAGREEMENT ? 'warning' : 'info',
      section: 'cosineVsDot',
      title: `Norms vary (CV ${f2(c.normCv)}): cosine and dot disagree on ${pct(1 - c.topkOverlap)} of top-${c.k} neighbours`,
      detail: `Choose the similarity on purpose: dot product keeps what the norm encodes, cosine discards it (top-${c.k} Jaccard ${f2(c.topkJaccard)}, mean Spearman of the two scores ${f2(c.rankCorrelation)}).`,
    });
  else
    out.push({
      severity: 'info',
      section: 'cosineVsDot',
      title: `Norms nearly equal (CV ${f2(c.normCv)})`,
      detail: `Cosine and dot agree on ${pct(c.topkOverlap)} of top-${c.k} neighbours.`,
    });
  const nc = c.normCorrelations[0];
  if (nc && Math.abs(nc.spearman) >= 0.3)
    out.push({
      severity: 'info',
      section: 'cosineVsDot',
      title: `Norm tracks '${nc.column}' (Spearman ${f2(nc.spearman)})`,
      detail: `The vector length encodes '${nc.column}'; cosine similarity ignores it.`,
    });
  if (Number.isFinite(c.rescaleJaccard) && c.rescaleJaccard < 0.5)
    out.push({
      severity: 'warning',
      section: 'cosineVsDot',
      title: `Cosine neighbours depend on dimension scaling (Jaccard ${f2(c.rescaleJaccard)})`,
      detail: `A random per-dimension rescaling (σ = ${c.rescaleSigma} in log scale) changes most top-${c.k} cosine neighbours (Steck et al. 2024): cosine here reflects arbitrary scale choices.`,
    });
  return out;
}
