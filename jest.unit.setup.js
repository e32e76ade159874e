// A floor, not a speed check. On a busy 2-core machine (parallel jest workers beside other builds,
// benchmarks and test runs) unit tests were measured 5-20x slower than idle: jest's 5 s default
// failed them for being slow, not wrong. A test that hangs still fails, after a minute. Tests that do
// heavy work (property runs, soaks, child processes, servers) set their own, larger timeout; no test
// asserts on elapsed real time: where time is the subject, it runs on fake or manual clocks.
// (`testTimeout` is a global Jest option and is ignored inside a project, hence this file.)
jest.setTimeout(60_000);
