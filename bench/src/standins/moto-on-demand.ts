import { startMoto, type Moto } from './launch';

/**
 * One moto server for the whole run, started by the first stage that needs it (the moto latency
 * evidence, else the throughput run; `--no-moto` runs neither) and stopped when the run ends.
 */
export class MotoOnDemand {
  private starting: Promise<Moto> | undefined;

  constructor(private readonly start: () => Promise<Moto> = startMoto) {}

  get(): Promise<Moto> {
    this.starting ??= this.start();
    return this.starting;
  }

  /** Stops moto if it was started; a start that failed has already failed the stage that asked for it. */
  async stop(): Promise<void> {
    const moto = await this.starting?.catch(() => undefined);
    await moto?.stop();
  }
}
