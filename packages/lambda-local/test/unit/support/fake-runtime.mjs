// A stand-in for aws-lambda-ric that speaks the Runtime API: the host's lifecycle (cold starts,
// timeouts, crashes, init errors) is tested with it in milliseconds; the real client runs in the
// integration tests. The event says what to do: {"do":"echo"|"fail"|"hang"|"exit","value":…}.
const api = `http://${process.env.AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime`;
const post = (path, body) => fetch(`${api}${path}`, { method: 'POST', body: JSON.stringify(body) });

if (process.env.FAKE_INIT === 'fail') {
  await post('/init/error', { errorType: 'ConfigurationError', errorMessage: 'bad setting' });
  process.exit(1);
}
if (process.env.FAKE_INIT === 'hang') await new Promise(() => setInterval(() => {}, 1000));
if (process.env.FAKE_INIT === 'crash') process.exit(7);

for (;;) {
  const next = await fetch(`${api}/invocation/next`);
  const id = next.headers.get('lambda-runtime-aws-request-id');
  const event = await next.json();
  console.log(`handling ${id} pid=${process.pid} deadline=${next.headers.get('lambda-runtime-deadline-ms')}`);
  if (event.do === 'echo') await post(`/invocation/${id}/response`, { value: event.value, pid: process.pid });
  if (event.do === 'fail') await post(`/invocation/${id}/error`, { errorType: 'TypeError', errorMessage: 'boom' });
  if (event.do === 'hang') await new Promise(() => setInterval(() => {}, 1000));
  if (event.do === 'exit') process.exit(3);
}
