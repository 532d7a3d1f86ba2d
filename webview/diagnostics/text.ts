/** The plain-language text of the Diagnostics panel: section titles, what each measures, how to read it. */

export const SECTIONS = [
  {
    id: 'rank',
    title: 'Rank axes',
    intro:
      'How many directions the vectors really use. A space that keeps most of its variance in a few of its dimensions has collapsed: the other dimensions carry almost nothing.',
  },
  {
    id: 'intrinsicDimension',
    title: 'Intrinsic dimension',
    intro:
      'How many degrees of freedom the data has locally, whatever the number of columns: the dimension of the surface the vectors lie near.',
  },
  {
    id: 'isotropy',
    title: 'Isotropy and rogue dimensions',
    intro:
      'Whether the vectors spread evenly in every direction or share a common direction (then every cosine is large) and lean on a few dimensions.',
  },
  {
    id: 'hubness',
    title: 'Hubness',
    intro:
      'In high dimensions a few rows ("hubs") turn up in very many nearest-neighbour lists while others ("antihubs") turn up in none, which makes search results repeat the same items.',
  },
  {
    id: 'cosineVsDot',
    title: 'Cosine versus dot product',
    intro:
      'When vector lengths vary, cosine similarity and the dot product rank neighbours differently; cosine throws away whatever the length encodes (often frequency or confidence).',
  },
] as const;

export const explain = {
  rank: 'The blue line is each singular value of the raw matrix (log scale); the orange line is the share of variance the first components explain. Effective rank and RankMe count "how many dimensions" from the entropy of the singular values (up to min(n, d)); the participation ratio does the same from the variances.',
  intrinsicDimension: (metric: string) =>
    `Both estimators read distances to the nearest rows (${metric} distance; exact duplicates removed first because a zero distance breaks them). TwoNN uses the ratio of the two nearest distances, MLE the first k. The histogram shows the local estimate of each row; rows far above the rest sit in sparse or noisy regions.`,
  isotropy:
    'The mean cosine is the average over all pairs of rows (0 when directions are random). Its split over dimensions shows which dimensions make cosines large: one bar far above the rest is a rogue dimension. IsoScore and I(W) are 1 for perfectly even use of all directions. The table previews removing the mean and the top principal components (all-but-the-top, Mu & Viswanath 2018) or whitening.',
  hubness:
    "Each bar counts the rows that appear in that many k-nearest-neighbour lists; with no hubness the counts pile up around k. A long right tail (skewness above 1.2) means hubs. Mutual proximity and CSLS re-rank each row's neighbours to correct for hubs; the table shows what they would change. Click a hub (or press Enter) to see who points at it.",
  cosineVsDot:
    "The histogram shows the vector lengths. The Jaccard index compares each row's k nearest neighbours by cosine with those by dot product (1 = the same). The rescaling test multiplies every dimension by a random factor and checks how many cosine neighbours survive: training often leaves that scale arbitrary (Steck et al. 2024), so low values mean cosine reflects arbitrary choices.",
};
