// Preloaded with `node --require` to prove a command never reaches the network:
// any DNS lookup or non-loopback connection throws.
const dns = require("node:dns");
const net = require("node:net");

const LOOPBACK = /^(127\.|::1$|localhost$)/;
function refuse(what) {
  const err = new Error(`network access refused in offline check: ${what}`);
  err.code = "Z402_OFFLINE";
  throw err;
}
for (const name of ["lookup", "resolve", "resolve4", "resolve6"]) {
  const original = dns[name];
  dns[name] = function (host, ...rest) {
    if (typeof host === "string" && LOOPBACK.test(host)) return original.call(this, host, ...rest);
    refuse(`dns.${name}(${host})`);
  };
  dns.promises[name] = async (host) => refuse(`dns.promises.${name}(${host})`);
}
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const opts = typeof args[0] === "object" ? args[0] : { host: args[1] };
  const host = opts.host ?? "localhost";
  if (opts.path || LOOPBACK.test(host)) return connect.apply(this, args);
  refuse(`connect(${host})`);
};
