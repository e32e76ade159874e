import { BenchUsageError, planFromArguments } from '../src/plan';

describe('the bench plan', () => {
  it('runs the full bench, rebuilding ours and using moto, when given no flags', () => {
    const plan = planFromArguments([]);
    expect(plan).toMatchObject({ mode: 'full', rebuild: true, skipMoto: false });
  });

  it('reads --smoke, --no-build and --no-moto in any order, past the -- pnpm may pass on', () => {
    expect(planFromArguments(['--', '--no-moto', '--smoke', '--no-build'])).toMatchObject({
      mode: 'smoke',
      rebuild: false,
      skipMoto: true,
    });
  });

  it('refuses an argument it does not know in one sentence, instead of starting the full run', () => {
    expect(() => planFromArguments(['--smok'])).toThrow(
      new BenchUsageError('unknown argument "--smok"; the flags are --smoke, --no-build, --no-moto'),
    );
  });

  it('takes at least 15 paired rounds of every figure with a target in a full run, and far fewer in a smoke run', () => {
    const full = planFromArguments([]).samples;
    const smoke = planFromArguments(['--smoke']).samples;
    const targeted = (s: typeof full): number[] => [s.coldRounds, ...Object.values(s.latencyRounds), s.cpu.rounds];
    for (const rounds of targeted(full)) expect(rounds).toBeGreaterThanOrEqual(15);
    for (const rounds of targeted(smoke)) expect(rounds).toBeLessThanOrEqual(3);
    expect(smoke.motoLatencyRounds).toBe(0);
  });
});
