// Mints Multipass tokens with the npm package multipassify, so that the Go
// interop test redeems tokens made by a second, independent encoder.
// Usage: node mint.js <secret> < payloads.json > tokens.json
'use strict';
const fs = require('fs');
const Multipassify = require('multipassify');

const secret = process.argv[2];
const payloads = JSON.parse(fs.readFileSync(0, 'utf8'));
const encoder = new Multipassify(secret);
process.stdout.write(JSON.stringify(payloads.map((p) => encoder.encode(p))));
