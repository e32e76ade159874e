import {
  DEFAULT_PULL_TIMEOUT_MS,
  decideReaper,
  motoLauncherProgram,
  isAddressOfThisMachine,
  portBindingsOn,
  portPlacementFor,
  describeLeftover,
  withLeftover,
  selectEndpoint,
  selectionInputsFrom,
  type ContainerEngine,
  type SelectionInputs,
  type StartedContainer,
} from '../../src/integration';
import { DEFAULT_LOCALSTACK_IMAGE } from '../../src/integration/localstack';
import { DEFAULT_MOTO_IMAGE } from '../../src/integration/moto-container';

/** What the injected engine and starters were asked to do, in order. */
type Call = string;

interface Fakes {
  readonly calls: Call[];
  readonly logged: string[];
  readonly inputs: SelectionInputs;
}

interface FakeOptions {
  readonly engine?: 'answers' | 'absent';
  /** Images present locally. */
  readonly images?: readonly string[];
  /** Images a pull brings (any other pull fails at once, as with no registry). */
  readonly pullable?: readonly string[];
  readonly failingStarts?: readonly ('localstack' | 'moto-container' | 'moto-process')[];
  readonly overrides?: Partial<SelectionInputs>;
}

const MOTO_IMAGE = 'orders-local/moto:5.2.1';

function fakes(options: FakeOptions = {}): Fakes {
  const calls: Call[] = [];
  const logged: string[] = [];
  const images = new Set(options.images ?? []);
  const fails = (path: string): boolean => (options.failingStarts ?? []).some((failing) => failing === path);
  const container =
    (path: 'localstack' | 'moto-container', port: number) =>
    async (image: string): Promise<StartedContainer> => {
      calls.push(`start ${path} ${image}`);
      if (fails(path)) throw new Error(`${path} wait strategy timed out\nsecond line`);
      return {
        endpoint: `http://127.0.0.1:${port}`,
        containerId: `${path}-id`,
        stop: async () => void calls.push(`stop ${path}`),
      };
    };
  const engine: ContainerEngine = {
    description: 'engine 20.10.24 at /var/run/docker.sock',
    hasImage: async (image) => images.has(image),
    pull: async (image, timeoutMs) => {
      calls.push(`pull ${image} within ${timeoutMs} ms`);
      if (!(options.pullable ?? []).includes(image)) throw new Error('no such host\nmore');
      images.add(image);
    },
  };
  const inputs: SelectionInputs = {
    python: 'python3',
    localstackImage: DEFAULT_LOCALSTACK_IMAGE,
    motoImage: MOTO_IMAGE,
    pullTimeoutMs: 30_000,
    connectEngine: async () => {
      calls.push('connect engine');
      if (options.engine === 'absent') throw new Error('Could not find a working container runtime strategy');
      return engine;
    },
    startLocalStack: (image) => container('localstack', 4566)(image),
    startMotoContainer: container('moto-container', 5000),
    startMotoServer: async (python) => {
      calls.push(`start moto-process ${python}`);
      if (fails('moto-process')) throw new Error(`could not run ${python}: spawn ENOENT`);
      return { endpoint: 'http://127.0.0.1:6000', pid: 42, stop: async () => void calls.push('stop moto-process') };
    },
    log: (line) => void logged.push(line),
    ...options.overrides,
  };
  return { calls, logged, inputs };
}

const failure = async (inputs: SelectionInputs): Promise<Error> => {
  const error = await selectEndpoint(inputs).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('selectEndpoint did not fail');
  return error;
};

describe('endpoint selection, in order', () => {
  it('takes a moto container when an engine answers and the image is here, and says testcontainers started it', async () => {
    const { calls, logged, inputs } = fakes({ images: [MOTO_IMAGE] });

    const selected = await selectEndpoint(inputs);

    expect(selected).toMatchObject({ endpoint: 'http://127.0.0.1:5000', kind: 'moto-container', flavour: 'moto' });
    expect(selected.description).toBe(
      `moto container ${MOTO_IMAGE} at http://127.0.0.1:5000 (started by testcontainers on engine 20.10.24 at /var/run/docker.sock, container moto-container-id)`,
    );
    // LocalStack: no token, and its free image is not here: passed over without a pull or a log line.
    expect(calls).toEqual(['connect engine', `start moto-container ${MOTO_IMAGE}`]);
    expect(logged).toEqual([]);
    await selected.stop();
    expect(calls.at(-1)).toBe('stop moto-container');
  });

  it('takes LocalStack first when its pinned free image is here, without a token', async () => {
    const { calls, inputs } = fakes({ images: [DEFAULT_LOCALSTACK_IMAGE, MOTO_IMAGE] });

    const selected = await selectEndpoint(inputs);

    expect(selected).toMatchObject({ kind: 'localstack', flavour: 'localstack', endpoint: 'http://127.0.0.1:4566' });
    expect(selected.description).toMatch(
      /^LocalStack localstack\/localstack:4\.4 at .* \(started by testcontainers on /,
    );
    expect(calls).toEqual(['connect engine', `start localstack ${DEFAULT_LOCALSTACK_IMAGE}`]);
  });

  it('pulls LocalStack (bounded) when a token is set and the image is not here', async () => {
    const { calls, inputs } = fakes({
      pullable: ['localstack/localstack:latest'],
      overrides: { localstackAuthToken: 'ls-token', localstackImage: 'localstack/localstack:latest' },
    });

    const selected = await selectEndpoint(inputs);

    expect(selected.kind).toBe('localstack');
    expect(calls).toEqual([
      'connect engine',
      'pull localstack/localstack:latest within 30000 ms',
      'start localstack localstack/localstack:latest',
    ]);
  });

  it('falls through a moto image that is neither here nor pullable to the moto process, with one log line', async () => {
    const { calls, logged, inputs } = fakes({ overrides: { motoImage: DEFAULT_MOTO_IMAGE } });

    const selected = await selectEndpoint(inputs);

    expect(selected.kind).toBe('moto');
    expect(selected.description).toBe('moto process at http://127.0.0.1:6000 (pid 42, started by the suite)');
    expect(calls).toEqual([
      'connect engine',
      `pull ${DEFAULT_MOTO_IMAGE} within 30000 ms`,
      'start moto-process python3',
    ]);
    expect(logged).toEqual([
      `moto container via testcontainers (${DEFAULT_MOTO_IMAGE}): the image is not present locally, and pulling it failed (no such host); trying the next path.`,
    ]);
  });

  it('falls through a container that cannot start, with one log line holding the first line of the reason', async () => {
    const { logged, inputs } = fakes({ images: [MOTO_IMAGE], failingStarts: ['moto-container'] });

    const selected = await selectEndpoint(inputs);

    expect(selected.kind).toBe('moto');
    expect(logged).toEqual([
      `moto container via testcontainers (${MOTO_IMAGE}): could not start (moto-container wait strategy timed out); trying the next path.`,
    ]);
  });

  it('asks for the engine once and says once that none answers, then starts a moto process', async () => {
    const { calls, logged, inputs } = fakes({ engine: 'absent' });

    const selected = await selectEndpoint(inputs);

    expect(selected.kind).toBe('moto');
    expect(calls).toEqual(['connect engine', 'start moto-process python3']);
    expect(logged).toEqual([
      `LocalStack via testcontainers (${DEFAULT_LOCALSTACK_IMAGE}): no container engine answers (Could not find a working container runtime strategy); trying the next path.`,
    ]);
  });

  it('fails, saying what was tried and how to fix it, when no path works', async () => {
    const { inputs } = fakes({ engine: 'absent', failingStarts: ['moto-process'] });

    const error = await failure({ ...inputs, python: 'python3-that-does-not-exist' });

    expect(error.message.split('\n')).toEqual([
      'No AWS endpoint for the integration tests. Tried:',
      '  1. AWS_ENDPOINT_URL: not set.',
      `  2. LocalStack via testcontainers (${DEFAULT_LOCALSTACK_IMAGE}): no container engine answers (Could not find a working container runtime strategy)`,
      `  3. moto container via testcontainers (${MOTO_IMAGE}): no container engine answers (Could not find a working container runtime strategy)`,
      '  4. moto process (python3-that-does-not-exist -m moto.server): could not run python3-that-does-not-exist: spawn ENOENT',
      'Fix one of these:',
      '  - point AWS_ENDPOINT_URL at a running LocalStack or moto (e.g. AWS_ENDPOINT_URL=http://127.0.0.1:4566);',
      "  - start a container engine (scripts/containers/engine.sh start) and have moto's image locally",
      '    (scripts/containers/build-images.sh, then ORDERS_IT_MOTO_IMAGE=orders-local/moto:<version>);',
      "  - pip install 'moto[server]' so the suite can start moto itself (ORDERS_IT_PYTHON picks the interpreter).",
    ]);
  });
});

describe('ORDERS_IT_EMULATOR', () => {
  it('moto-container: that path only; its failure fails the run instead of starting a process', async () => {
    const { calls, logged, inputs } = fakes({ overrides: { prefer: 'moto-container' } });

    const error = await failure(inputs);

    expect(calls).toEqual(['connect engine', `pull ${MOTO_IMAGE} within 30000 ms`]);
    expect(logged).toEqual([
      `moto container via testcontainers (${MOTO_IMAGE}): the image is not present locally, and pulling it failed (no such host); no other path allowed.`,
    ]);
    expect(error.message).toContain('  2. LocalStack: skipped (ORDERS_IT_EMULATOR=moto-container).');
    expect(error.message).toContain('  4. moto process: skipped (ORDERS_IT_EMULATOR=moto-container).');
  });

  it('moto-process: never asks for an engine', async () => {
    const { calls, inputs } = fakes({ images: [MOTO_IMAGE], overrides: { prefer: 'moto-process' } });

    const selected = await selectEndpoint(inputs);

    expect(selected.kind).toBe('moto');
    expect(calls).toEqual(['start moto-process python3']);
  });

  it('moto: either moto path, the container first, LocalStack skipped even when its image is here', async () => {
    const { calls, inputs } = fakes({ images: [DEFAULT_LOCALSTACK_IMAGE], overrides: { prefer: 'moto' } });

    const selected = await selectEndpoint(inputs);

    expect(selected.kind).toBe('moto');
    expect(calls).toEqual(['connect engine', `pull ${MOTO_IMAGE} within 30000 ms`, 'start moto-process python3']);
  });

  it('localstack: tries a pull of the free image even without a token', async () => {
    const { calls, inputs } = fakes({ pullable: [DEFAULT_LOCALSTACK_IMAGE], overrides: { prefer: 'localstack' } });

    const selected = await selectEndpoint(inputs);

    expect(selected.kind).toBe('localstack');
    expect(calls).toContain(`pull ${DEFAULT_LOCALSTACK_IMAGE} within 30000 ms`);
  });

  it('an unknown value is an error naming the known ones, before anything starts', async () => {
    const { calls, inputs } = fakes({ overrides: { prefer: 'docker' } });

    const error = await failure(inputs);

    expect(error.message).toBe(
      'ORDERS_IT_EMULATOR=docker is not a path the suite knows; use one of localstack, moto-container, moto-process, moto, or unset it to try them in order.',
    );
    expect(calls).toEqual([]);
  });
});

describe('selection inputs from the environment', () => {
  it('defaults to the pinned public images and a two-minute pull bound', () => {
    const inputs = selectionInputsFrom({});
    expect(inputs).toMatchObject({
      localstackImage: 'localstack/localstack:4.4',
      motoImage: DEFAULT_MOTO_IMAGE,
      python: 'python3',
      pullTimeoutMs: DEFAULT_PULL_TIMEOUT_MS,
    });
    expect(DEFAULT_MOTO_IMAGE).toMatch(/^motoserver\/moto:\d+\.\d+\.\d+$/);
    expect(inputs.awsEndpointUrl).toBeUndefined();
    expect(inputs.localstackAuthToken).toBeUndefined();
  });

  it('reads the overrides', () => {
    const inputs = selectionInputsFrom({
      ORDERS_IT_MOTO_IMAGE: MOTO_IMAGE,
      LOCALSTACK_IMAGE: 'localstack/localstack:latest',
      LOCALSTACK_AUTH_TOKEN: 'ls-token',
      ORDERS_IT_EMULATOR: 'moto-container',
      ORDERS_IT_PULL_TIMEOUT_SECONDS: '5',
      ORDERS_IT_PYTHON: '/usr/bin/python3',
    });
    expect(inputs).toMatchObject({
      motoImage: MOTO_IMAGE,
      localstackImage: 'localstack/localstack:latest',
      localstackAuthToken: 'ls-token',
      prefer: 'moto-container',
      pullTimeoutMs: 5_000,
      python: '/usr/bin/python3',
    });
  });

  it('refuses a pull timeout that is not a number of seconds', () => {
    expect(() => selectionInputsFrom({ ORDERS_IT_PULL_TIMEOUT_SECONDS: 'soon' })).toThrow(
      'ORDERS_IT_PULL_TIMEOUT_SECONDS must be a number of seconds >= 0; got "soon".',
    );
  });
});

describe("testcontainers' reaper", () => {
  const ryuk = 'testcontainers/ryuk:0.14.0';
  const engine = (present: boolean, pullable: boolean, asked: string[] = []) => ({
    hasImage: async (image: string) => {
      asked.push(`has ${image}`);
      return present;
    },
    pull: async (image: string, timeoutMs: number) => {
      asked.push(`pull ${image} within ${timeoutMs} ms`);
      if (!pullable) throw new Error('no such host\nmore');
    },
  });

  it('is turned off, with the reason, when its image is neither here nor pullable', async () => {
    const env: NodeJS.ProcessEnv = {};
    const asked: string[] = [];
    const decision = await decideReaper(env, ryuk, engine(false, false, asked), 30_000);
    expect(env['TESTCONTAINERS_RYUK_DISABLED']).toBe('true');
    expect(decision).toEqual({
      reaper: 'off',
      reason: expect.stringContaining(
        `its image ${ryuk} is not present locally and could not be pulled (no such host)`,
      ),
    });
    expect(asked).toEqual([`has ${ryuk}`, `pull ${ryuk} within 30000 ms`]);
  });

  it('stays on when its image is here, without a pull', async () => {
    const env: NodeJS.ProcessEnv = {};
    const asked: string[] = [];
    await expect(decideReaper(env, ryuk, engine(true, false, asked), 30_000)).resolves.toEqual({
      reaper: 'on',
      image: ryuk,
    });
    expect(env['TESTCONTAINERS_RYUK_DISABLED']).toBeUndefined();
    expect(asked).toEqual([`has ${ryuk}`]);
  });

  it('stays on when a registry gives its image', async () => {
    const env: NodeJS.ProcessEnv = {};
    await expect(decideReaper(env, ryuk, engine(false, true), 30_000)).resolves.toEqual({ reaper: 'on', image: ryuk });
    expect(env['TESTCONTAINERS_RYUK_DISABLED']).toBeUndefined();
  });

  it('stays off when the user turned it off, without looking for the image', async () => {
    const asked: string[] = [];
    const decision = await decideReaper({ TESTCONTAINERS_RYUK_DISABLED: 'true' }, ryuk, engine(true, true, asked), 1);
    expect(decision).toEqual({ reaper: 'off', reason: 'TESTCONTAINERS_RYUK_DISABLED=true was set' });
    expect(asked).toEqual([]);
  });
});

describe('published ports', () => {
  it('of an engine on this machine are bound to 127.0.0.1 and reached there', () => {
    for (const host of ['localhost', '127.0.0.1', '::1'])
      expect(portPlacementFor(host, true)).toEqual({ bindAddress: '127.0.0.1', endpointHost: '127.0.0.1' });
  });

  it("are bound to the engine bridge address testcontainers probes from inside a container, when it is this machine's", () => {
    // A sandbox that is itself a container (/.dockerenv) with dockerd in its own network
    // namespace: testcontainers resolves the bridge gateway, where a port on 127.0.0.1 is not.
    expect(portPlacementFor('172.17.0.1', true)).toEqual({ bindAddress: '172.17.0.1', endpointHost: '172.17.0.1' });
    expect(portPlacementFor('fd00::1', true)).toEqual({ bindAddress: 'fd00::1', endpointHost: '[fd00::1]' });
  });

  it('of a remote engine keep its own binding and are reached at its address', () => {
    expect(portPlacementFor('10.0.0.5', false)).toEqual({ bindAddress: undefined, endpointHost: '10.0.0.5' });
    expect(portPlacementFor('fd00::5', false)).toEqual({ bindAddress: undefined, endpointHost: '[fd00::5]' });
  });

  it('go to an address of this machine only when a socket can be bound to it', async () => {
    await expect(isAddressOfThisMachine('127.0.0.1')).resolves.toBe(true);
    // TEST-NET-2 (RFC 5737): documentation only, never a machine's address.
    await expect(isAddressOfThisMachine('198.51.100.7')).resolves.toBe(false);
    await expect(isAddressOfThisMachine('docker-host.example')).resolves.toBe(false);
  });

  it('are bound to one address, keeping the host port testcontainers asked for', () => {
    expect(
      portBindingsOn('127.0.0.1', { '5000/tcp': [{ HostPort: '0' }], '4566/tcp': [{ HostPort: '4566' }] }),
    ).toEqual({
      '5000/tcp': [{ HostIp: '127.0.0.1', HostPort: '0' }],
      '4566/tcp': [{ HostIp: '127.0.0.1', HostPort: '4566' }],
    });
    expect(portBindingsOn('172.17.0.1', { '5000/tcp': [] })).toEqual({
      '5000/tcp': [{ HostIp: '172.17.0.1', HostPort: '0' }],
    });
    expect(portBindingsOn('127.0.0.1', undefined)).toEqual({});
  });
});

describe('a container that failed to start', () => {
  const frame = (stream: number, text: string): Buffer => {
    const header = Buffer.alloc(8);
    header[0] = stream;
    header.writeUInt32BE(Buffer.byteLength(text), 4);
    return Buffer.concat([header, Buffer.from(text)]);
  };
  const running = {
    Id: '6ded1b70fd35aaaaaaaa',
    State: { Status: 'running', ExitCode: 0 },
    NetworkSettings: { Ports: { '5000/tcp': [{ HostIp: '127.0.0.1', HostPort: '32781' }] } },
  };

  it('is described by its state, where its port went, the address probed and its last log lines', () => {
    const logs = Buffer.concat([
      frame(2, 'WARNING: development server\n * Running on all addresses\n'),
      frame(1, 'ready\n'),
    ]);
    expect(describeLeftover(running, logs, '172.17.0.1')).toBe(
      'container 6ded1b70fd35 running, published 5000/tcp on 127.0.0.1:32781 (testcontainers probed 172.17.0.1), ' +
        'last log lines: WARNING: development server | * Running on all addresses | ready',
    );
  });

  it('that exited says so with its exit code; plain-text logs are read as they are', () => {
    const exited = { Id: 'abcdef1234567890', State: { Status: 'exited', ExitCode: 1 }, NetworkSettings: { Ports: {} } };
    expect(describeLeftover(exited, Buffer.from('ModuleNotFoundError: No module named moto\n'), 'localhost')).toBe(
      'container abcdef123456 exited (exit code 1), no port published (testcontainers probed localhost), ' +
        'last log lines: ModuleNotFoundError: No module named moto',
    );
    expect(describeLeftover({ Id: 'abcdef1234567890' }, Buffer.alloc(0), 'localhost')).toBe(
      'container abcdef123456 in an unknown state, no port published (testcontainers probed localhost), no log lines',
    );
  });

  it('puts what was seen on the first line of the error, the one the selection log prints', () => {
    const error = withLeftover(
      new Error('URL /moto-api/data.json not accessible after 60000ms\nat ...'),
      'container x running',
    );
    expect((error as Error).message).toBe(
      'URL /moto-api/data.json not accessible after 60000ms; container x running\nat ...',
    );
    const original = new Error('no engine');
    expect(withLeftover(original, undefined)).toBe(original);
  });
});

describe('the moto launcher', () => {
  it('serves on the given address with the DynamoDB write lock, in a container without the stdin watch', () => {
    const program = motoLauncherProgram({ host: '0.0.0.0', exitWhenStdinCloses: false });
    expect(program).toContain("sys.argv = ['moto.server', '-H', '0.0.0.0', '-p', sys.argv[1]]");
    expect(program).toContain('_write_lock = threading.RLock()');
    expect(program).toContain('signal.signal(signal.SIGTERM');
    // A container has no stdin: watching it would end the server at once.
    expect(program).not.toContain('sys.stdin.read()');
  });

  it('as a process, exits when the suite that started it goes', () => {
    const program = motoLauncherProgram({ host: '127.0.0.1', exitWhenStdinCloses: true });
    expect(program).toContain("'-H', '127.0.0.1'");
    expect(program).toContain('sys.stdin.read()');
  });
});
