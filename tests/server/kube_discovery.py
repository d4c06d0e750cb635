"""A test-only stand-in for a Kubernetes API server's *discovery*, so that
`kubectl apply --dry-run=client` can run without a cluster (test_deploy.py).
It is discovery only, with no cluster behaviour: it stores nothing, runs
nothing, accepts no object and knows no other kind than the few below.

It answers, over plain HTTP on 127.0.0.1:
  GET /version, /api, /apis, /api/v1, /apis/batch/v1  the legacy discovery
      documents, listing only configmaps, persistentvolumeclaims and pods
      (v1) and jobs (batch/v1): the kinds deploy/kubernetes/ uses. A kind or
      an apiVersion not listed makes kubectl fail ("no matches for kind");
      a new kind in the manifests must be added to RESOURCES.
  GET /openapi/v2  with --swagger FILE.json (a real Kubernetes swagger.json:
      test_deploy.py gives Kubernetes 1.13's, from Debian's
      golang-k8s-kube-openapi-dev), its definitions as kubectl reads them
      (gnostic's OpenAPI v2 protobuf), for kubectl's schema validation
      (--validate); no paths: kubectl then validates on the client side.
      Without --swagger, 404 (use --validate=false).
  GET of any object  404 NotFound (a Status), so apply computes a create.
  anything else      404; any other method 405: nothing is ever accepted.
Every request's method and path is logged on stderr.

Usage: kube_discovery.py [--swagger FILE.json]; prints "listening on PORT" once
it listens, serves until killed.
"""
import json
import re
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# group/version -> [(resource, singular, kind, namespaced, short names)]
RESOURCES = {
    "v1": [("configmaps", "configmap", "ConfigMap", True, ["cm"]),
           ("persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", True,
            ["pvc"]),
           ("pods", "pod", "Pod", True, ["po"])],
    "batch/v1": [("jobs", "job", "Job", True, [])],
}
VERBS = ["create", "delete", "get", "list", "patch", "update", "watch"]
# /api/v1/namespaces/NS/RESOURCE/NAME, /apis/GROUP/VERSION/namespaces/NS/RESOURCE/NAME
OBJECT = re.compile(r"^/(?:api/(v1)|apis/([^/]+/[^/]+))/namespaces/[^/]+/([^/]+)/([^/]+)$")


# gnostic's OpenAPIv2.proto, the fields a Kubernetes swagger's definitions use
# (message Schema): JSON key -> (field number, how it is encoded)
SCHEMA = {"$ref": (1, "str"), "format": (2, "str"), "title": (3, "str"),
          "description": (4, "str"), "required": (19, "strs"),
          "additionalProperties": (21, "additional"), "type": (22, "type"),
          "items": (23, "items"), "properties": (25, "properties")}


def varint(n):
    out = bytearray()
    while True:
        b, n = n & 0x7F, n >> 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def field(num, data):
    """A length-delimited field (wire type 2): a string or a message."""
    if isinstance(data, str):
        data = data.encode()
    return varint(num << 3 | 2) + varint(len(data)) + data


def named_any(name, value):
    """NamedAny{name, Any{yaml}}: an x- extension, as YAML (JSON is YAML)."""
    return field(1, name) + field(2, field(2, json.dumps(value)))


def schema(s):
    out = bytearray()
    for key, value in s.items():
        if key.startswith("x-"):
            continue
        if key not in SCHEMA:
            raise ValueError(f"swagger: schema key {key!r} not encoded")
        num, how = SCHEMA[key]
        if how == "str":
            out += field(num, value)
        elif how == "strs":
            out += b"".join(field(num, v) for v in value)
        elif how == "type":  # TypeItem{repeated value}
            out += field(num, b"".join(field(1, v) for v in
                                       (value if isinstance(value, list) else [value])))
        elif how == "items":  # ItemsItem{repeated schema}
            out += field(num, b"".join(field(1, schema(v)) for v in
                                       (value if isinstance(value, list) else [value])))
        elif how == "additional":  # AdditionalPropertiesItem{schema | boolean}
            out += field(num, field(1, schema(value)) if isinstance(value, dict)
                         else varint(2 << 3) + varint(int(value)))
        else:  # Properties{repeated NamedSchema}
            out += field(num, b"".join(field(1, field(1, k) + field(2, schema(v)))
                                       for k, v in value.items()))
    out += b"".join(field(31, named_any(k, v)) for k, v in s.items() if k.startswith("x-"))
    return bytes(out)


def document(swagger):
    """Document{swagger, info, definitions} of a swagger.json, as protobuf."""
    info = field(1, swagger["info"]["title"]) + field(2, swagger["info"]["version"])
    defs = b"".join(field(1, field(1, k) + field(2, schema(v)))
                    for k, v in swagger["definitions"].items())
    return field(1, swagger["swagger"]) + field(2, info) + field(9, defs)


def resource_list(gv):
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv,
            "resources": [{"name": r, "singularName": s, "kind": k, "namespaced": ns,
                           "verbs": VERBS, "shortNames": short}
                          for r, s, k, ns, short in RESOURCES[gv]]}


def groups():
    out = []
    for gv in RESOURCES:
        if "/" in gv:
            g, v = gv.split("/")
            ver = {"groupVersion": gv, "version": v}
            out.append({"name": g, "versions": [ver], "preferredVersion": ver})
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": out}


def status(code, reason, message, details=None):
    body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message, "reason": reason, "code": code}
    if details:
        body["details"] = details
    return body


class Handler(BaseHTTPRequestHandler):
    openapi = None  # the protobuf document's bytes, or None

    def log_message(self, fmt, *args):
        sys.stderr.write("kube_discovery: %s\n" % (fmt % args))

    def send(self, code, body, ctype="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == "/version":
            return self.send(200, {"major": "1", "minor": "0", "gitVersion": "v0.0.0-discovery"})
        if path == "/api":
            return self.send(200, {"kind": "APIVersions", "versions": ["v1"],
                                   "serverAddressByClientCIDRs": []})
        if path == "/apis":
            return self.send(200, groups())
        gv = path[len("/api/"):] if path.startswith("/api/") else path[len("/apis/"):]
        if path in ("/api/v1", "/apis/" + gv) and gv in RESOURCES:
            return self.send(200, resource_list(gv))
        if path == "/openapi/v2" and self.openapi is not None:
            return self.send(200, self.openapi, "application/octet-stream")
        m = OBJECT.match(path)
        if m:
            gv, resource, name = m.group(1) or m.group(2), m.group(3), m.group(4)
            group = gv.split("/")[0] if "/" in gv else ""
            return self.send(404, status(404, "NotFound", f'{resource} "{name}" not found',
                                         {"name": name, "group": group, "kind": resource}))
        self.send(404, status(404, "NotFound", "the server could not find the requested "
                              "resource"))

    def refuse(self):
        self.send(405, status(405, "MethodNotAllowed", "discovery only: nothing is accepted"))

    do_POST = do_PUT = do_PATCH = do_DELETE = refuse


def main():
    args = sys.argv[1:]
    if args[:1] == ["--swagger"] and len(args) == 2:
        with open(args[1]) as f:
            Handler.openapi = document(json.load(f))
    elif args:
        sys.exit("usage: kube_discovery.py [--swagger FILE.json]")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print("listening on %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
