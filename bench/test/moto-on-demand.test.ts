import type { Moto } from '../src/standins/launch';
import { MotoOnDemand } from '../src/standins/moto-on-demand';

function fakeMoto(): { moto: Moto; stops: () => number } {
  let stops = 0;
  const moto: Moto = {
    url: 'http://127.0.0.1:1',
    reset: async () => undefined,
    stop: async () => {
      stops += 1;
    },
  };
  return { moto, stops: () => stops };
}

describe('MotoOnDemand', () => {
  it('starts moto once, for the first stage that asks, and stops it at the end', async () => {
    const { moto, stops } = fakeMoto();
    let starts = 0;
    const server = new MotoOnDemand(async () => {
      starts += 1;
      return moto;
    });
    expect(await server.get()).toBe(moto);
    expect(await server.get()).toBe(moto);
    await server.stop();
    expect(starts).toBe(1);
    expect(stops()).toBe(1);
  });

  it('starts nothing when no stage asked (--no-moto)', async () => {
    let starts = 0;
    const server = new MotoOnDemand(async () => {
      starts += 1;
      return fakeMoto().moto;
    });
    await server.stop();
    expect(starts).toBe(0);
  });

  it('reports a failed start to the stage that asked, and stopping afterwards does not throw over it', async () => {
    const server = new MotoOnDemand(() => Promise.reject(new Error('moto exited (1)')));
    await expect(server.get()).rejects.toThrow('moto exited (1)');
    await expect(server.stop()).resolves.toBeUndefined();
  });
});
