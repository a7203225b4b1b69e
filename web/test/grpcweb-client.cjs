// A gRPC-Web client of ml_metadata.MetadataStoreService built from the npm
// `grpc-web` package (the client base and method descriptors that
// protoc-gen-grpc-web's output uses, in binary mode as Kubeflow Pipelines'
// frontend uses it) and messages compiled from proto/ by protobufjs.
//
// Input (stdin, JSON): {"url": "http://host:port", "calls": [{"method":
// "GetArtifacts", "request": "<base64 request>"}]}. Output (stdout, JSON):
// one entry per call, {"method", "response": "<base64>"} or {"method",
// "error": {"code", "message"}}. The Go test that runs it compares each
// answer with the same call over native gRPC.
'use strict';

const path = require('path');
const fs = require('fs');
const protobuf = require('protobufjs');
const grpcWeb = require('grpc-web');
globalThis.XMLHttpRequest = require('xhr2');

const protoDirs = [
  path.join(__dirname, '..', '..', 'proto'),
  // google/protobuf/descriptor.proto ships with protobufjs; its other
  // well-known types (any, struct, field_mask) are built in.
  path.dirname(require.resolve('protobufjs/package.json')),
];

function loadService() {
  const root = new protobuf.Root();
  root.resolvePath = (origin, target) => {
    for (const dir of protoDirs) {
      const p = path.join(dir, target);
      if (fs.existsSync(p)) return p;
    }
    return protobuf.util.path.resolve(origin, target);
  };
  root.loadSync('ml_metadata/proto/metadata_store_service.proto', { keepCase: true });
  root.resolveAll();
  return root.lookupService('ml_metadata.MetadataStoreService');
}

// makeClient returns one promise-returning function per method of service,
// as a generated grpc-web promise client has.
function makeClient(service, url) {
  const base = new grpcWeb.GrpcWebClientBase({ format: 'binary' });
  const client = {};
  for (const m of Object.values(service.methods)) {
    const req = m.resolvedRequestType;
    const resp = m.resolvedResponseType;
    const full = '/' + service.fullName.replace(/^\./, '') + '/' + m.name;
    const desc = new grpcWeb.MethodDescriptor(
      full, grpcWeb.MethodType.UNARY, req, resp,
      (msg) => req.encode(msg).finish(),
      (bytes) => resp.decode(bytes));
    client[m.name] = {
      call: (msg) => base.unaryCall(url + full, msg, {}, desc),
      request: req,
      response: resp,
    };
  }
  return client;
}

async function main() {
  const input = JSON.parse(fs.readFileSync(0, 'utf8'));
  const client = makeClient(loadService(), input.url);
  const out = [];
  for (const c of input.calls) {
    const m = client[c.method];
    if (!m) throw new Error('no method ' + c.method);
    const req = m.request.decode(Buffer.from(c.request, 'base64'));
    try {
      const resp = await m.call(req);
      out.push({ method: c.method, response: Buffer.from(m.response.encode(resp).finish()).toString('base64') });
    } catch (e) {
      out.push({ method: c.method, error: { code: e.code, message: e.message } });
    }
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
