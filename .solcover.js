module.exports = {
  skipFiles: ["test/"],
  istanbulReporter: ["text-summary", "json-summary", "lcov"],
  mocha: { timeout: 300000 },
};
