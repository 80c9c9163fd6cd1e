// Minimal HTTP/2 over TLS server (node's http2 module) for scripts/make-tls-fixtures.
//   node h2_server.js HOST PORT KEY_PEM CHAIN_PEM
// Offers ALPN h2 only, answers every request with a short text body. Stopped by the script with a signal.
'use strict';
const fs = require('fs');
const http2 = require('http2');
const [host, port, keyFile, chainFile] = process.argv.slice(2);
const server = http2.createSecureServer({
  key: fs.readFileSync(keyFile),
  cert: fs.readFileSync(chainFile),
  ALPNProtocols: ['h2'],
});
server.on('stream', (stream, headers) => {
  stream.respond({ ':status': 200, 'content-type': 'text/plain' });
  stream.end(`hello over h2 (${headers[':path']})\n`);
});
server.listen(Number(port), host, () => console.log(`listening on ${host}:${port}`));
