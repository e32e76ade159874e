// Integration tests wait on real queues (visibility timeouts, long polls): 60 s per test.
// (`testTimeout` is a global Jest option and is ignored inside a project, hence this file.)
jest.setTimeout(60_000);
