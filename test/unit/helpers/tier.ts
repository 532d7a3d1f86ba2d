/**
 * Test tiers. `npm run test:fast` sets EMBEDDING_LENS_TEST_TIER=fast: tests that take seconds
 * (full comparisons with numpy/scikit-learn on real data, layouts, whole CLI runs, big data
 * from ../shared) skip with a reason, so the inner loop stays under two minutes.
 * `npm test`, which CI runs, runs every tier.
 */
const FAST = process.env.EMBEDDING_LENS_TEST_TIER === 'fast';

const REASON = 'slow: skipped by npm run test:fast (npm test runs it)';

/** A test's `skip` option: the fast tier's reason, else the test's own condition (if any). */
export function slow<T extends string | boolean | undefined>(otherwise?: T): string | T | undefined {
  return FAST ? REASON : otherwise;
}
