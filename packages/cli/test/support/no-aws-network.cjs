// Preloaded (`node --require`) into an `orders` child process: AWS's host names do not resolve, as
// on a machine without network access — whatever network the machine running the tests has, so
// a test of what a user sees then never reaches AWS itself. Other names resolve as usual.
const dns = require('node:dns');

const resolve = dns.lookup;
dns.lookup = (hostname, ...rest) => {
  if (!/(^|\.)amazonaws\.com$/i.test(hostname)) return resolve(hostname, ...rest);
  const done = rest[rest.length - 1];
  const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
    code: 'ENOTFOUND',
    syscall: 'getaddrinfo',
    hostname,
  });
  process.nextTick(done, error);
  return {};
};
